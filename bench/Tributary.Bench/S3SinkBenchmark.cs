using System.Diagnostics;
using System.IO.Compression;
using Tributary.Connect.Data;
using Tributary.Connect.Json;
using Tributary.Connect.S3;
using Tributary.Connect.Sink;
using Tributary.Formats.Parquet.Metadata;
using Tributary.Formats.Parquet.Schema;
using Tributary.Formats.Parquet.Writer;
using ParquetField = Tributary.Formats.Parquet.Schema.Field;

namespace Tributary.Bench;

/// <summary>
/// The S3 sink path in-process: an <see cref="S3SinkTask"/> (DefaultPartitioner, local object directory, the engine's
/// exactly-once protocol) is handed Struct records of 4 partitions in batches of 1,000, as the worker's put does; the
/// time from the first put until preCommit reports every offset durable gives records/s. References, on the same
/// records in the same run: for JsonFormat with gzip, the same JSON lines (the converter's bytes) through GZipStream
/// at the same level, in 64 KiB blocks, into one file with an fsync every 5 MiB; for ParquetFormat (snappy), the same rows through the same Parquet writer
/// into one file — the codec alone, what <c>tributary convert</c> costs without the sink.
/// </summary>
public static class S3SinkBenchmark
{
    private const int Partitions = 4;
    private const int BatchRecords = 1000;

    public static async Task<int> RunAsync(string[] args)
    {
        var records = 400_000;
        var repeat = 3;
        var directory = "/tmp/tributary-s3sink-bench";
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
                    Console.Error.WriteLine("usage: Tributary.Bench s3sink [--records N] [--repeat N] [--dir DIR]");
                    return 2;
            }
        }
        records -= records % (Partitions * 5);
        var schema = SchemaBuilder.Struct().Field("user", Schema.String).Field("n", Schema.Int64).Field("pad", Schema.String).Build();
        var pad = new string('p', 60);
        var sinkRecords = Enumerable.Range(0, records)
            .Select(i => new SinkRecord("events", i % Partitions, null, null, schema, new Struct(schema).Put("user", "u" + (i % 10)).Put("n", (long)i).Put("pad", pad), i / Partitions))
            .ToArray();
        var converter = new JsonConverter();
        converter.Configure(new Dictionary<string, string> { ["schemas.enable"] = "false", ["converter.type"] = "value" });
        var converting = Stopwatch.StartNew();
        var lines = sinkRecords.Select(r => converter.FromConnectData(r.Topic, r.Headers, r.ValueSchema, r.Value)!).ToArray();
        var conversion = converting.Elapsed.TotalSeconds;
        var bytes = lines.Sum(l => (long)l.Length + 1);
        // JsonFormat converts each Struct to its JSON line on the put thread: work the gzip reference does not do.
        Console.Error.WriteLine($"{records} records, {bytes / 1e6:F1} MB of JSON lines; converting them took {conversion:F2} s ({records / conversion:F0} records/s, first run, JIT included)");
        (string Name, string Format)[] cases = [("json_gzip", "io.confluent.connect.s3.format.json.JsonFormat"), ("parquet_snappy", "io.confluent.connect.s3.format.parquet.ParquetFormat")];
        foreach (var (name, format) in cases)
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
                reference.Add(format.Contains("json", StringComparison.Ordinal) ? GzipReference(directory, lines) : ParquetReference(directory, sinkRecords));
                var gc = GcCounts.Now();
                ours.Add(await SinkAsync(directory, sinkRecords, format));
                Console.Error.WriteLine($"{name} run {run}: tributary {ours[^1]:F0} records/s ({GcCounts.Since(gc)}), reference {reference[^1]:F0} records/s");
            }
            var referenceName = format.Contains("json", StringComparison.Ordinal)
                ? "GZipStream (Optimal, the sink's default level) fed 64 KiB blocks to one file, fsync every 5 MiB, same JSON lines"
                : "ParquetWriter (snappy) to one file, same rows";
            Report.Line($"s3sink_{name}", "records_per_second", Report.Median(ours), "records/s", Report.Median(reference), referenceName,
                $"median of {repeat}; {records} Struct records (~{bytes / records} B as JSON) of 4 partitions put in batches of {BatchRecords} to an S3SinkTask writing a local directory, flush.size {records / Partitions / 5}, exactly-once protocol included; MB/s = records/s x {bytes / (double)records / 1e6:F6}");
        }
        Directory.Delete(directory, recursive: true);
        return 0;
    }

    /// <summary>The same JSON lines, newline-terminated, fed to GZipStream (the sink's level) in 64 KiB blocks, its fastest use.</summary>
    private static double GzipReference(string directory, byte[][] lines)
    {
        var path = Path.Combine(directory, "reference.json.gz");
        var stopwatch = Stopwatch.StartNew();
        using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            using (var gzip = new GZipStream(file, CompressionLevel.Optimal, leaveOpen: true))
            {
                var block = new byte[64 * 1024];
                var filled = 0;
                long sinceSync = 0;
                foreach (var line in lines)
                {
                    if (filled + line.Length + 1 > block.Length)
                    {
                        gzip.Write(block, 0, filled);
                        filled = 0;
                    }
                    line.CopyTo(block, filled);
                    block[filled + line.Length] = (byte)'\n';
                    filled += line.Length + 1;
                    sinceSync += line.Length + 1;
                    if (sinceSync >= 5 * 1024 * 1024)
                    {
                        gzip.Write(block, 0, filled);
                        filled = 0;
                        gzip.Flush();
                        file.Flush(flushToDisk: true);
                        sinceSync = 0;
                    }
                }
                gzip.Write(block, 0, filled);
            }
            file.Flush(flushToDisk: true);
        }
        var seconds = stopwatch.Elapsed.TotalSeconds;
        File.Delete(path);
        return lines.Length / seconds;
    }

    private static double ParquetReference(string directory, SinkRecord[] records)
    {
        var path = Path.Combine(directory, "reference.parquet");
        var schema = new ParquetSchema([ParquetField.String("user", required: true), ParquetField.Int64("n", required: true), ParquetField.String("pad", required: true)]);
        var stopwatch = Stopwatch.StartNew();
        using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            using var writer = new ParquetWriter(file, schema, new ParquetWriterOptions { Compression = CompressionCodec.Snappy, BackgroundFlush = false }, leaveOpen: true);
            foreach (var record in records)
            {
                var value = (Struct)record.Value!;
                writer.WriteRow(new Dictionary<string, object?>(3, StringComparer.Ordinal) { ["user"] = value.Get("user"), ["n"] = value.Get("n"), ["pad"] = value.Get("pad") });
            }
            writer.Complete();
            file.Flush(flushToDisk: true);
        }
        var seconds = stopwatch.Elapsed.TotalSeconds;
        File.Delete(path);
        return records.Length / seconds;
    }

    private static async Task<double> SinkAsync(string directory, SinkRecord[] records, string format)
    {
        var task = new S3SinkTask();
        await task.StartAsync(new Dictionary<string, string>
        {
            ["name"] = "bench",
            ["topics"] = "events",
            ["s3.bucket.name"] = "bench",
            ["storage.class"] = "io.confluent.connect.s3.storage.S3Storage",
            ["store.url"] = new Uri(Path.Combine(directory, "objects") + "/").AbsoluteUri,
            ["format.class"] = format,
            ["s3.compression.type"] = format.Contains("json", StringComparison.Ordinal) ? "gzip" : "none",
            ["parquet.codec"] = "snappy",
            ["flush.size"] = (records.Length / Partitions / 5).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["tributary.state.dir"] = Path.Combine(directory, "state"),
        }, CancellationToken.None);
        Directory.CreateDirectory(Path.Combine(directory, "objects", "bench"));
        var last = Enumerable.Range(0, Partitions).ToDictionary(p => new TopicPartition("events", p), p => new OffsetAndMetadata(records.Length / Partitions));
        var stopwatch = Stopwatch.StartNew();
        for (var start = 0; start < records.Length; start += BatchRecords)
        {
            await task.PutAsync(new ArraySegment<SinkRecord>(records, start, Math.Min(BatchRecords, records.Length - start)), CancellationToken.None);
        }
        while (true)
        {
            var durable = await task.PreCommitAsync(last, CancellationToken.None);
            if (durable.Count == Partitions && durable.All(d => d.Value.Offset >= records.Length / Partitions))
            {
                break;
            }
            await Task.Delay(5);
        }
        var seconds = stopwatch.Elapsed.TotalSeconds;
        await task.StopAsync();
        return records.Length / seconds;
    }
}
