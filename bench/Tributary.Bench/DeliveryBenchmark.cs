using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Tributary.Broker;
using Tributary.Delivery.Compression;
using Tributary.Firehose.Model;
using Tributary.Firehose.Streams;
using Tributary.ObjectStores;
using Tributary.Protocol.Records;

namespace Tributary.Bench;

/// <summary>
/// Delivery-stream throughput in-process: a topic of the embedded broker (4 partitions) is filled with ~100-byte JSON
/// records, then a delivery stream reads it from the start and writes objects to a local directory; the time from
/// creating the stream until every record is in a durable object gives records/s. References, on the same bytes in
/// the same run: the same compression written straight to a file (GZipStream, fsync every 5 MiB) for GZIP, and plain
/// file writes (fsync every 5 MiB) for UNCOMPRESSED — what the simplest possible pipeline costs.
/// Cases: raw GZIP, raw UNCOMPRESSED, and GZIP with dynamic partitioning by a jq query.
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
        (string Name, CompressionFormat Compression, bool Partitioned)[] cases =
        [
            ("gzip", CompressionFormat.Gzip, false),
            ("uncompressed", CompressionFormat.Uncompressed, false),
            ("gzip_jq_partitioned", CompressionFormat.Gzip, true),
        ];
        foreach (var (name, compression, partitioned) in cases)
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
                reference.Add(Reference(directory, lines, compression));
                ours.Add(await DeliverAsync(directory, lines, compression, partitioned));
                Console.Error.WriteLine($"{name} run {run}: tributary {ours[^1]:F0} records/s, reference {reference[^1]:F0} records/s");
            }
            var value = Report.Median(ours);
            var referenceValue = Report.Median(reference);
            var referenceName = compression == CompressionFormat.Gzip ? "GZipStream to one file, fsync every 5 MiB, same records" : "FileStream writes, fsync every 5 MiB, same records";
            Report.Line($"delivery_{name}", "records_per_second", value, "records/s", referenceValue, referenceName,
                $"median of {repeat}; {records} records of ~{bytes / records} B from a 4-partition topic to a local directory, exactly-once protocol included; MB/s = records/s x {bytes / (double)records / 1e6:F6}");
        }
        Directory.Delete(directory, recursive: true);
        return 0;
    }

    /// <summary>The simplest pipeline over the same bytes: compress (or not) into one file, fsync every 5 MiB written.</summary>
    private static double Reference(string directory, byte[][] lines, CompressionFormat compression)
    {
        var path = Path.Combine(directory, "reference.out");
        var stopwatch = Stopwatch.StartNew();
        using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            Stream output = compression == CompressionFormat.Gzip ? new GZipStream(file, CompressionLevel.Optimal, leaveOpen: true) : file;
            long sinceSync = 0;
            foreach (var line in lines)
            {
                output.Write(line);
                sinceSync += line.Length;
                if (sinceSync >= 5 * 1024 * 1024)
                {
                    output.Flush();
                    file.Flush(flushToDisk: true);
                    sinceSync = 0;
                }
            }
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

    private static async Task<double> DeliverAsync(string directory, byte[][] lines, CompressionFormat compression, bool partitioned)
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
