using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Tributary.Connect.Runtime.Config;
using Tributary.Protocol.Records;

namespace Tributary.Connect.Tests;

/// <summary>
/// KIP-458's client overrides through the REST API: under connector.client.config.override.policy=None a connector
/// setting consumer.override.* or producer.override.* is refused with Connect's validation error (400 on create, the
/// error on the key in /config/validate); under All (the default) the overrides reach the sink task's consumer
/// (auto.offset.reset=latest skips what was there before; a bad max.poll.records fails the task with Kafka's message)
/// and the producer overrides reach the source task's batches (codec, level, batch.size; a bad acks fails the task),
/// and the worker's own consumer.* keys are its defaults.
/// </summary>
[Trait("Category", "process")]
public sealed class ClientOverridePolicyTests(ConnectServerFixture fixture) : IClassFixture<ConnectServerFixture>
{
    [Fact]
    public async Task Under_None_overrides_are_refused_and_the_worker_consumer_keys_apply()
    {
        using var directory = new TempDirectory();
        var worker = directory.File("worker.properties");
        await System.IO.File.WriteAllTextAsync(worker, $"""
            bootstrap.servers={fixture.Bootstrap}
            key.converter=org.apache.kafka.connect.storage.StringConverter
            value.converter=org.apache.kafka.connect.storage.StringConverter
            offset.storage.file.filename={directory.File("offsets.json")}
            listeners=http://127.0.0.1:0
            connector.client.config.override.policy=None
            consumer.max.poll.records=0
            """);
        await using var process = await ConnectStandaloneProcess.StartAsync(worker);
        using var http = new HttpClient { BaseAddress = new Uri(process.RestUrl), Timeout = TimeSpan.FromSeconds(100) };
        var config = new JsonObject
        {
            ["name"] = "refused",
            ["connector.class"] = "FileStreamSink",
            ["topics"] = "policy-none",
            ["file"] = directory.File("out.txt"),
            ["consumer.override.max.poll.records"] = "10",
            ["producer.override.linger.ms"] = "5",
        };

        using var create = await http.PostAsJsonAsync("/connectors", new JsonObject { ["name"] = "refused", ["config"] = config.DeepClone() });
        var error = JsonNode.Parse(await create.Content.ReadAsStringAsync())!;
        Assert.Equal(400, (int)create.StatusCode);
        Assert.Equal(400, (int)error["error_code"]!);
        var message = (string)error["message"]!;
        Assert.StartsWith("Connector configuration is invalid and contains the following 2 error(s):", message, StringComparison.Ordinal);
        Assert.Contains("The 'None' policy does not allow 'max.poll.records' to be overridden in the connector configuration.", message, StringComparison.Ordinal);
        Assert.Contains("The 'None' policy does not allow 'linger.ms' to be overridden in the connector configuration.", message, StringComparison.Ordinal);
        using var list = await http.GetAsync("/connectors");
        Assert.Equal("[]", await list.Content.ReadAsStringAsync());

        using var validate = await http.PutAsJsonAsync("/connector-plugins/FileStreamSinkConnector/config/validate", config);
        Assert.Equal(200, (int)validate.StatusCode);
        var result = JsonNode.Parse(await validate.Content.ReadAsStringAsync())!;
        Assert.Equal(2, (int)result["error_count"]!);
        var entry = result["configs"]!.AsArray().Single(c => (string?)c!["value"]!["name"] == "consumer.override.max.poll.records")!;
        Assert.Equal("10", (string?)entry["value"]!["value"]);
        Assert.Equal("The 'None' policy does not allow 'max.poll.records' to be overridden in the connector configuration.", (string?)entry["value"]!["errors"]![0]);

        // Without overrides the connector is accepted; its task's consumer gets the worker's consumer.max.poll.records=0,
        // which Kafka's consumer refuses: the task fails with that message.
        config.Remove("consumer.override.max.poll.records");
        config.Remove("producer.override.linger.ms");
        config["name"] = "plain";
        using var accepted = await http.PostAsJsonAsync("/connectors", new JsonObject { ["name"] = "plain", ["config"] = config });
        Assert.Equal(201, (int)accepted.StatusCode);
        await Eventually.HoldsAsync(async () => (await TaskTrace(http, "plain"))?.Contains("Invalid value 0 for configuration max.poll.records: Value must be at least 1", StringComparison.Ordinal) == true,
            () => "the task failing on the worker's consumer.max.poll.records\n" + process.Output, TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task Under_All_consumer_overrides_reach_the_sink_task_consumer()
    {
        InteropClients.RequireKcat();
        var topic = "override-" + Guid.NewGuid().ToString("N")[..6];
        var output = Path.Combine(fixture.Directory, topic + ".out");
        await Produce(topic, "old-1\nold-2\nold-3\n");

        var create = await fixture.SendAsync(HttpMethod.Post, "/connectors", new JsonObject
        {
            ["name"] = topic,
            ["config"] = new JsonObject
            {
                ["connector.class"] = "FileStreamSink",
                ["topics"] = topic,
                ["file"] = output,
                ["value.converter"] = "org.apache.kafka.connect.storage.StringConverter",
                ["consumer.override.auto.offset.reset"] = "latest",
                ["consumer.override.max.poll.records"] = "1",
            },
        });
        Assert.True(create.Status == 201, create.Body?.ToJsonString());
        // "latest" is resolved when the task's consumer first joins: keep producing until the file shows a new record.
        var sent = 0;
        await Eventually.HoldsAsync(async () =>
        {
            await Produce(topic, $"new-{sent++}\n");
            return System.IO.File.Exists(output) && (await System.IO.File.ReadAllTextAsync(output)).Contains("new-", StringComparison.Ordinal);
        }, "a record produced after the task started in the sink file", TimeSpan.FromSeconds(90), TimeSpan.FromSeconds(1));
        Assert.DoesNotContain("old-", await System.IO.File.ReadAllTextAsync(output), StringComparison.Ordinal);

        var bad = topic + "-bad";
        create = await fixture.SendAsync(HttpMethod.Post, "/connectors", new JsonObject
        {
            ["name"] = bad,
            ["config"] = new JsonObject
            {
                ["connector.class"] = "FileStreamSink",
                ["topics"] = topic,
                ["file"] = output + ".bad",
                ["consumer.override.max.poll.records"] = "many",
            },
        });
        Assert.True(create.Status == 201, create.Body?.ToJsonString());
        await Eventually.HoldsAsync(async () => (await TaskTrace(fixture.Http, bad))?.Contains("Invalid value many for configuration max.poll.records: Not a number of type INT", StringComparison.Ordinal) == true,
            "the task failing on consumer.override.max.poll.records=many", TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task Under_All_producer_overrides_set_the_source_task_s_codec_and_batch_size_and_a_bad_acks_fails_the_task()
    {
        var topic = "produce-override-" + Guid.NewGuid().ToString("N")[..6];
        var input = Path.Combine(fixture.Directory, topic + ".in");
        await System.IO.File.WriteAllTextAsync(input, string.Concat(Enumerable.Range(0, 20).Select(i => $"line-{i}\n")));
        var create = await fixture.SendAsync(HttpMethod.Post, "/connectors", new JsonObject
        {
            ["name"] = topic,
            ["config"] = new JsonObject
            {
                ["connector.class"] = "FileStreamSource",
                ["file"] = input,
                ["topic"] = topic,
                ["value.converter"] = "org.apache.kafka.connect.storage.StringConverter",
                ["producer.override.compression.type"] = "gzip",
                ["producer.override.compression.gzip.level"] = "9",
                // batch.size=0: no batching, as in Kafka's producer: every record its own batch.
                ["producer.override.batch.size"] = "0",
                ["producer.override.acks"] = "1",
            },
        });
        Assert.True(create.Status == 201, create.Body?.ToJsonString());
        await using var client = new Tributary.Client.KafkaClient(new Tributary.Client.KafkaClientOptions { BootstrapServers = [fixture.Bootstrap] });
        var batches = new List<(Tributary.Protocol.Compression.CompressionCodec Codec, int Count)>();
        await Eventually.HoldsAsync(async () =>
        {
            batches.Clear();
            Tributary.Client.FetchedPartition fetched;
            try
            {
                fetched = await client.FetchAsync(topic, 0, 0, maxBytes: 1 << 20, maxWaitMs: 100);
            }
            catch (Tributary.Client.KafkaClientException e) when (e.ErrorCode == 3)
            {
                // The task creates the topic with its first send; until then the topic is unknown, which is "not yet".
                return false;
            }
            for (var rest = fetched.Records; rest.Length > 0;)
            {
                var size = RecordBatch.TotalSize(rest.Span);
                batches.Add((RecordBatch.Codec(rest.Span), RecordBatch.RecordsCount(rest.Span)));
                rest = rest[size..];
            }
            return batches.Sum(b => b.Count) >= 20;
        }, () => $"records in {topic}: {string.Join(", ", batches)}", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200));
        Assert.Equal(Enumerable.Repeat((Tributary.Protocol.Compression.CompressionCodec.Gzip, 1), 20), batches);

        var bad = topic + "-bad";
        create = await fixture.SendAsync(HttpMethod.Post, "/connectors", new JsonObject
        {
            ["name"] = bad,
            ["config"] = new JsonObject { ["connector.class"] = "FileStreamSource", ["file"] = input, ["topic"] = bad, ["producer.override.acks"] = "2" },
        });
        Assert.True(create.Status == 201, create.Body?.ToJsonString());
        await Eventually.HoldsAsync(async () => (await TaskTrace(fixture.Http, bad))?.Contains("Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1", StringComparison.Ordinal) == true,
            "the task failing on producer.override.acks=2", TimeSpan.FromSeconds(60));
    }

    [Fact]
    public void Principal_allows_only_the_client_identity_and_policies_parse_by_alias_or_class()
    {
        var policy = ClientConfigOverridePolicy.Parse("Principal");
        var values = policy.Validate(new Dictionary<string, string>
        {
            ["consumer.override.sasl.jaas.config"] = "x",
            ["producer.override.security.protocol"] = "SASL_SSL",
            ["admin.override.sasl.mechanism"] = "PLAIN",
            ["consumer.override.auto.offset.reset"] = "latest",
            ["topics"] = "t",
        }).ToDictionary(v => v.Name);
        Assert.Equal(4, values.Count);
        Assert.Empty(values["consumer.override.sasl.jaas.config"].ErrorMessages);
        Assert.Empty(values["producer.override.security.protocol"].ErrorMessages);
        Assert.Empty(values["admin.override.sasl.mechanism"].ErrorMessages);
        Assert.Equal(["The 'Principal' policy does not allow 'auto.offset.reset' to be overridden in the connector configuration."], values["consumer.override.auto.offset.reset"].ErrorMessages);

        Assert.Same(ClientConfigOverridePolicy.All, ClientConfigOverridePolicy.Parse("org.apache.kafka.connect.connector.policy.AllConnectorClientConfigOverridePolicy"));
        Assert.Same(ClientConfigOverridePolicy.None, ClientConfigOverridePolicy.Parse("none"));
        Assert.Empty(ClientConfigOverridePolicy.All.Validate(new Dictionary<string, string> { ["consumer.override.max.poll.records"] = "1" }).SelectMany(v => v.ErrorMessages));
        var unknown = Assert.Throws<Tributary.Connect.Errors.ConfigException>(() => ClientConfigOverridePolicy.Parse("Some"));
        Assert.Contains("connector.client.config.override.policy", unknown.Message, StringComparison.Ordinal);
    }

    private async Task Produce(string topic, string lines)
    {
        using var directory = new TempDirectory();
        var file = directory.File("records.txt");
        await System.IO.File.WriteAllTextAsync(file, lines);
        (await ClientProcess.RunAsync("kcat", ["-b", fixture.Bootstrap, "-t", topic, "-P"], TimeSpan.FromSeconds(60), stdinFile: file)).EnsureSuccess();
    }

    /// <summary>Task 0's trace when it is FAILED, else null.</summary>
    private static async Task<string?> TaskTrace(HttpClient http, string connector)
    {
        using var response = await http.GetAsync($"/connectors/{connector}/status");
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var task = status["tasks"]?.AsArray().FirstOrDefault();
        return task is not null && (string?)task["state"] == "FAILED" ? (string?)task["trace"] : null;
    }
}
