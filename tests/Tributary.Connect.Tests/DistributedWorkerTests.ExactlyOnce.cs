using System.Text;
using System.Text.Json.Nodes;
using Tributary.Client;

namespace Tributary.Connect.Tests;

/// <summary>Exactly-once source support (KIP-618) in a <c>connect-distributed</c> worker against a separate broker.</summary>
public sealed partial class DistributedWorkerTests
{
    [Fact]
    public async Task Exactly_once_source_writes_records_and_offsets_in_transactions_and_fences_older_instances_of_a_task()
    {
        var worker = await ConnectStandaloneProcess.StartCommandAsync("connect-distributed", WorkerFile("cluster-e", "e", extra: "exactly.once.source.support=enabled"));
        await using var client = new KafkaClient(new KafkaClientOptions { BootstrapServers = [$"127.0.0.1:{_broker.Ports.Kafka}"] });
        try
        {
            var input = _directory.File("eos.txt");
            await System.IO.File.WriteAllTextAsync(input, Lines(0, 0, 50));
            var body = new JsonObject { ["name"] = "eos", ["config"] = new JsonObject { ["connector.class"] = "FileStreamSource", ["file"] = input, ["topic"] = "eos-lines", ["transaction.boundary"] = "poll" } };
            var (status, answer) = (0, (JsonNode?)null);
            await HoldsAsync(async () => ((status, answer) = await SendAsync(HttpMethod.Post, worker.RestUrl + "/connectors", body.ToJsonString())).status != 409, "a leader is known", () => worker.Output);
            Assert.True(status == 201, $"create: {status} {answer}\n{worker.Output}");

            // Committed: a read_committed reader sees every line once, in order; records and offsets were written in transactions.
            await HoldsAsync(async () => (await ReadTopicAsync(client, "eos-lines", readCommitted: true)).Values.Count >= 50, "50 committed lines", () => worker.Output);
            var first = await ReadTopicAsync(client, "eos-lines", readCommitted: true);
            Assert.Equal(Lines(0, 0, 50).TrimEnd('\n').Split('\n'), first.Values);
            Assert.True(first.Transactional, "the records were not written by a transactional producer");
            await HoldsAsync(async () => await FlushedPositionAsync(worker, "eos") == Encoding.UTF8.GetByteCount(Lines(0, 0, 50)), "the offset committed", () => worker.Output);
            var offsets = await ReadAllPartitionsAsync(client, "e-offsets");
            Assert.True(offsets.Transactional, "the offsets were not written in transactions");

            // A newer instance of the task's transactional id fences the running one: the zombie cannot write any more.
            var successor = new TransactionalProducer(client, "cluster-e-eos-0", TimeSpan.FromSeconds(60));
            await successor.InitAsync();
            await System.IO.File.AppendAllTextAsync(input, Lines(0, 50, 10));
            await HoldsAsync(async () =>
            {
                var (code, state) = await SendAsync(HttpMethod.Get, worker.RestUrl + "/connectors/eos/tasks/0/status");
                return code == 200 && state?["state"]?.GetValue<string>() == "FAILED";
            }, "the fenced task fails", () => worker.Output);
            var (_, failed) = await SendAsync(HttpMethod.Get, worker.RestUrl + "/connectors/eos/tasks/0/status");
            Assert.Contains("fenced", failed?["trace"]?.GetValue<string>() ?? "", StringComparison.OrdinalIgnoreCase);
            Assert.Equal(first.Values, (await ReadTopicAsync(client, "eos-lines", readCommitted: true)).Values);

            // The successor leaves a transaction open (as a worker killed mid-transaction does); the restarted task
            // fences it in turn, its open transaction is aborted, and the task resumes from its committed offset.
            successor.Begin();
            await successor.ProduceAsync("eos-lines", 0, [(null, Encoding.UTF8.GetBytes("orphan"))]);
            var (restart, restartBody) = await SendAsync(HttpMethod.Post, worker.RestUrl + "/connectors/eos/tasks/0/restart");
            Assert.True(restart is 200 or 202 or 204, $"restart: {restart} {restartBody}");
            await HoldsAsync(async () => (await ReadTopicAsync(client, "eos-lines", readCommitted: true)).Values.Count >= 60, "the appended lines committed after the restart", () => worker.Output);
            var after = await ReadTopicAsync(client, "eos-lines", readCommitted: true);
            Assert.Equal(Lines(0, 0, 60).TrimEnd('\n').Split('\n'), after.Values);
            Assert.Contains("orphan", (await ReadTopicAsync(client, "eos-lines", readCommitted: false)).Values);
            var fenced = await Assert.ThrowsAsync<KafkaClientException>(() => successor.CommitAsync());
            Assert.True(fenced.IsFenced, $"error {fenced.ErrorCode}: {fenced.Message}");
        }
        finally
        {
            await worker.DisposeAsync();
        }
    }

    [Fact]
    [Trait("Category", "crash")]
    public async Task A_killed_worker_s_open_transaction_is_aborted_and_its_records_are_committed_once_by_the_next_worker()
    {
        var workers = new List<ConnectStandaloneProcess> { await ConnectStandaloneProcess.StartCommandAsync("connect-distributed", WorkerFile("cluster-k", "k", extra: "exactly.once.source.support=enabled")) };
        await using var client = new KafkaClient(new KafkaClientOptions { BootstrapServers = [$"127.0.0.1:{_broker.Ports.Kafka}"] });
        try
        {
            var input = _directory.File("killed.txt");
            await System.IO.File.WriteAllTextAsync(input, Lines(1, 0, 40));
            // One transaction per 8 s: the first worker's records sit in an open transaction when it is killed.
            var body = new JsonObject { ["name"] = "killed", ["config"] = new JsonObject { ["connector.class"] = "FileStreamSource", ["file"] = input, ["topic"] = "killed-lines", ["transaction.boundary"] = "interval", ["transaction.boundary.interval.ms"] = "8000" } };
            var (status, answer) = (0, (JsonNode?)null);
            await HoldsAsync(async () => ((status, answer) = await SendAsync(HttpMethod.Post, workers[0].RestUrl + "/connectors", body.ToJsonString())).status != 409, "a leader is known", () => Outputs(workers));
            Assert.True(status == 201, $"create: {status} {answer}\n{Outputs(workers)}");
            await HoldsAsync(async () => (await ReadTopicAsync(client, "killed-lines", readCommitted: false)).Values.Count >= 40, "the lines written, uncommitted", () => Outputs(workers));
            Assert.Empty((await ReadTopicAsync(client, "killed-lines", readCommitted: true)).Values);
            await workers[0].KillAsync();

            workers.Add(await ConnectStandaloneProcess.StartCommandAsync("connect-distributed", WorkerFile("cluster-k", "k", extra: "exactly.once.source.support=enabled")));
            await HoldsAsync(async () => (await ReadTopicAsync(client, "killed-lines", readCommitted: true)).Values.Count >= 40, "the lines committed by the next worker", () => Outputs(workers));
            var expected = Lines(1, 0, 40).TrimEnd('\n').Split('\n');
            Assert.Equal(expected, (await ReadTopicAsync(client, "killed-lines", readCommitted: true)).Values);
            // The killed worker's copy is in the log, aborted: read_uncommitted readers see every line twice.
            Assert.Equal([.. expected, .. expected], (await ReadTopicAsync(client, "killed-lines", readCommitted: false)).Values);
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.DisposeAsync();
            }
        }
    }

    private static async Task<PartitionRead> ReadAllPartitionsAsync(KafkaClient client, string topic)
    {
        var values = new List<string>();
        var transactional = false;
        var partitions = await client.PartitionCountAsync(topic) ?? 0;
        for (var p = 0; p < partitions; p++)
        {
            var read = await IsolatedPartitionReader.ReadAsync(client, topic, p, readCommitted: true);
            values.AddRange(read.Values);
            transactional |= read.Transactional;
        }
        return new PartitionRead(values, transactional);
    }

    private static Task<PartitionRead> ReadTopicAsync(KafkaClient client, string topic, bool readCommitted) =>
        IsolatedPartitionReader.ReadAsync(client, topic, 0, readCommitted);
}
