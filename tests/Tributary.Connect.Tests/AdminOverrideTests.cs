using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Tributary.Client;

namespace Tributary.Connect.Tests;

/// <summary>
/// <c>admin.override.*</c> (KIP-458) in the real worker: a connector's admin operations — a source task's topic
/// creation (KIP-158) and a sink task's dead letter queue topic — go through an admin client made of the worker's
/// settings overlaid with the connector's <c>admin.override.*</c>, as Kafka's worker makes it. With
/// <c>admin.override.bootstrap.servers</c> naming a second <c>tributary serve</c>, the topics are created there with
/// their configured partitions, while the records still go to the worker's cluster, whose broker creates the topic on
/// the producer's metadata request (auto.create.topics.enable, num.partitions), as it would for Kafka's producer. A
/// source without the override creates its topic on the worker's cluster only. Under
/// <c>connector.client.config.override.policy=None</c> an admin override is refused with Connect's 400 body. The DLQ's
/// producer follows <c>producer.override.*</c>, as Kafka's does.
/// </summary>
[Trait("Category", "process")]
public sealed class AdminOverrideTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private TributaryProcess _workerCluster = null!;
    private TributaryProcess _adminCluster = null!;

    private string WorkerBootstrap => $"127.0.0.1:{_workerCluster.Ports.Kafka}";

    private string AdminBootstrap => $"127.0.0.1:{_adminCluster.Ports.Kafka}";

    public async Task InitializeAsync()
    {
        _workerCluster = new TributaryProcess(_directory.File("worker-cluster"), () => ["connect.rest.port=-1", "num.partitions=1"]);
        _adminCluster = new TributaryProcess(_directory.File("admin-cluster"), () => ["connect.rest.port=-1", "num.partitions=1"]);
        await _workerCluster.StartAsync();
        await _adminCluster.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _workerCluster.DisposeAsync();
        await _adminCluster.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Topic_creation_and_the_DLQ_topic_use_the_admin_override_cluster()
    {
        InteropClients.RequireKcat();
        var dlqInput = _directory.File("dlq-in.txt");
        await System.IO.File.WriteAllTextAsync(dlqInput, "{\"good\":1}\nnot json {\n");
        (await ClientProcess.RunAsync("kcat", ["-b", WorkerBootstrap, "-t", "sink-in", "-P"], TimeSpan.FromSeconds(60), stdinFile: dlqInput)).EnsureSuccess();

        const string Creation = "topic.creation.default.replication.factor=-1\ntopic.creation.default.partitions=3";
        // A sink of sink-in that tolerates the bad record and reports it to its DLQ topic, made on the admin cluster.
        string DlqSink(string name, string dlqTopic, string extra) => Connector(name, $"""
            connector.class=FileStreamSink
            topics=sink-in
            file={_directory.File(name + ".out")}
            value.converter=org.apache.kafka.connect.json.JsonConverter
            value.converter.schemas.enable=false
            errors.tolerance=all
            errors.deadletterqueue.topic.name={dlqTopic}
            errors.deadletterqueue.topic.replication.factor=-1
            admin.override.bootstrap.servers={AdminBootstrap}
            {extra}
            """);
        var worker = await ConnectStandaloneProcess.StartAsync(
            WorkerFile(""),
            Connector("elsewhere", $"connector.class=FileStreamSource\nfile={Input("elsewhere")}\ntopic=created-elsewhere\n{Creation}\nadmin.override.bootstrap.servers={AdminBootstrap}\nadmin.override.client.id=elsewhere-admin\nadmin.override.request.timeout.ms=20000"),
            Connector("here", $"connector.class=FileStreamSource\nfile={Input("here")}\ntopic=created-here\n{Creation}"),
            Connector("moved", $"connector.class=FileStreamSource\nfile={Input("moved")}\ntopic=moved-records\nproducer.override.bootstrap.servers={AdminBootstrap}"),
            Connector("moved-back", $"connector.class=FileStreamSink\ntopics=moved-records\nfile={_directory.File("moved.out")}\nconsumer.override.bootstrap.servers={AdminBootstrap}"),
            DlqSink("dlq", "dlq-elsewhere", ""),
            DlqSink("dlq-produced-elsewhere", "dlq-produced-elsewhere", $"producer.override.bootstrap.servers={AdminBootstrap}"));
        try
        {
            await using var workerClient = new KafkaClient(new KafkaClientOptions { BootstrapServers = [WorkerBootstrap] });
            await using var adminClient = new KafkaClient(new KafkaClientOptions { BootstrapServers = [AdminBootstrap] });
            foreach (var topic in new[] { "created-elsewhere", "created-here" })
            {
                await Eventually.HoldsAsync(async () => await TopicOffsets.EndOffsetsAsync(workerClient, topic) == 3, () => $"{topic} holds the file's 3 lines\n{worker.Output}", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200));
            }
            // Created by the admin client on the other cluster with the group's partitions; on the worker's cluster by
            // its broker's auto-creation (num.partitions=1).
            Assert.Equal(3, await adminClient.PartitionCountAsync("created-elsewhere"));
            Assert.Equal(1, await workerClient.PartitionCountAsync("created-elsewhere"));
            // Without the override everything happens on the worker's cluster.
            Assert.Equal(3, await workerClient.PartitionCountAsync("created-here"));
            Assert.Null(await adminClient.PartitionCountAsync("created-here"));

            // producer.override.bootstrap.servers: the records went to the other cluster only; consumer.override's sink
            // read them back from there.
            await Eventually.HoldsAsync(async () => await TopicOffsets.EndOffsetsAsync(adminClient, "moved-records") == 3, () => $"moved-records on the other cluster\n{worker.Output}", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200));
            Assert.Null(await workerClient.PartitionCountAsync("moved-records"));
            var movedOut = _directory.File("moved.out");
            await Eventually.HoldsAsync(() => System.IO.File.Exists(movedOut) && System.IO.File.ReadAllLines(movedOut).Length == 3, () => $"the sink wrote the moved records\n{worker.Output}", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200));
            Assert.Equal(["one", "two", "three"], System.IO.File.ReadAllLines(movedOut));

            // The sink's DLQ topic is made on the admin cluster at task start; the rejected record is reported to the
            // worker's cluster.
            await Eventually.HoldsAsync(async () => await adminClient.PartitionCountAsync("dlq-elsewhere") == 1, () => "dlq-elsewhere on the admin cluster\n" + worker.Output, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200));
            IReadOnlyList<Kcat.Message> reported = [];
            await Eventually.HoldsAsync(async () => await workerClient.PartitionCountAsync("dlq-elsewhere") is not null && (reported = await Kcat.ReadAllAsync(WorkerBootstrap, "dlq-elsewhere")).Count == 1,
                () => "the rejected record in dlq-elsewhere on the worker's cluster\n" + worker.Output, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(500));
            Assert.Equal("not json {", reported[0].Value);
            // With producer.override.bootstrap.servers too, the DLQ producer (Kafka's baseProducerConfigs: the worker's
            // producer.* and the connector's producer.override.*) reports to the other cluster, and only there.
            await Eventually.HoldsAsync(async () => (reported = await Kcat.ReadAllAsync(AdminBootstrap, "dlq-produced-elsewhere")).Count == 1,
                () => "the rejected record in dlq-produced-elsewhere on the admin cluster\n" + worker.Output, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(500));
            Assert.Equal("not json {", reported[0].Value);
            Assert.Null(await workerClient.PartitionCountAsync("dlq-produced-elsewhere"));
            using var http = new HttpClient();
            var status = await http.GetFromJsonAsync<JsonNode>($"{worker.RestUrl}/connectors/dlq/status");
            Assert.Equal("RUNNING", (string?)status?["tasks"]?[0]?["state"]);
            await worker.StopAsync();
        }
        finally
        {
            await worker.DisposeAsync();
        }
    }

    [Fact]
    public async Task Under_None_an_admin_override_is_refused_with_Connect_s_400()
    {
        var worker = await ConnectStandaloneProcess.StartAsync(WorkerFile("connector.client.config.override.policy=None"));
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(worker.RestUrl), Timeout = TimeSpan.FromSeconds(100) };
            var config = new JsonObject
            {
                ["connector.class"] = "FileStreamSource",
                ["file"] = Input("refused"),
                ["topic"] = "refused",
                ["admin.override.bootstrap.servers"] = AdminBootstrap,
            };
            using var create = await http.PostAsJsonAsync("/connectors", new JsonObject { ["name"] = "refused", ["config"] = config });
            var body = JsonNode.Parse(await create.Content.ReadAsStringAsync())!.AsObject();
            Assert.Equal(400, (int)create.StatusCode);
            Assert.Equal(["error_code", "message"], body.Select(p => p.Key));
            Assert.Equal(400, (int)body["error_code"]!);
            var message = (string)body["message"]!;
            Assert.StartsWith("Connector configuration is invalid and contains the following 1 error(s):\n", message, StringComparison.Ordinal);
            Assert.Contains("The 'None' policy does not allow 'bootstrap.servers' to be overridden in the connector configuration.\n", message, StringComparison.Ordinal);
            Assert.EndsWith("\nYou can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`", message, StringComparison.Ordinal);
            using var list = await http.GetAsync("/connectors");
            Assert.Equal("[]", await list.Content.ReadAsStringAsync());
        }
        finally
        {
            await worker.DisposeAsync();
        }
    }

    private string Input(string name)
    {
        var path = _directory.File(name + ".txt");
        System.IO.File.WriteAllText(path, "one\ntwo\nthree\n");
        return path;
    }

    private string Connector(string name, string body)
    {
        var path = _directory.File(name + ".properties");
        System.IO.File.WriteAllText(path, $"name={name}\n{body}\n");
        return path;
    }

    private string WorkerFile(string extra)
    {
        var path = _directory.File($"worker-{Guid.NewGuid():N}.properties");
        System.IO.File.WriteAllText(path, $"""
            bootstrap.servers={WorkerBootstrap}
            key.converter=org.apache.kafka.connect.storage.StringConverter
            value.converter=org.apache.kafka.connect.storage.StringConverter
            offset.storage.file.filename={_directory.File($"offsets-{Guid.NewGuid():N}.json")}
            offset.flush.interval.ms=500
            listeners=http://127.0.0.1:0
            {extra}
            """);
        return path;
    }
}
