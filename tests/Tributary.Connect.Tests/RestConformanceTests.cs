using System.Text.Json.Nodes;

namespace Tributary.Connect.Tests;

/// <summary>
/// The Connect REST API of <c>tributary serve</c> against what Apache Kafka's Connect answers for the same requests:
/// shapes, status codes and the error cases its ConnectorRestartApi, OffsetsApi and ConnectorValidation integration
/// tests pin (facts: shared/reference/connect-runtime.md §1, §7).
/// </summary>
[Trait("Category", "process")]
public sealed class RestConformanceTests(ConnectServerFixture fixture) : IClassFixture<ConnectServerFixture>
{
    private static readonly HttpMethod Patch = HttpMethod.Patch;

    private string TempFile(string name) => Path.Combine(fixture.Directory, name + "-" + Guid.NewGuid().ToString("N")[..8]);

    private JsonObject SourceConfig(string name, string topic) => new()
    {
        ["connector.class"] = "org.apache.kafka.connect.file.FileStreamSourceConnector",
        ["file"] = TempFile(name),
        ["topic"] = topic,
        ["tasks.max"] = "1",
    };

    private JsonObject SinkConfig(string name, string topic) => new()
    {
        ["connector.class"] = "FileStreamSink",
        ["file"] = TempFile(name),
        ["topics"] = topic,
    };

    private async Task CreateAsync(string name, JsonObject config, string? initialState = null)
    {
        var body = new JsonObject { ["name"] = name, ["config"] = config };
        if (initialState is not null)
        {
            body["initial_state"] = initialState;
        }
        var (status, json, _) = await fixture.SendAsync(HttpMethod.Post, "/connectors", body);
        Assert.True(status == 201, $"create {name}: {status} {json}");
        if (initialState is null)
        {
            // A distributed worker (serve's) starts a new connector after a rebalance: wait until it and its task run,
            // as Kafka's own REST integration tests wait on their embedded (distributed) cluster.
            JsonNode? state = null;
            await Eventually.HoldsAsync(async () =>
            {
                state = (await fixture.SendAsync(HttpMethod.Get, $"/connectors/{name}/status")).Body;
                return (string?)state?["connector"]?["state"] == "RUNNING" && state?["tasks"]?.AsArray() is { Count: > 0 } tasks && tasks.All(t => (string?)t?["state"] == "RUNNING");
            }, () => $"{name} and its tasks RUNNING; last status {state?.ToJsonString()}\n{fixture.Server.Output}", TimeSpan.FromSeconds(30));
        }
    }

    private static void AssertError(int expectedStatus, (int Status, JsonNode? Body, HttpResponseMessage Response) result, string? messageContains = null)
    {
        Assert.True(result.Status == expectedStatus, $"expected {expectedStatus}, got {result.Status}: {result.Body}");
        var body = Assert.IsType<JsonObject>(result.Body);
        Assert.Equal(expectedStatus, (int)body["error_code"]!);
        Assert.NotNull(body["message"]);
        if (messageContains is not null)
        {
            Assert.Contains(messageContains, (string)body["message"]!, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Root_and_health_answer_with_Connects_fields()
    {
        var (status, body, _) = await fixture.SendAsync(HttpMethod.Get, "/");
        Assert.Equal(200, status);
        Assert.Equal(["version", "commit", "kafka_cluster_id"], body!.AsObject().Select(p => p.Key));
        Assert.False(string.IsNullOrEmpty((string?)body["kafka_cluster_id"]));
        var health = await fixture.SendAsync(HttpMethod.Get, "/health");
        Assert.Equal(200, health.Status);
        Assert.Equal("healthy", (string)health.Body!["status"]!);
    }

    [Fact]
    public async Task Create_answers_201_with_location_and_ConnectorInfo_and_a_duplicate_409()
    {
        var name = "create-" + Guid.NewGuid().ToString("N")[..6];
        var (status, body, response) = await fixture.SendAsync(HttpMethod.Post, "/connectors", new JsonObject { ["name"] = " " + name + " ", ["config"] = SourceConfig(name, name) });
        Assert.Equal(201, status);
        Assert.Equal("/connectors/" + name, response.Headers.Location?.OriginalString);
        Assert.Equal(["name", "config", "tasks", "type"], body!.AsObject().Select(p => p.Key));
        Assert.Equal(name, (string)body["name"]!);
        Assert.Equal("source", (string)body["type"]!);
        Assert.Equal(name, (string)body["config"]!["name"]!);
        // serve's worker is distributed: as in Kafka's distributed mode, the create answer lists the task ids the config
        // topic holds at that moment (none yet for a new connector); the connector's worker writes them once it runs.
        Assert.NotNull(body["tasks"]!.AsArray());
        JsonNode? info = null;
        await Eventually.HoldsAsync(async () => (info = (await fixture.SendAsync(HttpMethod.Get, $"/connectors/{name}")).Body)?["tasks"]?.AsArray().Count == 1, "the task configuration written", TimeSpan.FromSeconds(30));
        var task = Assert.Single(info!["tasks"]!.AsArray());
        Assert.Equal(name, (string)task!["connector"]!);
        Assert.Equal(0, (int)task["task"]!);

        AssertError(409, await fixture.SendAsync(HttpMethod.Post, "/connectors", new JsonObject { ["name"] = name, ["config"] = SourceConfig(name, name) }), $"Connector {name} already exists");

        var list = await fixture.SendAsync(HttpMethod.Get, "/connectors");
        Assert.Contains(name, list.Body!.AsArray().Select(n => (string)n!));
        var expanded = await fixture.SendAsync(HttpMethod.Get, "/connectors?expand=status&expand=info&expand=bogus");
        var entry = expanded.Body![name]!;
        Assert.Equal(name, (string)entry["status"]!["name"]!);
        Assert.Equal(name, (string)entry["info"]!["name"]!);

        var tasks = await fixture.SendAsync(HttpMethod.Get, $"/connectors/{name}/tasks");
        var taskInfo = Assert.Single(tasks.Body!.AsArray());
        Assert.Equal("org.apache.kafka.connect.file.FileStreamSourceTask", (string)taskInfo!["config"]!["task.class"]!);

        await Eventually.HoldsAsync(async () => (string?)(await fixture.SendAsync(HttpMethod.Get, $"/connectors/{name}/status")).Body?["tasks"]?.AsArray().FirstOrDefault()?["state"] == "RUNNING", "task RUNNING", TimeSpan.FromSeconds(30));
        var taskStatus = await fixture.SendAsync(HttpMethod.Get, $"/connectors/{name}/tasks/0/status");
        Assert.Equal(["id", "state", "worker_id"], taskStatus.Body!.AsObject().Select(p => p.Key));

        Assert.Equal(204, (await fixture.SendAsync(HttpMethod.Delete, "/connectors/" + name)).Status);
        AssertError(404, await fixture.SendAsync(HttpMethod.Get, "/connectors/" + name), $"Connector {name} not found");
    }

    [Fact]
    public async Task Bad_input_gets_Connects_error_bodies_and_nothing_crashes()
    {
        AssertError(400, await fixture.SendAsync(HttpMethod.Post, "/connectors", "{\"name\": \"x\", \"config\": {"));
        AssertError(400, await fixture.SendAsync(HttpMethod.Post, "/connectors", "[1,2]"));
        AssertError(400, await fixture.SendAsync(HttpMethod.Post, "/connectors", new JsonObject { ["name"] = "u", ["config"] = new JsonObject { ["connector.class"] = "com.example.NoSuchConnector" } }),
            "Connector configuration is invalid and contains the following 1 error(s):\nconnector.class: Failed to find any class that implements Connector and which name matches com.example.NoSuchConnector, available connectors are: ");
        AssertError(400, await fixture.SendAsync(HttpMethod.Put, "/connectors/url-name/config", new JsonObject { ["name"] = "other", ["connector.class"] = "FileStreamSink", ["topics"] = "t" }),
            "Connector name configuration (other) doesn't match connector name in the URL (url-name)");
        AssertError(400, await fixture.SendAsync(HttpMethod.Post, "/connectors", new JsonObject { ["name"] = "no-topics", ["config"] = new JsonObject { ["connector.class"] = "FileStreamSink" } }),
            "Must configure one of topics or topics.regex");
        AssertError(400, await fixture.SendAsync(HttpMethod.Post, "/connectors", new JsonObject { ["name"] = "bad-tasks", ["config"] = new JsonObject { ["connector.class"] = "FileStreamSource", ["topic"] = "t", ["tasks.max"] = "zero" } }), "tasks.max");
        AssertError(400, await fixture.SendAsync(HttpMethod.Post, "/connectors", new JsonObject { ["name"] = "dup-alias", ["config"] = new JsonObject { ["connector.class"] = "FileStreamSource", ["topic"] = "t", ["transforms"] = "a,a", ["transforms.a.type"] = "org.apache.kafka.connect.transforms.Filter" } }), "transforms");
        AssertError(404, await fixture.SendAsync(HttpMethod.Get, "/connectors/nope/status"), "Connector nope not found");
        AssertError(404, await fixture.SendAsync(HttpMethod.Get, "/no/such/path"));
        AssertError(405, await fixture.SendAsync(HttpMethod.Delete, "/connectors"));
        Assert.Equal(200, (await fixture.SendAsync(HttpMethod.Get, "/")).Status);
    }

    [Fact]
    public async Task Restart_follows_KIP_745()
    {
        AssertError(404, await fixture.SendAsync(HttpMethod.Post, "/connectors/unknown/restart"));
        AssertError(404, await fixture.SendAsync(HttpMethod.Post, "/connectors/unknown/restart?includeTasks=true&onlyFailed=false"));
        var name = "restart-" + Guid.NewGuid().ToString("N")[..6];
        await CreateAsync(name, SourceConfig(name, name));
        Assert.Equal(204, (await fixture.SendAsync(HttpMethod.Post, $"/connectors/{name}/restart")).Status);
        var plan = await fixture.SendAsync(HttpMethod.Post, $"/connectors/{name}/restart?includeTasks=true&onlyFailed=false");
        Assert.Equal(202, plan.Status);
        Assert.Equal("RESTARTING", (string)plan.Body!["connector"]!["state"]!);
        Assert.Equal("RESTARTING", (string)plan.Body["tasks"]![0]!["state"]!);
        // The restart is carried out by the connector's worker after it reads the request from the config topic: wait
        // until it has run again (as Kafka's ConnectorRestartApiIntegrationTest waits) before asking for failed ones only.
        await Eventually.HoldsAsync(async () =>
        {
            var state = (await fixture.SendAsync(HttpMethod.Get, $"/connectors/{name}/status")).Body;
            return (string?)state?["connector"]?["state"] == "RUNNING" && state?["tasks"]?.AsArray() is { Count: > 0 } tasks && tasks.All(t => (string?)t?["state"] == "RUNNING");
        }, "the connector and its task RUNNING after the full restart", TimeSpan.FromSeconds(30));
        var onlyFailed = await fixture.SendAsync(HttpMethod.Post, $"/connectors/{name}/restart?includeTasks=true&onlyFailed=true");
        Assert.Equal(202, onlyFailed.Status);
        Assert.NotEqual("RESTARTING", (string)onlyFailed.Body!["connector"]!["state"]!);
        Assert.Equal(204, (await fixture.SendAsync(HttpMethod.Post, $"/connectors/{name}/tasks/0/restart")).Status);
        AssertError(404, await fixture.SendAsync(HttpMethod.Post, $"/connectors/{name}/tasks/7/restart"));
        await Eventually.HoldsAsync(async () => (string?)(await fixture.SendAsync(HttpMethod.Get, $"/connectors/{name}/status")).Body?["tasks"]?.AsArray().FirstOrDefault()?["state"] == "RUNNING", "task RUNNING after restarts", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Pause_resume_stop_and_offsets_follow_KIP_875()
    {
        var topic = "offsets-" + Guid.NewGuid().ToString("N")[..6];
        var source = topic + "-src";
        var sink = topic + "-sink";
        var sourceConfig = SourceConfig(source, topic);
        await System.IO.File.WriteAllTextAsync((string)sourceConfig["file"]!, "one line\n");
        await CreateAsync(source, sourceConfig);
        // The topic exists once the source wrote its line (Kafka refuses offsets of unknown topics too).
        await Eventually.HoldsAsync(async () => (await fixture.SendAsync(HttpMethod.Get, $"/connectors/{source}/offsets")).Body?["offsets"]?.AsArray().Count == 1, "the source wrote its line", TimeSpan.FromSeconds(30));
        await CreateAsync(sink, SinkConfig(sink, topic));

        Assert.Equal(202, (await fixture.SendAsync(HttpMethod.Put, $"/connectors/{sink}/pause")).Status);
        await Eventually.HoldsAsync(async () => (string?)(await fixture.SendAsync(HttpMethod.Get, $"/connectors/{sink}/status")).Body?["connector"]?["state"] == "PAUSED", "PAUSED", TimeSpan.FromSeconds(30));
        Assert.Equal(202, (await fixture.SendAsync(HttpMethod.Put, $"/connectors/{sink}/resume")).Status);

        var body = new JsonObject { ["offsets"] = new JsonArray(new JsonObject { ["partition"] = new JsonObject { ["kafka_topic"] = topic, ["kafka_partition"] = 0 }, ["offset"] = new JsonObject { ["kafka_offset"] = 5 } }) };
        AssertError(400, await fixture.SendAsync(Patch, $"/connectors/{sink}/offsets", body.DeepClone()), "Connectors must be in the STOPPED state before their offsets can be modified");
        AssertError(400, await fixture.SendAsync(HttpMethod.Delete, $"/connectors/{source}/offsets"), "STOPPED");

        Assert.Equal(204, (await fixture.SendAsync(HttpMethod.Put, $"/connectors/{sink}/stop")).Status);
        // The stop is written to the config topic and applied by the connector's worker (distributed): eventually.
        await Eventually.HoldsAsync(async () =>
        {
            var stopped = await fixture.SendAsync(HttpMethod.Get, $"/connectors/{sink}/status");
            return (string?)stopped.Body?["connector"]?["state"] == "STOPPED" && stopped.Body?["tasks"]?.AsArray().Count == 0
                && (await fixture.SendAsync(HttpMethod.Get, $"/connectors/{sink}")).Body?["tasks"]?.AsArray().Count == 0;
        }, "the sink STOPPED with no tasks", TimeSpan.FromSeconds(30));

        AssertError(400, await fixture.SendAsync(Patch, $"/connectors/{sink}/offsets", new JsonObject { ["offsets"] = new JsonArray() }), "Partitions / offsets need to be provided for an alter offsets request");
        AssertError(400, await fixture.SendAsync(Patch, $"/connectors/{sink}/offsets", new JsonObject { ["offsets"] = new JsonArray(new JsonObject { ["partition"] = new JsonObject { ["kafka_topic"] = topic }, ["offset"] = new JsonObject { ["kafka_offset"] = 1 } }) }),
            "The partition for a sink connector offset must contain the keys 'kafka_topic' and 'kafka_partition'");
        AssertError(400, await fixture.SendAsync(Patch, $"/connectors/{sink}/offsets", new JsonObject { ["offsets"] = new JsonArray(new JsonObject { ["partition"] = new JsonObject { ["kafka_topic"] = topic, ["kafka_partition"] = "zero" }, ["offset"] = new JsonObject { ["kafka_offset"] = 1 } }) }),
            "Partition values for sink connectors need to be integers");
        var altered = await fixture.SendAsync(Patch, $"/connectors/{sink}/offsets", body.DeepClone());
        Assert.True(altered.Status == 200, altered.Body?.ToJsonString());
        Assert.Contains("altered successfully", (string)altered.Body!["message"]!, StringComparison.Ordinal);
        var read = await fixture.SendAsync(HttpMethod.Get, $"/connectors/{sink}/offsets");
        var entry = Assert.Single(read.Body!["offsets"]!.AsArray());
        Assert.Equal(topic, (string)entry!["partition"]!["kafka_topic"]!);
        Assert.Equal(5, (long)entry["offset"]!["kafka_offset"]!);
        var reset = await fixture.SendAsync(HttpMethod.Delete, $"/connectors/{sink}/offsets");
        Assert.Equal(200, reset.Status);
        Assert.Contains("reset successfully", (string)reset.Body!["message"]!, StringComparison.Ordinal);
        Assert.Empty((await fixture.SendAsync(HttpMethod.Get, $"/connectors/{sink}/offsets")).Body!["offsets"]!.AsArray());

        Assert.Equal(204, (await fixture.SendAsync(HttpMethod.Put, $"/connectors/{source}/stop")).Status);
        var sourcePartition = new JsonObject { ["filename"] = "/some/file" };
        var sourceAltered = await fixture.SendAsync(Patch, $"/connectors/{source}/offsets", new JsonObject { ["offsets"] = new JsonArray(new JsonObject { ["partition"] = sourcePartition, ["offset"] = new JsonObject { ["position"] = 42 } }) });
        Assert.True(sourceAltered.Status == 200, sourceAltered.Body?.ToJsonString());
        var sourceOffsets = await fixture.SendAsync(HttpMethod.Get, $"/connectors/{source}/offsets");
        Assert.Contains(sourceOffsets.Body!["offsets"]!.AsArray(), o => (string?)o!["partition"]!["filename"] == "/some/file" && (long)o["offset"]!["position"]! == 42);
        Assert.Contains(sourceOffsets.Body!["offsets"]!.AsArray(), o => (string?)o!["partition"]!["filename"] == (string)sourceConfig["file"]! && (long)o["offset"]!["position"]! == 9);

        Assert.Equal(202, (await fixture.SendAsync(HttpMethod.Put, $"/connectors/{sink}/resume")).Status);
        await Eventually.HoldsAsync(async () => (string?)(await fixture.SendAsync(HttpMethod.Get, $"/connectors/{sink}/status")).Body?["connector"]?["state"] == "RUNNING", "RUNNING after resume from STOPPED", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Config_PUT_creates_then_updates_and_PATCH_merges_with_null_removing()
    {
        var name = "cfg-" + Guid.NewGuid().ToString("N")[..6];
        var config = SinkConfig(name, name);
        var created = await fixture.SendAsync(HttpMethod.Put, $"/connectors/{name}/config", config.DeepClone());
        Assert.Equal(201, created.Status);
        var updated = await fixture.SendAsync(HttpMethod.Put, $"/connectors/{name}/config", config.DeepClone());
        Assert.Equal(200, updated.Status);
        var patched = await fixture.SendAsync(Patch, $"/connectors/{name}/config", new JsonObject { ["tasks.max"] = "2", ["file"] = null });
        Assert.True(patched.Status == 200, $"PATCH answered {patched.Status} {patched.Body}");
        var stored = (await fixture.SendAsync(HttpMethod.Get, $"/connectors/{name}/config")).Body!.AsObject();
        Assert.Equal("2", (string)stored["tasks.max"]!);
        Assert.False(stored.ContainsKey("file"));
        AssertError(404, await fixture.SendAsync(Patch, "/connectors/absent/config", new JsonObject { ["tasks.max"] = "1" }));
        var topics = await fixture.SendAsync(HttpMethod.Get, $"/connectors/{name}/topics");
        Assert.Equal(200, topics.Status);
        Assert.NotNull(topics.Body![name]!["topics"]);
    }

    [Fact]
    public async Task Plugins_list_config_and_validate()
    {
        var (status, body, _) = await fixture.SendAsync(HttpMethod.Get, "/connector-plugins");
        Assert.Equal(200, status);
        var plugins = body!.AsArray();
        Assert.Contains(plugins, p => (string?)p!["class"] == "org.apache.kafka.connect.file.FileStreamSourceConnector" && (string?)p["type"] == "source");
        Assert.Contains(plugins, p => (string?)p!["class"] == "org.apache.kafka.connect.file.FileStreamSinkConnector" && (string?)p["type"] == "sink");
        Assert.DoesNotContain(plugins, p => (string?)p!["type"] == "transformation");
        var all = (await fixture.SendAsync(HttpMethod.Get, "/connector-plugins?connectorsOnly=false")).Body!.AsArray();
        Assert.Contains(all, p => (string?)p!["class"] == "org.apache.kafka.connect.transforms.InsertField$Value" && (string?)p["type"] == "transformation");
        Assert.Contains(all, p => (string?)p!["class"] == "org.apache.kafka.connect.json.JsonConverter" && (string?)p["type"] == "converter");
        Assert.Contains(all, p => (string?)p!["type"] == "predicate");

        var config = (await fixture.SendAsync(HttpMethod.Get, "/connector-plugins/FileStreamSourceConnector/config")).Body!.AsArray();
        Assert.Equal(["file", "topic", "batch.size"], config.Select(k => (string)k!["name"]!));
        Assert.Equal(["name", "type", "required", "default_value", "importance", "documentation", "group", "order", "width", "display_name", "dependents"], config[0]!.AsObject().Select(p => p.Key));
        AssertError(404, await fixture.SendAsync(HttpMethod.Get, "/connector-plugins/NoSuch/config"));

        var validation = await fixture.SendAsync(HttpMethod.Put, "/connector-plugins/FileStreamSinkConnector/config/validate", new JsonObject { ["connector.class"] = "org.apache.kafka.connect.file.FileStreamSinkConnector", ["name"] = "v" });
        Assert.Equal(200, validation.Status);
        Assert.Equal("org.apache.kafka.connect.file.FileStreamSinkConnector", (string)validation.Body!["name"]!);
        Assert.Equal(2, (int)validation.Body["error_count"]!);
        var topicsValue = validation.Body["configs"]!.AsArray().First(c => (string?)c!["value"]!["name"] == "topics")!["value"]!;
        Assert.Contains("Must configure one of topics or topics.regex", topicsValue["errors"]!.AsArray().Select(e => (string)e!));
        AssertError(400, await fixture.SendAsync(HttpMethod.Put, "/connector-plugins/FileStreamSourceConnector/config/validate", new JsonObject { ["connector.class"] = "org.apache.kafka.connect.file.FileStreamSinkConnector" }));
    }

    [Fact]
    public async Task Loggers_are_listed_and_set()
    {
        var all = await fixture.SendAsync(HttpMethod.Get, "/admin/loggers");
        Assert.Equal(200, all.Status);
        Assert.NotNull(all.Body!["root"]!["level"]);
        var set = await fixture.SendAsync(HttpMethod.Put, "/admin/loggers/org.example", new JsonObject { ["level"] = "DEBUG" });
        Assert.Equal(200, set.Status);
        Assert.Contains("org.example", set.Body!.AsArray().Select(n => (string)n!));
        Assert.Equal("DEBUG", (string)(await fixture.SendAsync(HttpMethod.Get, "/admin/loggers/org.example")).Body!["level"]!);
        AssertError(400, await fixture.SendAsync(HttpMethod.Put, "/admin/loggers/org.example", new JsonObject()));
        AssertError(404, await fixture.SendAsync(HttpMethod.Put, "/admin/loggers/org.example", new JsonObject { ["level"] = "LOUD" }));
        AssertError(404, await fixture.SendAsync(HttpMethod.Get, "/admin/loggers/never.set"));
    }
}
