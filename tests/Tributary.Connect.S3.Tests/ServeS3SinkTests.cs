using System.Text;
using System.Text.Json.Nodes;
using DuckDB.NET.Data;

namespace Tributary.Connect.S3.Tests;

/// <summary>
/// The S3 sink created through <c>tributary serve</c>'s Connect REST API (POST /connectors on the embedded worker),
/// with <c>consumer.override.*</c> keys, records produced by kcat as JsonConverter envelopes: Parquet objects read back
/// by DuckDB; a record that does not fit Parquet (a string where a struct is needed) goes to the dead-letter queue
/// with Connect's context headers (read back with kcat) under <c>errors.tolerance=all</c>, and fails the task with
/// the record's error as the status trace otherwise.
/// </summary>
[Trait("Category", "process")]
public sealed class ServeS3SinkTests : IAsyncLifetime
{
    private const string Good1 = """{"schema":{"type":"struct","name":"Event","optional":false,"fields":[{"field":"id","type":"int64","optional":false},{"field":"name","type":"string","optional":false}]},"payload":{"id":1,"name":"one"}}""";
    private const string Good2 = """{"schema":{"type":"struct","name":"Event","optional":false,"fields":[{"field":"id","type":"int64","optional":false},{"field":"name","type":"string","optional":false}]},"payload":{"id":2,"name":"two"}}""";
    private const string Good3 = """{"schema":{"type":"struct","name":"Event","optional":false,"fields":[{"field":"id","type":"int64","optional":false},{"field":"name","type":"string","optional":false}]},"payload":{"id":3,"name":"three"}}""";
    private const string NotAStruct = """{"schema":{"type":"string","optional":false},"payload":"a string"}""";

    private readonly TempDirectory _directory = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };
    private TributaryProcess _server = null!;

    private string Bootstrap => $"127.0.0.1:{_server.Ports.Kafka}";

    private string Bucket => Path.Combine(_directory.Path, "objects", "bucket");

    public async Task InitializeAsync()
    {
        InteropClients.RequireKcat();
        _server = new TributaryProcess(_directory.File("data"), () => ["num.partitions=1"]);
        await _server.StartAsync();
        Assert.True(_server.Ports.Connect > 0, "serve did not name its Connect REST port: " + _server.ServingLine);
        _http.BaseAddress = new Uri($"http://127.0.0.1:{_server.Ports.Connect}");
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        _directory.Dispose();
    }

    private async Task ProduceAsync(string topic, params string[] lines)
    {
        var input = _directory.File(topic + ".in");
        await System.IO.File.WriteAllTextAsync(input, string.Join('\n', lines) + "\n");
        (await ClientProcess.RunAsync("kcat", ["-b", Bootstrap, "-t", topic, "-P"], TimeSpan.FromSeconds(60), stdinFile: input)).EnsureSuccess();
    }

    private async Task CreateAsync(string name, string topic, params (string Key, string Value)[] extra)
    {
        var config = new JsonObject
        {
            ["connector.class"] = "io.confluent.connect.s3.S3SinkConnector",
            ["tasks.max"] = "1",
            ["topics"] = topic,
            ["s3.bucket.name"] = "bucket",
            ["store.url"] = new Uri(Path.Combine(_directory.Path, "objects")).AbsoluteUri,
            ["storage.class"] = "io.confluent.connect.s3.storage.S3Storage",
            ["format.class"] = "io.confluent.connect.s3.format.parquet.ParquetFormat",
            ["flush.size"] = "3",
            ["value.converter"] = "org.apache.kafka.connect.json.JsonConverter",
            ["value.converter.schemas.enable"] = "true",
            ["consumer.override.max.poll.records"] = "2",
            ["consumer.override.auto.offset.reset"] = "earliest",
            ["tributary.state.dir"] = _directory.File("state"),
        };
        foreach (var (key, value) in extra)
        {
            config[key] = value;
        }
        using var response = await _http.PostAsync("/connectors", new StringContent(new JsonObject { ["name"] = name, ["config"] = config }.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.True((int)response.StatusCode == 201, $"POST /connectors: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<JsonNode> StatusAsync(string name) =>
        JsonNode.Parse(await _http.GetStringAsync($"/connectors/{name}/status"))!;

    private string[] Keys(string topic)
    {
        var root = Path.Combine(Bucket, "topics", topic);
        return Directory.Exists(root)
            ? [.. Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Where(f => !f.Contains(".tributary-tmp", StringComparison.Ordinal)).Select(f => Path.GetRelativePath(Bucket, f).Replace('\\', '/')).Order(StringComparer.Ordinal)]
            : [];
    }

    [Fact]
    public async Task A_string_where_Parquet_needs_a_struct_goes_to_the_DLQ_with_context_headers()
    {
        const string topic = "events-tolerant";
        const string dlq = topic + "-dlq";
        await ProduceAsync(topic, Good1, NotAStruct, Good2, Good3);
        await CreateAsync("tolerant", topic, ("errors.tolerance", "all"), ("errors.deadletterqueue.topic.name", dlq), ("errors.deadletterqueue.topic.replication.factor", "1"), ("errors.deadletterqueue.context.headers.enable", "true"));

        await Eventually.HoldsAsync(() => Keys(topic).Length == 1, () => "the Parquet object: " + string.Join(", ", Keys(topic)) + "\n" + _server.Output, TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(200));
        Assert.Equal([$"topics/{topic}/partition=0/{topic}+0+0000000000.snappy.parquet"], Keys(topic));
        using (var connection = new DuckDBConnection("Data Source=:memory:"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT string_agg(id || ':' || name, ',' ORDER BY id) FROM read_parquet('{Path.Combine(Bucket, Keys(topic)[0])}')";
            Assert.Equal("1:one,2:two,3:three", command.ExecuteScalar());
        }

        ClientResult? read = null;
        await Eventually.HoldsAsync(async () =>
        {
            read = await ClientProcess.RunAsync("kcat", ["-b", Bootstrap, "-C", "-t", dlq, "-o", "beginning", "-c", "1", "-e", "-q", "-f", "%s\n%h\n"], TimeSpan.FromSeconds(30));
            return read.ExitCode == 0 && read.StandardOutput.Contains("__connect.errors.topic=", StringComparison.Ordinal);
        }, "the DLQ record", TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1));
        var text = read!.StandardOutput;
        // The errant record reporter sends the consumed record's own bytes (kcat produced it without a key).
        Assert.StartsWith(NotAStruct + "\n", text, StringComparison.Ordinal);
        Assert.Contains($"__connect.errors.topic={topic}", text, StringComparison.Ordinal);
        Assert.Contains("__connect.errors.offset=1", text, StringComparison.Ordinal);
        Assert.Contains("__connect.errors.connector.name=tolerant", text, StringComparison.Ordinal);
        Assert.Contains("__connect.errors.stage=TASK_PUT", text, StringComparison.Ordinal);
        Assert.Contains("__connect.errors.exception.class.name=org.apache.kafka.connect.errors.DataException", text, StringComparison.Ordinal);
        Assert.Contains("__connect.errors.exception.message=ParquetFormat needs Struct values with a schema; got STRING", text, StringComparison.Ordinal);
        Assert.Equal("RUNNING", (string)(await StatusAsync("tolerant"))["tasks"]![0]!["state"]!);
    }

    [Fact]
    public async Task Without_tolerance_the_record_fails_the_task_with_a_clear_trace()
    {
        const string topic = "events-strict";
        await ProduceAsync(topic, Good1, NotAStruct);
        await CreateAsync("strict", topic);

        JsonNode? task = null;
        await Eventually.HoldsAsync(async () =>
        {
            task = (await StatusAsync("strict"))["tasks"]?.AsArray().FirstOrDefault();
            return (string?)task?["state"] == "FAILED";
        }, "the task to fail", TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(200));
        var trace = (string)task!["trace"]!;
        Assert.Contains("ParquetFormat needs Struct values with a schema; got STRING", trace, StringComparison.Ordinal);
        Assert.Empty(Keys(topic));
    }
}
