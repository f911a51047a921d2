using System.Text;
using System.Text.Json.Nodes;
using Tributary.Client;

namespace Tributary.Connect.Tests;

/// <summary>
/// serve's embedded Connect worker is a distributed worker of group <c>connect-cluster</c> (Kafka's sample
/// connect-distributed.properties): a data directory from a version whose embedded worker was standalone has its
/// offsets file imported into <c>connect-offsets</c> (a FileStream source resumes after the imported position), and a
/// <c>tributary connect-distributed</c> worker with the same group and topics joins serve's worker and shares its
/// connectors.
/// </summary>
[Trait("Category", "process")]
public sealed class EmbeddedWorkerTests : IAsyncLifetime
{
    private const string Imported = "imported";
    private readonly TempDirectory _directory = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(100) };
    private TributaryProcess _server = null!;
    private string _input = "";
    private string _offsetsFile = "";

    public async Task InitializeAsync()
    {
        var data = _directory.File("data");
        Directory.CreateDirectory(Path.Combine(data, "connect"));
        _input = _directory.File("in.txt");
        await System.IO.File.WriteAllTextAsync(_input, "one\ntwo\nthree\nfour\n");
        // The standalone worker's file (docs/formats/connect-offsets-file.md): "one\ntwo\n" (8 bytes) already sent.
        _offsetsFile = Path.Combine(data, "connect", "offsets.json");
        var key = new JsonArray(Imported, new JsonObject { ["filename"] = _input }).ToJsonString();
        await System.IO.File.WriteAllTextAsync(_offsetsFile, new JsonObject
        {
            ["format"] = "tributary-connect-offsets",
            ["version"] = 1,
            ["offsets"] = new JsonArray(new JsonObject { ["key"] = key, ["value"] = "{\"position\":8}" }),
        }.ToJsonString());
        _server = new TributaryProcess(data, () => ["num.partitions=1", "group.min.session.timeout.ms=1000"]);
        await _server.StartAsync();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task The_old_offsets_file_is_imported_and_a_connect_distributed_worker_joins_serve_s_group()
    {
        var serve = $"http://127.0.0.1:{_server.Ports.Connect}";
        var (status, body) = await SendAsync(HttpMethod.Post, serve + "/connectors", Source(Imported, _input, "imported-lines"));
        Assert.True(status == 201, $"{status} {body}");
        await using var client = new KafkaClient(new KafkaClientOptions { BootstrapServers = [$"127.0.0.1:{_server.Ports.Kafka}"] });
        await Eventually.HoldsAsync(async () => await PositionAsync(serve, Imported) == Encoding.UTF8.GetByteCount("one\ntwo\nthree\nfour\n"), "the source's offset flushed at the end of its file", TimeSpan.FromSeconds(60));
        // Resumed at byte 8: only "three" and "four" were sent.
        Assert.Equal(2, await client.ListOffsetAsync("imported-lines", 0, -1));
        Assert.False(System.IO.File.Exists(_offsetsFile), "the offsets file is renamed once imported");
        Assert.True(System.IO.File.Exists(_offsetsFile + ".imported"));

        var port = FreePort.Next();
        var workerFile = _directory.File("worker.properties");
        await System.IO.File.WriteAllTextAsync(workerFile, $"""
            bootstrap.servers=127.0.0.1:{_server.Ports.Kafka}
            group.id=connect-cluster
            config.storage.topic=connect-configs
            offset.storage.topic=connect-offsets
            status.storage.topic=connect-status
            key.converter=org.apache.kafka.connect.storage.StringConverter
            value.converter=org.apache.kafka.connect.storage.StringConverter
            session.timeout.ms=3000
            heartbeat.interval.ms=300
            listeners=http://127.0.0.1:{port}
            """);
        await using var worker = await ConnectStandaloneProcess.StartCommandAsync("connect-distributed", workerFile);
        await Eventually.HoldsAsync(async () => (await SendAsync(HttpMethod.Get, worker.RestUrl + "/connectors")).Body?.AsArray().Any(n => (string?)n == Imported) == true,
            () => "serve's connector listed by the joined worker\n" + worker.Output, TimeSpan.FromSeconds(60));
        for (var i = 0; i < 3; i++)
        {
            var input = _directory.File($"more{i}.txt");
            await System.IO.File.WriteAllTextAsync(input, $"line {i}\n");
            (status, body) = await SendAsync(HttpMethod.Post, worker.RestUrl + "/connectors", Source($"more{i}", input, $"more{i}"));
            Assert.True(status == 201, $"create more{i} through the joined worker: {status} {body}");
        }
        // Four connectors over two workers: the leader places them on both (two each), seen the same from either worker.
        var placement = new Dictionary<string, string>();
        await Eventually.HoldsAsync(async () =>
        {
            placement = await PlacementAsync(serve);
            return placement.Count == 4 && placement.Values.All(w => w.Length > 0) && placement.Values.Distinct().Count() == 2
                && placement.OrderBy(p => p.Key).SequenceEqual((await PlacementAsync(worker.RestUrl)).OrderBy(p => p.Key));
        }, () => "four connectors RUNNING on two workers: " + string.Join(", ", placement) + "\n" + worker.Output, TimeSpan.FromSeconds(60));
        Assert.Contains($"127.0.0.1:{port}", placement.Values);
        Assert.Contains($"127.0.0.1:{_server.Ports.Connect}", placement.Values);
    }

    private static string Source(string name, string file, string topic) => new JsonObject
    {
        ["name"] = name,
        ["config"] = new JsonObject
        {
            ["connector.class"] = "FileStreamSource",
            ["file"] = file,
            ["topic"] = topic,
            ["value.converter"] = "org.apache.kafka.connect.storage.StringConverter",
            ["key.converter"] = "org.apache.kafka.connect.storage.StringConverter",
        },
    }.ToJsonString();

    private async Task<long> PositionAsync(string worker, string connector)
    {
        var (status, body) = await SendAsync(HttpMethod.Get, $"{worker}/connectors/{connector}/offsets");
        return status == 200 && body?["offsets"]?.AsArray() is [{ } first, ..] ? first["offset"]!["position"]!.GetValue<long>() : -1;
    }

    /// <summary>connector → the worker_id its status shows RUNNING on ("" when it or a task is not running).</summary>
    private async Task<Dictionary<string, string>> PlacementAsync(string worker)
    {
        var (_, body) = await SendAsync(HttpMethod.Get, worker + "/connectors?expand=status");
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, entry) in body?.AsObject() ?? [])
        {
            var connector = entry!["status"]!["connector"]!;
            var tasks = entry["status"]!["tasks"]!.AsArray();
            var running = (string?)connector["state"] == "RUNNING" && tasks.Count > 0 && tasks.All(t => (string?)t!["state"] == "RUNNING");
            result[name] = running ? (string)connector["worker_id"]! : "";
        }
        return result;
    }

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
}
