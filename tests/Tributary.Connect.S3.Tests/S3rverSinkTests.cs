using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Tributary.Client;

namespace Tributary.Connect.S3.Tests;

/// <summary>
/// The sink into a real S3-compatible server (s3rver, a separate process) through <c>store.url</c> and path-style
/// addressing, run by <c>tributary connect-standalone</c>: objects larger than <c>s3.part.size</c> go up as multipart
/// uploads (seen in s3rver's request log), keys are Confluent's, and while s3rver is stopped the task keeps running and
/// writes everything once it is back — each record in exactly one object.
/// </summary>
[Trait("Category", "process")]
public sealed class S3rverSinkTests : IAsyncLifetime
{
    private const string Topic = "orders";
    private const string Bucket = "sink-bucket";
    private const int Partitions = 2;

    /// <summary>Records per object: 9,000 lines of ~640 bytes make objects of ~5.7 MB, above the 5 MiB part size.</summary>
    private const int FlushSize = 9000;

    private const int PartSize = 5 * 1024 * 1024;

    private readonly TempDirectory _directory = new();
    private TributaryProcess _broker = null!;
    private KafkaClient _client = null!;
    private S3rver _s3 = null!;

    public async Task InitializeAsync()
    {
        _broker = new TributaryProcess(_directory.File("data"), () => ["connect.rest.port=-1"]);
        await _broker.StartAsync();
        _client = new KafkaClient(new KafkaClientOptions { BootstrapServers = [$"127.0.0.1:{_broker.Ports.Kafka}"] });
        await _client.CreateTopicAsync(Topic, Partitions);
        _s3 = await S3rver.StartAsync(_directory.Path);
        using var store = _s3.Store();
        await store.EnsureBucketAsync(Bucket);
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _broker.DisposeAsync();
        await _s3.DisposeAsync();
        _directory.Dispose();
    }

    /// <summary>Per partition, <paramref name="count"/> records whose <c>seq</c> is their offset (the topic starts empty).</summary>
    private async Task ProduceAsync(long from, int count)
    {
        var pad = new string('x', 600);
        for (var partition = 0; partition < Partitions; partition++)
        {
            for (var chunk = 0; chunk < count; chunk += 500)
            {
                var batch = new List<(byte[]? Key, byte[]? Value)>();
                for (var seq = from + chunk; seq < from + Math.Min(count, chunk + 500); seq++)
                {
                    batch.Add((null, Encoding.UTF8.GetBytes($$"""{"p":{{partition}},"seq":{{seq}},"pad":"{{pad}}"}""")));
                }
                await _client.ProduceAsync(Topic, partition, batch);
            }
        }
    }

    private string[] WriteConfigs()
    {
        var worker = WorkerProperties.Write(_directory, _broker.Ports.Kafka);
        var connector = _directory.File("s3-sink.properties");
        System.IO.File.WriteAllText(connector, $"""
            name=to-s3rver
            connector.class=io.confluent.connect.s3.S3SinkConnector
            tasks.max=1
            topics={Topic}
            s3.bucket.name={Bucket}
            s3.region=us-east-1
            store.url={_s3.Endpoint}
            s3.path.style.access.enabled=true
            aws.access.key.id={S3rver.Credentials}
            aws.secret.access.key={S3rver.Credentials}
            s3.part.size={PartSize}
            s3.part.retries=1
            s3.retry.backoff.ms=50
            storage.class=io.confluent.connect.s3.storage.S3Storage
            format.class=io.confluent.connect.s3.format.json.JsonFormat
            flush.size={FlushSize}
            tributary.state.dir={_directory.File("state")}
            """);
        return [worker, connector];
    }

    private async Task<List<string>> KeysAsync()
    {
        using var store = _s3.Store();
        var keys = new List<string>();
        await foreach (var item in store.ListAsync(Bucket))
        {
            keys.Add(item.Key);
        }
        return keys;
    }

    private async Task<List<JsonElement>> LinesAsync(string key)
    {
        using var store = _s3.Store();
        await using var stream = await store.OpenReadAsync(Bucket, key);
        using var reader = new StreamReader(stream);
        var text = await reader.ReadToEndAsync();
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
    }

    private static string Key(int partition, long start) =>
        $"topics/{Topic}/partition={partition}/{Topic}+{partition}+{start.ToString("D10", CultureInfo.InvariantCulture)}.json";

    /// <summary>The keys the engine's state lists as complete but not yet uploaded (docs/formats/delivery-state.md).</summary>
    private List<string> PendingKeys()
    {
        var state = Path.Combine(_directory.File("state"), "to-s3rver", "task-0", Topic, "state.json");
        try
        {
            using var document = JsonDocument.Parse(System.IO.File.ReadAllText(state));
            return [.. document.RootElement.GetProperty("pending").EnumerateArray().Select(p => p.GetProperty("key").GetString()!)];
        }
        catch (Exception e) when (e is IOException or JsonException or KeyNotFoundException)
        {
            return [];
        }
    }

    private static async Task<string> TaskStateAsync(ConnectStandaloneProcess worker)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{worker.RestPort}"), Timeout = TimeSpan.FromSeconds(30) };
        var status = await http.GetFromJsonAsync<JsonElement>("/connectors/to-s3rver/status");
        return status.GetProperty("tasks")[0].GetProperty("state").GetString()!;
    }

    [Fact]
    public async Task Multipart_objects_with_Confluents_keys_and_no_loss_while_s3rver_is_down()
    {
        await ProduceAsync(0, FlushSize);
        await using var worker = await ConnectStandaloneProcess.StartAsync(WriteConfigs());
        string[] first = [Key(0, 0), Key(1, 0)];
        await Eventually.HoldsAsync(async () => (await KeysAsync()).Count == 2, "the first two objects in s3rver\n" + worker.Output, TimeSpan.FromSeconds(180), TimeSpan.FromMilliseconds(500));
        Assert.Equal(first, await KeysAsync());
        // Keys are percent-encoded in request lines (partition%3D0, orders%2B0%2B…).
        var requests = _s3.Requests().Select(Uri.UnescapeDataString).ToList();
        foreach (var key in first)
        {
            // Initiate, at least two parts, complete: a multipart upload.
            Assert.True(requests.Any(r => r.StartsWith($"POST /{Bucket}/{key}?uploads", StringComparison.Ordinal)), "no multipart upload of " + key + " in:\n" + string.Join('\n', requests));
            Assert.Contains(requests, r => r.StartsWith($"PUT /{Bucket}/{key}?", StringComparison.Ordinal) && r.Contains("partNumber=2", StringComparison.Ordinal));
            Assert.Contains(requests, r => r.StartsWith($"POST /{Bucket}/{key}?uploadId=", StringComparison.Ordinal));
        }

        // The destination goes away while the next objects are due; the task keeps running, nothing is lost.
        await _s3.StopAsync();
        await ProduceAsync(FlushSize, FlushSize);
        // The next objects due are complete and stated as pending while s3rver is down: the engine retries their uploads
        // (and reads no further meanwhile; put waits once its queue is full). The pipelined engine uploads objects of
        // different partitions concurrently, so one or both partitions' next objects may be pending, and nothing else.
        string[] due = [Key(0, FlushSize), Key(1, FlushSize)];
        await Eventually.HoldsAsync(() => PendingKeys() is { Count: > 0 } pending && pending.All(due.Contains),
            () => "pending uploads: " + string.Join(", ", PendingKeys()) + "\n" + worker.Output, TimeSpan.FromSeconds(180), TimeSpan.FromMilliseconds(200));
        await Task.Delay(TimeSpan.FromSeconds(3)); // A few more failed attempts.
        Assert.Equal("RUNNING", await TaskStateAsync(worker));
        await _s3.RestartAsync();
        await Eventually.HoldsAsync(async () => (await KeysAsync()).Count == 4, "the next two objects once s3rver is back\n" + worker.Output, TimeSpan.FromSeconds(180), TimeSpan.FromMilliseconds(500));

        Assert.Equal([Key(0, 0), Key(0, FlushSize), Key(1, 0), Key(1, FlushSize)], await KeysAsync());
        var seen = new HashSet<(long, long)>();
        foreach (var key in await KeysAsync())
        {
            var lines = await LinesAsync(key);
            var start = long.Parse(key[^15..^5], CultureInfo.InvariantCulture);
            var partition = key[$"topics/{Topic}/partition=".Length] - '0';
            Assert.Equal(Enumerable.Range(0, FlushSize).Select(i => start + i), lines.Select(l => l.GetProperty("seq").GetInt64()));
            Assert.All(lines, l => Assert.Equal(partition, l.GetProperty("p").GetInt32()));
            foreach (var line in lines)
            {
                Assert.True(seen.Add((partition, line.GetProperty("seq").GetInt64())), $"record {partition}/{line.GetProperty("seq")} twice");
            }
        }
        Assert.Equal(2 * Partitions * FlushSize, seen.Count);
        Assert.Equal("RUNNING", await TaskStateAsync(worker));
    }
}
