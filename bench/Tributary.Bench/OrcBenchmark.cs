using System.Diagnostics;
using System.Globalization;
using Tributary.Formats.Json;
using Tributary.Formats.Parquet.Metadata;
using Tributary.Formats.Parquet.Writer;
using Tributary.Orc.Json;
using Tributary.Orc.Metadata;
using Tributary.Orc.Writer;

namespace Tributary.Bench;

/// <summary>
/// JSON → ORC beside JSON → Parquet (our writer), the two DataFormatConversion serializers of a delivery stream, on
/// the same JSON records in the same run: a Firehose-style event (uuid, ids, low-cardinality strings, a timestamp, a
/// decimal, a nested struct, an array, a double, a boolean) converted through the same table definition and OpenX
/// SerDe, each into one in-memory file with Snappy and the serializers' defaults. Reports records/s and output bytes;
/// the reference is the Parquet figure (ratio = ORC / Parquet). Each figure is the median of --repeat runs.
/// </summary>
public static class OrcBenchmark
{
    private const string Columns = "event_id string, user_id bigint, event_type string, ts timestamp, price decimal(10,2), quantity int, country string, device struct<os:string,version:string>, tags array<string>, score double, active boolean";

    public static int Run(string[] args)
    {
        var records = 200_000;
        var repeat = 5;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--records": records = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--repeat": repeat = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
            }
        }
        var random = new Random(42);
        string[] types = ["view", "click", "purchase", "signup", "logout"];
        string[] countries = ["US", "DE", "FR", "JP", "BR", "IN", "GB"];
        string[] oses = ["ios", "android", "web"];
        var data = new byte[records][];
        long inputBytes = 0;
        for (var i = 0; i < records; i++)
        {
            var ts = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000 + (i * 37L)).ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);
            var json = $"{{\"event_id\":\"{Guid.NewGuid()}\",\"user_id\":{random.Next(1, 50_000)},\"event_type\":\"{types[random.Next(types.Length)]}\",\"ts\":\"{ts}\",\"price\":{random.Next(100, 100_000) / 100.0:0.00},\"quantity\":{random.Next(1, 10)},\"country\":\"{countries[random.Next(countries.Length)]}\",\"device\":{{\"os\":\"{oses[random.Next(oses.Length)]}\",\"version\":\"{random.Next(1, 15)}.{random.Next(10)}\"}},\"tags\":[\"t{random.Next(20)}\",\"t{random.Next(20)}\"],\"score\":{random.NextDouble() * 100:0.000},\"active\":{(random.Next(2) == 0 ? "true" : "false")}}}";
            data[i] = System.Text.Encoding.UTF8.GetBytes(json);
            inputBytes += data[i].Length;
        }
        var table = TableDefinition.ParseColumns("events", Columns);
        var serde = new JsonSerDeOptions();
        var orcRates = new List<double>();
        var parquetRates = new List<double>();
        long orcSize = 0, parquetSize = 0;
        for (var r = 0; r < repeat + 1; r++)
        {
            var (orcSeconds, orcBytes) = Time(() => WriteOrc(table, serde, data));
            var (parquetSeconds, parquetBytes) = Time(() => WriteParquet(table, serde, data));
            if (r == 0)
            {
                continue; // warm-up
            }
            orcRates.Add(records / orcSeconds);
            parquetRates.Add(records / parquetSeconds);
            orcSize = orcBytes;
            parquetSize = parquetBytes;
        }
        var note = $"{records} records, {inputBytes} JSON bytes, Snappy, serializer defaults";
        Report.Line("json-to-orc", "records_per_second", Report.Median(orcRates), "records/s", Report.Median(parquetRates), "json-to-parquet records/s", note);
        Report.Line("json-to-orc", "output_bytes", orcSize, "bytes", parquetSize, "json-to-parquet bytes", note);
        return 0;
    }

    private static (double Seconds, long Bytes) Time(Func<long> action)
    {
        GC.Collect();
        var watch = Stopwatch.StartNew();
        var bytes = action();
        return (watch.Elapsed.TotalSeconds, bytes);
    }

    private static long WriteOrc(TableDefinition table, JsonSerDeOptions serde, byte[][] data)
    {
        var output = new MemoryStream();
        using var writer = new OrcWriter(output, OrcSchemas.FromTable(table), new OrcWriterOptions { Compression = OrcCompression.Snappy }, leaveOpen: true);
        var converter = new JsonToOrcConverter(writer, serde);
        foreach (var record in data)
        {
            if (!converter.TryWriteRecord(record, out var rejection))
            {
                throw new InvalidOperationException(rejection!.ToString());
            }
        }
        writer.Complete();
        return output.Length;
    }

    private static long WriteParquet(TableDefinition table, JsonSerDeOptions serde, byte[][] data)
    {
        var output = new MemoryStream();
        using (var writer = new ParquetWriter(output, table.ToSchema(), new ParquetWriterOptions { Compression = CompressionCodec.Snappy, BackgroundFlush = false }, leaveOpen: true))
        {
            var converter = new JsonToParquetConverter(writer, serde);
            foreach (var record in data)
            {
                if (!converter.TryWriteRecord(record, out var rejection))
                {
                    throw new InvalidOperationException(rejection!.ToString());
                }
            }
            writer.Complete();
        }
        return output.Length;
    }
}
