using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Tributary.Client;

namespace Tributary.Connect.Tests;

/// <summary>
/// KIP-558's active topics in distributed mode, kept where Apache Kafka keeps them: the status topic, under
/// <c>status-topic-&lt;topic&gt;:connector-&lt;name&gt;</c> with <c>{"topic":{"name","connector","task","discoverTimestamp"}}</c>.
/// Two <c>tributary connect-distributed</c> workers against a separate <c>tributary serve</c>: the worker that does
/// not run a source's task lists the topic the task produced to; kcat reads the record back; after both workers are
/// replaced by new processes the list is still answered (the connector is STOPPED, so nothing can have recorded it
/// again); a reset of a running connector is refused, of a stopped one writes a tombstone that every worker applies;
/// deleting a connector writes tombstones for its topics; and <c>topic.tracking.enable=false</c> writes nothing and
/// answers 403.
/// </summary>
[Trait("Category", "process")]
public sealed class ActiveTopicsTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(100) };
    private TributaryProcess _broker = null!;

    private string Bootstrap => $"127.0.0.1:{_broker.Ports.Kafka}";

    public async Task InitializeAsync()
    {
        _broker = new TributaryProcess(_directory.File("data"), () => ["connect.rest.port=-1", "group.min.session.timeout.ms=1000", "num.partitions=1"]);
        await _broker.StartAsync();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _broker.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Active_topics_are_in_the_status_topic_answered_by_every_worker_kept_across_restarts_and_reset_with_tombstones()
    {
        InteropClients.RequireKcat();
        var startedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var workers = new List<ConnectStandaloneProcess>();
        try
        {
            for (var i = 0; i < 2; i++)
            {
                workers.Add(await ConnectStandaloneProcess.StartCommandAsync("connect-distributed", WorkerFile("tracked")));
            }
            await CreateSourceAsync(workers[0], "src", "active-x", workers);
            await CreateSourceAsync(workers[1], "gone", "active-y", workers);

            // The worker that does not run src's task answers with the topic that task produced to.
            var runner = "";
            await HoldsAsync(async () => (runner = await TaskWorkerAsync(workers[0], "src")).Length > 0, "src's task RUNNING", workers);
            var other = workers.Single(w => WorkerIdOf(w) != runner);
            await HoldsAsync(async () => await TopicsAsync(other, "src") is ["active-x"], "the other worker lists active-x for src", workers);
            var runnerTopics = await TopicsAsync(workers.Single(w => w != other), "src") ?? ["(no answer)"];
            Assert.Equal(["active-x"], runnerTopics);

            // Written once per worker that first saw a task use the topic (a task moved by an early rebalance to a worker
            // that had not read the record yet may write it again, as Kafka's may): every record has the same shape.
            var records = await StatusRecordsAsync("status-topic-active-x:connector-src");
            Assert.NotEmpty(records);
            Assert.All(records, r => Assert.NotNull(r.Value));
            var value = JsonNode.Parse(records[^1].Value!)!.AsObject();
            Assert.Equal(["topic"], value.Select(p => p.Key));
            var topic = value["topic"]!.AsObject();
            Assert.Equal(["name", "connector", "task", "discoverTimestamp"], topic.Select(p => p.Key));
            Assert.Equal("active-x", (string?)topic["name"]);
            Assert.Equal("src", (string?)topic["connector"]);
            Assert.Equal(0, (int)topic["task"]!);
            var discovered = (long)topic["discoverTimestamp"]!;
            Assert.InRange(discovered, startedAt, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

            // A reset is taken whatever the connector's state (Kafka's herder checks none): a running connector's list
            // empties on every worker. Deleting a connector forgets its topics too (a tombstone).
            await HoldsAsync(async () => await TopicsAsync(workers[0], "gone") is ["active-y"], "gone lists active-y", workers);
            var (resetRunning, resetRunningBody) = await SendAsync(HttpMethod.Put, $"{workers[1].RestUrl}/connectors/gone/topics/reset");
            Assert.True(resetRunning == 202, $"reset of a RUNNING connector: {resetRunning} {resetRunningBody}");
            await HoldsAsync(async () => await TopicsAsync(workers[0], "gone") is [], "gone's list emptied while it runs", workers);
            var (deleted, deleteBody) = await SendAsync(HttpMethod.Delete, $"{workers[0].RestUrl}/connectors/gone");
            Assert.True(deleted == 204, $"delete gone: {deleted} {deleteBody}");
            await HoldsAsync(async () => (await StatusRecordsAsync("status-topic-active-y:connector-gone")) is [.., { Value: null }], "a tombstone for gone's topic", workers);

            // Stopped, then every worker replaced by a new process: the list comes back from the status topic alone.
            var (stopped, stopBody) = await SendAsync(HttpMethod.Put, $"{other.RestUrl}/connectors/src/stop");
            Assert.True(stopped == 204, $"stop src: {stopped} {stopBody}");
            await HoldsAsync(async () => (string?)(await SendAsync(HttpMethod.Get, $"{workers[0].RestUrl}/connectors/src/status")).Body?["connector"]?["state"] == "STOPPED", "src STOPPED", workers);
            foreach (var worker in workers)
            {
                await worker.StopAsync();
            }
            workers.Clear();
            for (var i = 0; i < 2; i++)
            {
                workers.Add(await ConnectStandaloneProcess.StartCommandAsync("connect-distributed", WorkerFile("tracked")));
            }
            foreach (var worker in workers)
            {
                await HoldsAsync(async () => await TopicsAsync(worker, "src") is ["active-x"], $"{WorkerIdOf(worker)} lists active-x after the restart", workers);
                Assert.Equal(404, (await SendAsync(HttpMethod.Get, $"{worker.RestUrl}/connectors/gone/topics")).Status);
            }
            Assert.Equal(records.Count, (await StatusRecordsAsync("status-topic-active-x:connector-src")).Count);

            // The reset, asked of one worker, is a tombstone every worker applies.
            var (reset, resetBody) = await SendAsync(HttpMethod.Put, $"{workers[1].RestUrl}/connectors/src/topics/reset");
            Assert.True(reset == 202, $"reset of the STOPPED connector: {reset} {resetBody}");
            var emptied = await TopicsAsync(workers[1], "src") ?? ["(no answer)"];
            Assert.Empty(emptied);
            await HoldsAsync(async () => (await TopicsAsync(workers[0], "src")) is [], "the other worker's list emptied by the tombstone", workers);
            var afterReset = await StatusRecordsAsync("status-topic-active-x:connector-src");
            Assert.Equal(records.Count + 1, afterReset.Count);
            Assert.Null(afterReset[^1].Value);
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task With_topic_tracking_disabled_nothing_is_written_and_the_endpoints_answer_403()
    {
        InteropClients.RequireKcat();
        var worker = await ConnectStandaloneProcess.StartCommandAsync("connect-distributed", WorkerFile("untracked", "topic.tracking.enable=false"));
        try
        {
            await CreateSourceAsync(worker, "quiet", "quiet-lines", [worker]);
            await using var client = new KafkaClient(new KafkaClientOptions { BootstrapServers = [Bootstrap] });
            await HoldsAsync(async () => await EndOffsetAsync(client, "quiet-lines") == 3, "quiet-lines holds the file's lines", [worker]);
            var (status, body) = await SendAsync(HttpMethod.Get, $"{worker.RestUrl}/connectors/quiet/topics");
            Assert.Equal(403, status);
            Assert.Equal("Topic tracking is disabled.", (string?)body?["message"]);
            Assert.Equal(403, (await SendAsync(HttpMethod.Put, $"{worker.RestUrl}/connectors/quiet/topics/reset")).Status);
            IReadOnlyList<Kcat.Message> all = [];
            await HoldsAsync(async () => (all = await Kcat.ReadAllAsync(Bootstrap, "untracked-status")).Any(r => r.Key == "status-task-quiet-0" && r.Value?.Contains("RUNNING", StringComparison.Ordinal) == true), "quiet's task RUNNING in the status topic", [worker]);
            Assert.DoesNotContain(all, r => r.Key?.StartsWith("status-topic-", StringComparison.Ordinal) == true);
        }
        finally
        {
            await worker.DisposeAsync();
        }
    }

    /// <summary>The status topic's records under one key, oldest first (one key lives in one partition, so offsets order them).</summary>
    private async Task<List<Kcat.Message>> StatusRecordsAsync(string key) =>
        [.. (await Kcat.ReadAllAsync(Bootstrap, "tracked-status")).Where(r => r.Key == key).OrderBy(r => r.Offset)];

    private async Task CreateSourceAsync(ConnectStandaloneProcess worker, string name, string topic, IReadOnlyList<ConnectStandaloneProcess> workers)
    {
        var input = _directory.File(name + ".txt");
        await System.IO.File.WriteAllTextAsync(input, "one\ntwo\nthree\n");
        var body = new JsonObject { ["name"] = name, ["config"] = new JsonObject { ["connector.class"] = "FileStreamSource", ["file"] = input, ["topic"] = topic } };
        var (status, answer) = (0, (JsonNode?)null);
        // 409 "no known leader URL" while the group forms (as Kafka answers): try again.
        await HoldsAsync(async () => ((status, answer) = await SendAsync(HttpMethod.Post, worker.RestUrl + "/connectors", body.ToJsonString())).status != 409, "a leader is known", workers);
        Assert.True(status == 201, $"create {name}: {status} {answer}");
    }

    /// <summary>The connector's active topics as a worker answers them; null while it cannot (404 before it has read the config topic).</summary>
    private async Task<string[]?> TopicsAsync(ConnectStandaloneProcess worker, string connector)
    {
        var (status, body) = await SendAsync(HttpMethod.Get, $"{worker.RestUrl}/connectors/{connector}/topics");
        return status == 200 ? [.. body![connector]!["topics"]!.AsArray().Select(t => (string)t!)] : null;
    }

    /// <summary>The worker_id task 0 of the connector RUNS on ("" while it does not run).</summary>
    private async Task<string> TaskWorkerAsync(ConnectStandaloneProcess worker, string connector)
    {
        var (status, body) = await SendAsync(HttpMethod.Get, $"{worker.RestUrl}/connectors/{connector}/status");
        return status == 200 && body?["tasks"]?.AsArray() is [{ } task, ..] && (string?)task["state"] == "RUNNING" ? (string)task["worker_id"]! : "";
    }

    private static async Task<long> EndOffsetAsync(KafkaClient client, string topic)
    {
        try
        {
            return await client.ListOffsetAsync(topic, 0, -1);
        }
        catch (KafkaClientException)
        {
            return -1; // not created yet
        }
    }

    private static async Task HoldsAsync(Func<Task<bool>> condition, string what, IEnumerable<ConnectStandaloneProcess> workers) =>
        await Eventually.HoldsAsync(condition, () => $"{what}\n{string.Join("\n----\n", workers.Select(w => w.Output))}", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200));

    private static string WorkerIdOf(ConnectStandaloneProcess worker) => "127.0.0.1:" + worker.RestPort.ToString(CultureInfo.InvariantCulture);

    private async Task<(int Status, JsonNode? Body)> SendAsync(HttpMethod method, string url, string? body = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    /// <summary>A worker.properties of group <paramref name="group"/> (internal topics named after it) on a free REST port.</summary>
    private string WorkerFile(string group, string extra = "")
    {
        var port = FreePort.Next();
        var path = _directory.File($"worker-{port}.properties");
        System.IO.File.WriteAllText(path, $"""
            bootstrap.servers={Bootstrap}
            group.id={group}
            config.storage.topic={group}-configs
            offset.storage.topic={group}-offsets
            offset.storage.partitions=2
            status.storage.topic={group}-status
            status.storage.partitions=3
            key.converter=org.apache.kafka.connect.storage.StringConverter
            value.converter=org.apache.kafka.connect.storage.StringConverter
            offset.flush.interval.ms=300
            session.timeout.ms=3000
            heartbeat.interval.ms=300
            rebalance.timeout.ms=10000
            scheduled.rebalance.max.delay.ms=1000
            listeners=http://127.0.0.1:{port}
            {extra}
            """);
        return path;
    }
}
