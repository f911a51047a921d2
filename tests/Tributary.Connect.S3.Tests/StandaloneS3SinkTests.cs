using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using DuckDB.NET.Data;
using Tributary.Client;

namespace Tributary.Connect.S3.Tests;

/// <summary>
/// Scenario E through the real program: <c>tributary connect-standalone connect.properties s3-sink.properties …</c>
/// against a separate <c>tributary serve</c>, JSON records into a local bucket directory with Confluent's
/// TimeBasedPartitioner paths (Hive-style and plain <c>YYYY-MM-dd</c>), read back with DuckDB; and kill -9 of the
/// worker while it writes, repeatedly: afterwards every record is in exactly one object, in offset order within it.
/// </summary>
[Trait("Category", "process")]
public sealed partial class StandaloneS3SinkTests : IAsyncLifetime
{
    private const string Topic = "my-topic-name";
    private const int Partitions = 2;
    private static readonly DateTimeOffset Day = new(2018, 11, 16, 0, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _directory = new();
    private TributaryProcess _broker = null!;
    private KafkaClient _client = null!;

    public async Task InitializeAsync()
    {
        _broker = new TributaryProcess(_directory.File("data"), () => ["connect.rest.port=-1"]);
        await _broker.StartAsync();
        _client = new KafkaClient(new KafkaClientOptions { BootstrapServers = [$"127.0.0.1:{_broker.Ports.Kafka}"] });
        await _client.CreateTopicAsync(Topic, Partitions);
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _broker.DisposeAsync();
        _directory.Dispose();
    }

    private string Objects => _directory.File("objects");

    /// <summary>Records id from..from+count: partition id % 2, a seq per partition (its offset), a timestamp 90 s apart from 2018-11-16.</summary>
    private async Task ProduceAsync(int from, int count)
    {
        for (var partition = 0; partition < Partitions; partition++)
        {
            var batch = new List<(byte[]? Key, byte[]? Value)>();
            for (var id = from; id < from + count; id++)
            {
                if (id % Partitions == partition)
                {
                    var ts = Day.AddSeconds(90L * id).ToUnixTimeMilliseconds();
                    batch.Add((null, Encoding.UTF8.GetBytes($$"""{"id":{{id}},"seq":{{id / Partitions}},"ts":{{ts}},"text":"record {{id}}"}""")));
                }
            }
            await _client.ProduceAsync(Topic, partition, batch);
        }
    }

    private string[] WriteConfigs(params (string Name, string Extra)[] connectors)
    {
        var worker = WorkerProperties.Write(_directory, _broker.Ports.Kafka);
        var files = new List<string> { worker };
        foreach (var (name, extra) in connectors)
        {
            var file = _directory.File(name + ".properties");
            System.IO.File.WriteAllText(file, $"""
                name={name}
                connector.class=io.confluent.connect.s3.S3SinkConnector
                tasks.max=1
                topics={Topic}
                s3.bucket.name=bucket
                s3.region=us-east-1
                store.url={new Uri(Objects).AbsoluteUri}
                storage.class=io.confluent.connect.s3.storage.S3Storage
                format.class=io.confluent.connect.s3.format.json.JsonFormat
                partitioner.class=io.confluent.connect.storage.partitioner.TimeBasedPartitioner
                partition.duration.ms=86400000
                locale=en-US
                timezone=UTC
                timestamp.extractor=RecordField
                timestamp.field=ts
                tributary.state.dir={_directory.File("state")}
                {extra}
                """);
            files.Add(file);
        }
        return [.. files];
    }

    private List<string> Keys(string prefix)
    {
        var root = Path.Combine(Objects, "bucket", prefix);
        return Directory.Exists(root)
            ? [.. Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Path.Combine(Objects, "bucket"), f).Replace('\\', '/')).Order(StringComparer.Ordinal)]
            : [];
    }

    private List<JsonElement> Lines(string key)
    {
        Stream stream = System.IO.File.OpenRead(Path.Combine(Objects, "bucket", key));
        if (key.EndsWith(".gz", StringComparison.Ordinal))
        {
            stream = new GZipStream(stream, CompressionMode.Decompress);
        }
        using var reader = new StreamReader(stream);
        return [.. reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
    }

    private int RecordCount(string prefix) => Keys(prefix).Sum(k => Lines(k).Count);

    [Fact]
    public async Task Scenario_E_daily_paths_in_the_local_bucket_read_back_with_DuckDB()
    {
        const int total = 3000;
        await ProduceAsync(0, total);
        var files = WriteConfigs(
            ("hive-daily", "topics.dir=topics\npath.format='year'=YYYY/'month'=MM/'day'=dd\nflush.size=500\nrotate.schedule.interval.ms=2000"),
            ("plain-daily", "topics.dir=topic\npath.format=YYYY-MM-dd\nflush.size=1000\ns3.compression.type=gzip\nrotate.interval.ms=3000"));
        await using var worker = await ConnectStandaloneProcess.StartAsync(files);
        await Eventually.HoldsAsync(() => RecordCount("topics") == total && RecordCount("topic") == total,
            () => $"hive: {RecordCount("topics")}, plain: {RecordCount("topic")} of {total}\n{worker.Output}", TimeSpan.FromSeconds(120));

        // 3000 records 90 s apart from 2018-11-16 cover 16, 17, 18 and 19 November.
        var hive = Keys("topics");
        Assert.All(hive, k => Assert.Matches(HiveKey(), k));
        Assert.Equal(["day=16", "day=17", "day=18", "day=19"], hive.Select(k => k.Split('/')[4]).Distinct().Order());
        var plain = Keys("topic");
        Assert.All(plain, k => Assert.Matches(PlainKey(), k));
        Assert.Equal(["2018-11-16", "2018-11-17", "2018-11-18", "2018-11-19"], plain.Select(k => k.Split('/')[2]).Distinct().Order());
        Assert.Contains("topic/my-topic-name/2018-11-16/my-topic-name+0+0000000000.json.gz", plain);

        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        foreach (var glob in new[] { "topics/my-topic-name/*/*/*/*.json", "topic/my-topic-name/*/*.json.gz" })
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT count(*), count(DISTINCT id), min(id), max(id) FROM read_json_auto('{Path.Combine(Objects, "bucket", glob)}')";
            using var reader = command.ExecuteReader();
            Assert.True(reader.Read());
            Assert.Equal([total, total, 0, total - 1], [Convert.ToInt64(reader.GetValue(0)), Convert.ToInt64(reader.GetValue(1)), Convert.ToInt64(reader.GetValue(2)), Convert.ToInt64(reader.GetValue(3))]);
        }
        // Each record's day directory is its own timestamp's day.
        foreach (var key in hive)
        {
            var day = int.Parse(key.Split('/')[4]["day=".Length..], CultureInfo.InvariantCulture);
            Assert.All(Lines(key), line => Assert.Equal(day, DateTimeOffset.FromUnixTimeMilliseconds(line.GetProperty("ts").GetInt64()).Day));
        }
    }

    [Fact]
    public async Task Through_the_distributed_REST_API_with_a_consumer_override_and_keys_files()
    {
        const string topic = "keyed";
        await _client.CreateTopicAsync(topic, 1);
        static (byte[]?, byte[]?) Keyed(int id) => (Encoding.UTF8.GetBytes("k" + id), Encoding.UTF8.GetBytes($$"""{"id":{{id}}}"""));
        // Written before the connector exists: consumer.override.auto.offset.reset=latest must make its consumer skip them.
        await _client.ProduceAsync(topic, 0, [.. Enumerable.Range(0, 20).Select(Keyed)]);
        var worker = _directory.File("distributed.properties");
        await System.IO.File.WriteAllTextAsync(worker, $"""
            bootstrap.servers=127.0.0.1:{_broker.Ports.Kafka}
            group.id=s3-cluster
            config.storage.topic=s3-configs
            offset.storage.topic=s3-offsets
            status.storage.topic=s3-status
            key.converter=org.apache.kafka.connect.storage.StringConverter
            value.converter=org.apache.kafka.connect.json.JsonConverter
            value.converter.schemas.enable=false
            offset.flush.interval.ms=500
            listeners=http://127.0.0.1:{FreePort.Next()}
            """);
        await using var process = await ConnectStandaloneProcess.StartCommandAsync("connect-distributed", worker);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var config = new Dictionary<string, string>
        {
            ["connector.class"] = "io.confluent.connect.s3.S3SinkConnector",
            ["tasks.max"] = "1",
            ["topics"] = topic,
            ["s3.bucket.name"] = "bucket",
            ["s3.region"] = "us-east-1",
            ["store.url"] = new Uri(Objects).AbsoluteUri,
            ["storage.class"] = "io.confluent.connect.s3.storage.S3Storage",
            ["format.class"] = "io.confluent.connect.s3.format.json.JsonFormat",
            ["topics.dir"] = "distributed",
            ["flush.size"] = "5",
            ["store.kafka.keys"] = "true",
            ["keys.format.class"] = "io.confluent.connect.s3.format.json.JsonFormat",
            ["consumer.override.auto.offset.reset"] = "latest",
            ["tributary.state.dir"] = _directory.File("distributed-state"),
        };
        var body = JsonSerializer.Serialize(new Dictionary<string, object> { ["name"] = "s3-distributed", ["config"] = config });
        var status = 0;
        var answer = "";
        // 409 while the worker's group forms and no leader is known yet (Kafka answers the same): try again.
        await Eventually.HoldsAsync(async () =>
        {
            using var response = await http.PostAsync(process.RestUrl + "/connectors", new StringContent(body, Encoding.UTF8, "application/json"));
            (status, answer) = ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
            return status != 409;
        }, () => $"POST /connectors: {status} {answer}\n{process.Output}", TimeSpan.FromSeconds(60));
        Assert.True(status == 201, $"POST /connectors: {status} {answer}\n{process.Output}");

        // Records written once the task reads: keep writing until ten of them are in objects.
        var next = 20;
        await Eventually.HoldsAsync(async () =>
        {
            await _client.ProduceAsync(topic, 0, [.. Enumerable.Range(next, 5).Select(Keyed)]);
            next += 5;
            return RecordCount("distributed") >= 20;
        }, () => $"{RecordCount("distributed")} records in objects after {next - 20} written\n{process.Output}", TimeSpan.FromSeconds(120), TimeSpan.FromMilliseconds(500));

        var values = Keys("distributed").Where(k => !k.Contains(".keys.", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(values);
        foreach (var key in values)
        {
            var ids = Lines(key).Select(l => l.GetProperty("id").GetInt32()).ToList();
            Assert.All(ids, id => Assert.True(id >= 20, $"record {id}, written before the connector, is in {key}"));
            // The keys file beside it: the same records' keys, line for line.
            var keysFile = key[..^".json".Length] + ".keys.json";
            Assert.Equal(ids.Select(id => "k" + id), Lines(keysFile).Select(l => l.GetString()));
        }
        await process.StopAsync();
    }

    [Fact]
    public async Task Kill_9_of_the_worker_while_it_writes_leaves_every_record_in_exactly_one_object()
    {
        var files = WriteConfigs(("crashing", "topics.dir=topics\npath.format=YYYY-MM-dd\nflush.size=37\nrotate.schedule.interval.ms=1000"));
        var produced = 0;
        for (var round = 0; round < 3; round++)
        {
            await ProduceAsync(produced, 1500);
            produced += 1500;
            var worker = await ConnectStandaloneProcess.StartAsync(files);
            try
            {
                // Kill it while it is writing: some objects of this round are out, others are not.
                var before = RecordCount("topics");
                await Eventually.HoldsAsync(() => RecordCount("topics") > before, () => $"no progress in round {round}\n{worker.Output}", TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(20));
            }
            finally
            {
                await worker.KillAsync();
            }
        }
        await using (var last = await ConnectStandaloneProcess.StartAsync(files))
        {
            await Eventually.HoldsAsync(() => RecordCount("topics") >= produced, () => $"{RecordCount("topics")} of {produced}\n{last.Output}", TimeSpan.FromSeconds(120));
            await Task.Delay(TimeSpan.FromSeconds(3)); // Let any duplicate (there must be none) show up before counting.
        }

        var seen = new Dictionary<long, string>();
        foreach (var key in Keys("topics"))
        {
            var match = KeyOffset().Match(key);
            Assert.True(match.Success, key);
            var lines = Lines(key);
            Assert.NotEmpty(lines);
            var seqs = lines.Select(l => l.GetProperty("seq").GetInt64()).ToList();
            // The key names the first offset of the object (seq is the offset), and offsets follow each other in it.
            Assert.Equal(long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture), seqs[0]);
            Assert.Equal(Enumerable.Range(0, seqs.Count).Select(i => seqs[0] + i), seqs);
            foreach (var line in lines)
            {
                var id = line.GetProperty("id").GetInt64();
                Assert.True(seen.TryAdd(id, key), $"record {id} is in {seen.GetValueOrDefault(id)} and in {key}");
                Assert.Equal(match.Groups[1].Value, (id % Partitions).ToString(CultureInfo.InvariantCulture));
            }
        }
        Assert.Equal(produced, seen.Count);
    }

    [GeneratedRegex(@"^topics/my-topic-name/year=2018/month=11/day=1[6-9]/my-topic-name\+[01]\+\d{10}\.json$")]
    private static partial Regex HiveKey();

    [GeneratedRegex(@"^topic/my-topic-name/2018-11-1[6-9]/my-topic-name\+[01]\+\d{10}\.json\.gz$")]
    private static partial Regex PlainKey();

    [GeneratedRegex(@"\+([01])\+(\d{10})\.json$")]
    private static partial Regex KeyOffset();
}
