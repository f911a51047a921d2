using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Tributary.Broker;
using Tributary.Delivery.Compression;
using Tributary.Firehose.Model;
using Tributary.Firehose.Processing;
using Tributary.Formats.Parquet.Reader;
using Tributary.ObjectStores;
using Tributary.Protocol.Records;

namespace Tributary.Firehose.Tests.Streams;

[Trait("Category", "process")]
public sealed class EngineTests
{
    private static async Task ProduceAsync(IBrokerApi broker, string topic, int partition, IEnumerable<string> values)
    {
        using var builder = new RecordBatchBuilder(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        foreach (var value in values)
        {
            builder.Append(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), default, Encoding.UTF8.GetBytes(value), hasKey: false);
        }
        var result = await broker.ProduceAsync(topic, partition, builder.ToArray(new BatchOptions()), Acks.All);
        Assert.Equal(ErrorCode.None, result.Error);
    }

    private static DeliveryStreamDefinition TopicStream(string name, string topic, Func<S3DestinationDefinition, S3DestinationDefinition>? destination = null) =>
        EngineFixture.DirectPut(name, destination) with
        {
            Type = DeliveryStreamType.MSKAsSource,
            KafkaSource = new KafkaSourceDefinition { ClusterArn = "arn:aws:kafka:us-east-1:000000000000:cluster/tributary/local", TopicName = topic, ReadFromTimestamp = DateTimeOffset.FromUnixTimeMilliseconds(0) },
        };

    private static IEnumerable<string> Lines(IEnumerable<byte[]> objects) =>
        objects.SelectMany(o => Encoding.UTF8.GetString(o).Split('\n', StringSplitOptions.RemoveEmptyEntries));

    [Fact]
    public async Task A_topic_of_the_embedded_broker_is_delivered_from_every_partition_once()
    {
        await using var fixture = await EngineFixture.StartAsync();
        Assert.Equal(ErrorCode.None, fixture.Broker.CreateTopic("events", 3, null).Error);
        for (var p = 0; p < 3; p++)
        {
            await ProduceAsync(fixture.Broker, "events", p, Enumerable.Range(0, 200).Select(i => $"{{\"p\":{p},\"i\":{i}}}\n"));
        }
        await fixture.Streams.CreateAsync(TopicStream("from-topic", "events"));
        await EngineFixture.WaitForAsync(async () => Lines((await fixture.ObjectsAsync()).Values).Count() >= 600, TimeSpan.FromSeconds(30), "600 records");
        var records = Lines((await fixture.ObjectsAsync()).Values).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(600, records.Count);
        for (var p = 0; p < 3; p++)
        {
            Assert.Equal(Enumerable.Range(0, 200), records.Where(r => (int)r["p"]! == p).Select(r => (int)r["i"]!).Order());
        }
    }

    [Fact]
    public async Task Records_already_delivered_before_a_crash_between_upload_and_state_are_not_repeated()
    {
        var root = Path.Combine(Path.GetTempPath(), "tributary-delivery-" + Guid.NewGuid().ToString("N"));
        var failing = new FailingStore(new LocalDirectoryStore(Path.Combine(root, "objects")), failAfter: 2);
        await using (var first = await EngineFixture.StartAsync(root, failing))
        {
            first.DeleteOnDispose = false;
            await first.Streams.CreateAsync(EngineFixture.DirectPut("crashy", d => d with { BufferIntervalInSeconds = 0 }));
            for (var i = 0; i < 10; i++)
            {
                await first.Streams.PutAsync("crashy", [Encoding.UTF8.GetBytes($"{{\"n\":{i}}}\n")]);
                await Task.Delay(60);
            }
            // Two objects went through; the third is spooled and pending in the state but its upload keeps failing.
            await EngineFixture.WaitForAsync(() => Task.FromResult(failing.Failures > 0), TimeSpan.FromSeconds(20), "a failed upload");
        }
        await using var second = await EngineFixture.StartAsync(root);
        await EngineFixture.WaitForAsync(async () => Lines((await second.ObjectsAsync()).Values).Count() >= 10, TimeSpan.FromSeconds(30), "10 records");
        // Nothing left undelivered: a repeat would have to come from a record still waiting.
        await EngineFixture.WaitForAsync(() => Task.FromResult(second.Streams.Describe("crashy")!.Metrics.DataFreshnessSeconds == 0), TimeSpan.FromSeconds(30), "nothing waiting");
        var numbers = Lines((await second.ObjectsAsync()).Values).Select(l => (int)JsonNode.Parse(l)!["n"]!).ToList();
        // Exactly once; objects are listed by key, which does not follow delivery order.
        Assert.Equal(Enumerable.Range(0, 10), numbers.Order());
    }

    [Fact]
    public async Task The_transformation_endpoint_rewrites_drops_and_fails_records_with_the_Lambda_contract()
    {
        var (listener, port) = LoopbackHttpListener.Start();
        using var stopListener = listener;
        var invocations = 0;
        var server = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }
                Interlocked.Increment(ref invocations);
                var request = JsonNode.Parse(context.Request.InputStream)!;
                var records = new JsonArray();
                foreach (var record in request["records"]!.AsArray())
                {
                    var data = JsonNode.Parse(Convert.FromBase64String((string)record!["data"]!))!;
                    var n = (int)data["n"]!;
                    var result = n % 3 == 0 ? "Dropped" : n % 3 == 1 ? "Ok" : "ProcessingFailed";
                    var output = new JsonObject { ["recordId"] = (string)record["recordId"]!, ["result"] = result };
                    if (result == "Ok")
                    {
                        output["data"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{{\"n\":{n},\"seen\":true}}\n"));
                    }
                    records.Add(output);
                }
                var body = Encoding.UTF8.GetBytes(new JsonObject { ["records"] = records }.ToJsonString());
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        });
        await using var fixture = await EngineFixture.StartAsync();
        await fixture.Streams.CreateAsync(EngineFixture.DirectPut("lambda", d => d with
        {
            Compression = CompressionFormat.Uncompressed,
            Prefix = "ok/",
            ErrorOutputPrefix = "errors/!{firehose:error-output-type}/",
            Processing = new ProcessingDefinition
            {
                Enabled = true,
                Processors = [new ProcessorDefinition { Type = "Lambda", Parameters = [new("LambdaArn", $"http://127.0.0.1:{port}/")] }],
            },
        }));
        await fixture.Streams.PutAsync("lambda", [.. Enumerable.Range(0, 30).Select(i => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes($"{{\"n\":{i}}}"))]);
        await EngineFixture.WaitForAsync(async () =>
        {
            var objects = await fixture.ObjectsAsync();
            return Lines(objects.Where(o => o.Key.StartsWith("ok/", StringComparison.Ordinal)).Select(o => o.Value)).Count() == 10
                && Lines(objects.Where(o => o.Key.StartsWith("errors/", StringComparison.Ordinal)).Select(o => o.Value)).Count() == 10;
        }, TimeSpan.FromSeconds(30), "10 transformed and 10 failed records");
        var all = await fixture.ObjectsAsync();
        var ok = Lines(all.Where(o => o.Key.StartsWith("ok/", StringComparison.Ordinal)).Select(o => o.Value)).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(Enumerable.Range(0, 30).Where(n => n % 3 == 1), ok.Select(r => (int)r["n"]!).Order());
        Assert.All(ok, r => Assert.True((bool)r["seen"]!));
        var failed = all.Where(o => o.Key.StartsWith("errors/processing-failed/", StringComparison.Ordinal)).SelectMany(o => Lines([o.Value])).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(Enumerable.Range(0, 30).Where(n => n % 3 == 2), failed.Select(e => (int)JsonNode.Parse(Convert.FromBase64String((string)e["rawData"]!))!["n"]!).Order());
        Assert.All(failed, e =>
        {
            Assert.Equal("Lambda.ProcessingFailed", (string)e["errorCode"]!);
            Assert.Equal($"http://127.0.0.1:{port}/", (string)e["lambdaArn"]!);
            Assert.Equal(1, (int)e["attemptsMade"]!);
        });
        Assert.Equal(10, fixture.Streams.Describe("lambda")!.Metrics.FailedRecordsByType[ErrorOutputTypes.ProcessingFailed]);
        listener.Stop();
    }

    [Fact]
    public async Task Json_is_converted_to_Parquet_and_malformed_records_go_to_format_conversion_failed()
    {
        await using var fixture = await EngineFixture.StartAsync();
        await fixture.Streams.CreateAsync(EngineFixture.DirectPut("parquet", d => d with
        {
            Compression = CompressionFormat.Uncompressed,
            BufferSizeInMBs = 64,
            ErrorOutputPrefix = "errors/!{firehose:error-output-type}/",
            FormatConversion = new FormatConversionDefinition { InlineSchema = "id bigint, name string" },
        }));
        var records = Enumerable.Range(0, 20).Select(i => i == 7 ? "{\"id\": \"seven\", \"name\": \"x\"}" : $"{{\"id\":{i},\"name\":\"n{i}\"}}").ToList();
        await fixture.Streams.PutAsync("parquet", [.. records.Select(r => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(r))]);
        await EngineFixture.WaitForAsync(async () => (await fixture.ObjectsAsync()).Count >= 2, TimeSpan.FromSeconds(30), "a Parquet object and an error object");
        var objects = await fixture.ObjectsAsync();
        var parquet = Assert.Single(objects, o => o.Key.EndsWith(".parquet", StringComparison.Ordinal));
        using var reader = new ParquetReader(new MemoryStream(parquet.Value));
        var rows = reader.ReadRows().ToList();
        Assert.Equal(Enumerable.Range(0, 20).Where(i => i != 7).Select(i => (long)i), rows.Select(r => (long)r["id"]!).Order());
        var errors = Assert.Single(objects, o => o.Key.StartsWith("errors/format-conversion-failed/", StringComparison.Ordinal));
        var error = JsonNode.Parse(Lines([errors.Value]).Single())!;
        Assert.Equal(records[7], Encoding.UTF8.GetString(Convert.FromBase64String((string)error["rawData"]!)));
        Assert.NotNull(error["lastErrorMessage"]);
    }

    [Fact]
    public async Task Schemas_come_from_a_named_table_or_are_inferred_and_a_missing_table_fails_records_to_the_error_output()
    {
        await using var fixture = await EngineFixture.StartAsync();
        var tables = new Tributary.Formats.Json.TableDefinitionStore(Path.Combine(fixture.Root, "tables"));
        tables.Save(Tributary.Formats.Json.TableDefinition.ParseColumns("clicks", "user string, n int"));
        S3DestinationDefinition Parquet(S3DestinationDefinition d, FormatConversionDefinition conversion) => d with
        {
            Compression = CompressionFormat.Uncompressed,
            BufferSizeInMBs = 64,
            ErrorOutputPrefix = "errors/!{firehose:error-output-type}/",
            FormatConversion = conversion,
        };
        await fixture.Streams.CreateAsync(EngineFixture.DirectPut("named", d => Parquet(d, new FormatConversionDefinition { DatabaseName = "db", TableName = "clicks" }) with { Prefix = "named/" }));
        await fixture.Streams.CreateAsync(EngineFixture.DirectPut("inferred", d => Parquet(d, new FormatConversionDefinition()) with { Prefix = "inferred/" }));
        await fixture.Streams.CreateAsync(EngineFixture.DirectPut("missing", d => Parquet(d, new FormatConversionDefinition { TableName = "nope" }) with { Prefix = "missing/", ErrorOutputPrefix = "missing-errors/!{firehose:error-output-type}/" }));
        var rows = Enumerable.Range(0, 10).Select(i => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes($"{{\"user\":\"u{i}\",\"n\":{i}}}")).ToList();
        await fixture.Streams.PutAsync("named", rows);
        await fixture.Streams.PutAsync("inferred", [.. rows, Encoding.UTF8.GetBytes("[1,2]"), Encoding.UTF8.GetBytes("42")]);
        await fixture.Streams.PutAsync("missing", rows);
        await EngineFixture.WaitForAsync(async () =>
        {
            var keys = (await fixture.ObjectsAsync()).Keys;
            return keys.Any(k => k.StartsWith("named/", StringComparison.Ordinal)) && keys.Any(k => k.StartsWith("inferred/", StringComparison.Ordinal))
                && keys.Any(k => k.StartsWith("errors/format-conversion-failed/", StringComparison.Ordinal))
                && keys.Any(k => k.StartsWith("missing-errors/format-conversion-failed/", StringComparison.Ordinal));
        }, TimeSpan.FromSeconds(30), "the Parquet and error objects of three streams");
        var objects = await fixture.ObjectsAsync();
        foreach (var prefix in new[] { "named/", "inferred/" })
        {
            using var reader = new ParquetReader(new MemoryStream(objects.Single(o => o.Key.StartsWith(prefix, StringComparison.Ordinal)).Value));
            var read = reader.ReadRows().ToList();
            Assert.Equal(Enumerable.Range(0, 10).Select(i => $"u{i}"), read.Select(r => (string)r["user"]!).Order(StringComparer.Ordinal));
        }
        var inferredErrors = Lines([objects.Single(o => o.Key.StartsWith("errors/format-conversion-failed/", StringComparison.Ordinal)).Value]).ToList();
        Assert.Equal(["42", "[1,2]"], inferredErrors.Select(l => Encoding.UTF8.GetString(Convert.FromBase64String((string)JsonNode.Parse(l)!["rawData"]!))).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(objects.Keys, k => k.StartsWith("missing/", StringComparison.Ordinal));
        var missing = Lines([objects.Single(o => o.Key.StartsWith("missing-errors/", StringComparison.Ordinal)).Value]).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(10, missing.Count);
        Assert.All(missing, e => Assert.Equal("DataFormatConversion.InvalidSchema", (string)e["lastErrorCode"]!));
    }

    [Fact]
    public async Task The_streams_memory_bound_delivers_the_largest_buffer_early()
    {
        // 64 KiB for all buffers of the stream; hints of 1 MiB and 900 s would otherwise hold everything.
        await using var fixture = await EngineFixture.StartAsync(options: o => o with { MaxBufferedBytes = 64 * 1024 });
        await fixture.Streams.CreateAsync(EngineFixture.DirectPut("bounded", d => d with { BufferIntervalInSeconds = 900, Compression = CompressionFormat.Uncompressed }));
        var record = new string('x', 1000);
        await fixture.Streams.PutAsync("bounded", [.. Enumerable.Range(0, 300).Select(i => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes($"{i:D4}{record}\n"))]);
        await EngineFixture.WaitForAsync(async () => Lines((await fixture.ObjectsAsync()).Values).Count() >= 256, TimeSpan.FromSeconds(30), "objects delivered by the memory bound");
        var objects = await fixture.ObjectsAsync();
        Assert.All(objects.Values, o => Assert.InRange(o.Length, 64 * 1024, 64 * 1024 + 1005));
        Assert.True(objects.Count >= 4, $"{objects.Count} objects");
    }

    [Fact]
    public async Task With_S3BackupMode_Enabled_source_records_are_backed_up_as_they_arrived()
    {
        await using var fixture = await EngineFixture.StartAsync();
        await fixture.Streams.CreateAsync(EngineFixture.DirectPut("backed-up", d => d with
        {
            Compression = CompressionFormat.Uncompressed,
            Prefix = "data/",
            S3BackupMode = "Enabled",
            BackupBucketArn = "arn:aws:s3:::backups",
            BackupPrefix = "source/",
            BackupCompression = CompressionFormat.Gzip,
            Processing = new ProcessingDefinition { Enabled = true, Processors = [new ProcessorDefinition { Type = "AppendDelimiterToRecord" }] },
        }));
        await fixture.Streams.PutAsync("backed-up", [.. Enumerable.Range(0, 50).Select(i => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes($"r{i}|"))]);
        await EngineFixture.WaitForAsync(async () => (await fixture.ObjectsAsync()).Count > 0 && (await fixture.ObjectsAsync("backups")).Count > 0,
            TimeSpan.FromSeconds(30), "data and backup objects");
        var data = Lines((await fixture.ObjectsAsync()).Values).ToList();
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"r{i}|").Order(StringComparer.Ordinal), data.Order(StringComparer.Ordinal));
        var backups = await fixture.ObjectsAsync("backups");
        Assert.All(backups.Keys, k => Assert.Matches(@"^source/\d{4}/\d{2}/\d{2}/\d{2}/backed-up-1-.*\.gz$", k));
        // The backup holds the records as put: no delimiter added.
        var backedUp = string.Concat(backups.Values.Select(Encoding.UTF8.GetString)).Split('|', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"r{i}").Order(StringComparer.Ordinal), backedUp.Order(StringComparer.Ordinal));
        // Objects are visible before their checkpoint commits; the delivered counter moves with the commit.
        await EngineFixture.WaitForAsync(() => Task.FromResult(fixture.Streams.Describe("backed-up")!.Metrics.DeliveredRecords == 50),
            TimeSpan.FromSeconds(30), "DeliveredRecords == 50");
    }
}
