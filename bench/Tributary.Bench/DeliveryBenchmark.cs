using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Tributary.Broker;
using Tributary.Delivery.Compression;
using Tributary.Firehose.Model;
using Tributary.Firehose.Streams;
using Tributary.Formats.Json;
using Tributary.Formats.Parquet.Writer;
using Tributary.ObjectStores;
using Tributary.Protocol.Records;

namespace Tributary.Bench;

/// <summary>
/// Delivery-stream throughput in-process: a topic of the embedded broker (4 partitions) is filled with ~100-byte JSON
/// records, then a delivery stream reads it from the start and writes objects to a local directory; the time from
/// creating the stream until every record is in a durable object gives records/s. References, on the same bytes in
/// the same run: the same compression at the same level written straight to a file (GZipStream fed 64 KiB blocks of
/// the concatenated records, its fastest use; fsync every 5 MiB) for GZIP, plain file writes (fsync every 5 MiB) for
/// UNCOMPRESSED — what the simplest possible pipeline costs — and for Parquet what <c>tributary convert</c> runs
/// (JsonToParquetConverter over the JSON lines, the same schema and ParquetSerDe defaults: snappy, dictionary, V1).
/// Cases: raw GZIP, raw UNCOMPRESSED, GZIP with dynamic partitioning by a jq query, and record format conversion to
/// Parquet (BufferSizeInMBs 64, Firehose's minimum with conversion).
/// </summary>
public static class DeliveryBenchmark
{
    private const int Partitions = 4;
    private const int BatchRecords = 1000;

    public static async Task<int> RunAsync(string[] args)
    {
        var records = 1_000_000;
        var repeat = 3;
        var directory = "/tmp/tributary-delivery-bench";
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--records":
                    records = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "--repeat":
                    repeat = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "--dir":
                    directory = args[++i];
                    break;
                default:
                    Console.Error.WriteLine("usage: Tributary.Bench delivery [--records N] [--repeat N] [--dir DIR]");
                    return 2;
            }
        }
        var lines = Enumerable.Range(0, records).Select(i => Encoding.UTF8.GetBytes($"{{\"user\":\"u{i % 10}\",\"n\":{i},\"pad\":\"{new string('p', 60)}\"}}\n")).ToArray();
        var bytes = lines.Sum(l => (long)l.Length);
        Console.Error.WriteLine($"{records} records, {bytes / 1e6:F1} MB of JSON lines");
        (string Name, CompressionFormat Compression, bool Partitioned, bool Parquet)[] cases =
        [
            ("gzip", CompressionFormat.Gzip, false, false),
            ("uncompressed", CompressionFormat.Uncompressed, false, false),
            ("gzip_jq_partitioned", CompressionFormat.Gzip, true, false),
            ("parquet", CompressionFormat.Uncompressed, false, true),
        ];
        foreach (var (name, compression, partitioned, parquet) in cases)
        {
            var ours = new List<double>();
            var reference = new List<double>();
            for (var run = 0; run < repeat; run++)
            {
                if (Directory.Exists(directory))
                {
                    Directory.Delete(directory, recursive: true);
                }
                Directory.CreateDirectory(directory);
                reference.Add(parquet ? ParquetReference(directory, lines) : Reference(directory, lines, compression));
                var gc = GcCounts.Now();
                ours.Add(await DeliverAsync(directory, lines, compression, partitioned, parquet));
                Console.Error.WriteLine($"{name} run {run}: tributary {ours[^1]:F0} records/s ({GcCounts.Since(gc)}), reference {reference[^1]:F0} records/s");
            }
            var value = Report.Median(ours);
            var referenceValue = Report.Median(reference);
            var referenceName = parquet ? "JsonToParquetConverter (tributary convert) to one file, same JSON lines, same schema and writer options"
                : compression == CompressionFormat.Gzip ? "GZipStream (Optimal) fed 64 KiB blocks to one file, fsync every 5 MiB, same records"
                : "FileStream writes, fsync every 5 MiB, same records";
            Report.Line($"delivery_{name}", "records_per_second", value, "records/s", referenceValue, referenceName,
                $"median of {repeat}; {records} records of ~{bytes / records} B from a 4-partition topic to a local directory, exactly-once protocol included; MB/s = records/s x {bytes / (double)records / 1e6:F6}");
        }
        Directory.Delete(directory, recursive: true);
        return 0;
    }

    /// <summary>
    /// The simplest pipeline over the same bytes: compress (or not) into one file, fsync every 5 MiB written. The codec
    /// is fed 64 KiB blocks of the concatenated records (a deflater call per record would cost it more).
    /// </summary>
    private static double Reference(string directory, byte[][] lines, CompressionFormat compression)
    {
        var path = Path.Combine(directory, "reference.out");
        var stopwatch = Stopwatch.StartNew();
        using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            Stream output = compression == CompressionFormat.Gzip ? new GZipStream(file, CompressionLevel.Optimal, leaveOpen: true) : file;
            var block = new byte[64 * 1024];
            var filled = 0;
            long sinceSync = 0;
            foreach (var line in lines)
            {
                if (filled + line.Length > block.Length)
                {
                    output.Write(block, 0, filled);
                    filled = 0;
                }
                line.CopyTo(block, filled);
                filled += line.Length;
                sinceSync += line.Length;
                if (sinceSync >= 5 * 1024 * 1024)
                {
                    output.Write(block, 0, filled);
                    filled = 0;
                    output.Flush();
                    file.Flush(flushToDisk: true);
                    sinceSync = 0;
                }
            }
            output.Write(block, 0, filled);
            if (output != file)
            {
                output.Dispose();
            }
            file.Flush(flushToDisk: true);
        }
        var seconds = stopwatch.Elapsed.TotalSeconds;
        File.Delete(path);
        return lines.Length / seconds;
    }

    /// <summary>The Hive columns of the records, as the Parquet case's inline schema and the reference's.</summary>
    private const string Columns = "user string, n bigint, pad string";

    /// <summary>
    /// What <c>tributary convert</c> does with the same JSON lines: JsonToParquetConverter (OpenX SerDe, case-insensitive)
    /// into one Parquet file with ParquetSerDe's defaults (snappy, 256 MiB blocks, 1 MiB pages, dictionary, V1), then fsync.
    /// </summary>
    private static double ParquetReference(string directory, byte[][] lines)
    {
        var path = Path.Combine(directory, "reference.parquet");
        var input = new MemoryStream(lines.Sum(l => l.Length));
        foreach (var line in lines)
        {
            input.Write(line);
        }
        input.Position = 0;
        var stopwatch = Stopwatch.StartNew();
        using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            var options = new ParquetWriterOptions
            {
                Compression = Tributary.Formats.Parquet.Metadata.CompressionCodec.Snappy,
                RowGroupSizeBytes = 256 * 1024 * 1024,
                PageSizeBytes = 1024 * 1024,
                EnableDictionary = true,
                DataPageVersion = 1,
                BackgroundFlush = false,
            };
            using var writer = new ParquetWriter(file, TableDefinition.ParseColumns("bench", Columns).ToSchema(), options, leaveOpen: true);
            var result = new JsonToParquetConverter(writer, new JsonSerDeOptions { Kind = JsonSerDeKind.OpenX, CaseInsensitive = true }).Convert(input);
            writer.Complete();
            file.Flush(flushToDisk: true);
            if (result.Written != lines.Length)
            {
                throw new InvalidOperationException($"the reference converted {result.Written} of {lines.Length} records");
            }
        }
        var seconds = stopwatch.Elapsed.TotalSeconds;
        File.Delete(path);
        return lines.Length / seconds;
    }

    private static async Task<double> DeliverAsync(string directory, byte[][] lines, CompressionFormat compression, bool partitioned, bool parquet)
    {
        await using var broker = await Tributary.Broker.Broker.OpenAsync(new BrokerOptions { DataDirectory = Path.Combine(directory, "data") });
        broker.CreateTopic("events", Partitions, null);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (var start = 0; start < lines.Length; start += BatchRecords)
        {
            using var builder = new RecordBatchBuilder(now);
            for (var i = start; i < Math.Min(lines.Length, start + BatchRecords); i++)
            {
                // The newline is the delimiter of the objects; records carry it as Firehose users' JSON lines do.
                builder.Append(now, default, lines[i], hasKey: false);
            }
            await broker.ProduceAsync("events", start / BatchRecords % Partitions, builder.ToArray(new BatchOptions()), Acks.Leader);
        }
        var store = new LocalDirectoryStore(Path.Combine(directory, "objects"));
        await using var streams = DeliveryStreams.Open(broker, store, new DeliveryOptions
        {
            Directory = Path.Combine(directory, "data", "__cluster", "delivery"),
            TablesDirectory = Path.Combine(directory, "tables"),
        }, NullLoggerFactory.Instance);
        streams.StartAll();
        var destination = new S3DestinationDefinition
        {
            BucketArn = "arn:aws:s3:::bench",
            Compression = compression,
            BufferIntervalInSeconds = 60,
        };
        if (parquet)
        {
            destination = destination with
            {
                BufferSizeInMBs = 64,
                FormatConversion = new FormatConversionDefinition { InlineSchema = Columns },
            };
        }
        if (partitioned)
        {
            destination = destination with
            {
                DynamicPartitioning = true,
                Prefix = "user=!{partitionKeyFromQuery:user}/",
                ErrorOutputPrefix = "errors/!{firehose:error-output-type}/",
                Processing = new ProcessingDefinition
                {
                    Enabled = true,
                    Processors = [new ProcessorDefinition { Type = "MetadataExtraction", Parameters = [new("MetadataExtractionQuery", "{user: .user}"), new("JsonParsingEngine", "JQ-1.6")] }],
                },
            };
        }
        var stopwatch = Stopwatch.StartNew();
        await streams.CreateAsync(new DeliveryStreamDefinition
        {
            Name = "bench",
            Type = DeliveryStreamType.MSKAsSource,
            KafkaSource = new KafkaSourceDefinition { ClusterArn = "arn:aws:kafka:us-east-1:000000000000:cluster/tributary/bench", TopicName = "events", ReadFromTimestamp = DateTimeOffset.FromUnixTimeMilliseconds(0) },
            Destination = destination,
        });
        // Everything read, then the remaining buffers go at the interval: the update drains them at once instead.
        while (streams.Describe("bench")!.Metrics.IncomingRecords < lines.Length)
        {
            await Task.Delay(10);
        }
        var current = streams.Describe("bench")!.Definition;
        await streams.UpdateDestinationAsync("bench", current.VersionId, current.Destination.DestinationId, d => d);
        while (streams.Describe("bench")!.Metrics.DeliveredRecords < lines.Length)
        {
            await Task.Delay(10);
        }
        var seconds = stopwatch.Elapsed.TotalSeconds;
        return lines.Length / seconds;
    }
}
