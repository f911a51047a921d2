using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Tributary.Formats;
using Tributary.Formats.Parquet.Reader;

namespace Tributary.Server.Commands;

/// <summary><c>tributary parquet FILE</c>: prints a Parquet file's schema, metadata and rows.</summary>
internal sealed class ParquetCommand : FilePrintCommand<ParquetReader>
{
    public static Command Create() => new ParquetCommand().Build();

    protected override string Name => "parquet";

    protected override string Format => "Parquet";

    protected override string MetadataDescription => "row groups and column chunks with encodings, sizes and statistics.";

    protected override ParquetReader Open(string file) => ParquetReader.Open(file);

    protected override void PrintSchema(ParquetReader reader) => Console.Write(reader.Schema.ToString());

    protected override IEnumerable<string?> Rows(ParquetReader reader) => reader.ReadRows().Select(row => ToJson(row)?.ToJsonString());

    protected override bool IsFormatError(Exception error) => error is ParquetFormatException;

    protected override void PrintMetadata(ParquetReader reader)
    {
        var m = reader.Metadata;
        Console.WriteLine($"created_by: {m.CreatedBy}");
        Console.WriteLine($"version: {m.Version}, rows: {m.NumRows}, row groups: {m.RowGroups.Count}, columns: {reader.Schema.Columns.Count}");
        foreach (var keyValue in m.KeyValueMetadata ?? [])
        {
            Console.WriteLine($"key_value: {keyValue.Key} = {keyValue.Value}");
        }
        for (var g = 0; g < m.RowGroups.Count; g++)
        {
            var group = m.RowGroups[g];
            Console.WriteLine($"row group {g}: {group.NumRows} rows, {group.TotalByteSize} bytes uncompressed, {group.TotalCompressedSize} compressed");
            for (var c = 0; c < group.Columns.Count; c++)
            {
                var meta = group.Columns[c].MetaData;
                var column = reader.Schema.Columns[c];
                var stats = meta.Statistics;
                var min = stats is null ? null : ParquetReader.DecodeStatistic(column, stats.MinValue);
                var max = stats is null ? null : ParquetReader.DecodeStatistic(column, stats.MaxValue);
                Console.WriteLine($"  {string.Join('.', meta.PathInSchema)}: {meta.Type} {meta.Codec} [{string.Join(", ", meta.Encodings)}] values {meta.NumValues}, {meta.TotalCompressedSize}/{meta.TotalUncompressedSize} bytes, nulls {stats?.NullCount}, min {Show(min)}, max {Show(max)}");
            }
        }
    }

    private static string Show(object? value) => value switch
    {
        null => "-",
        byte[] bytes => "0x" + System.Convert.ToHexString(bytes),
        DateTime t => t.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture) + (t.Kind == DateTimeKind.Utc ? "Z" : ""),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>A row value as JSON: bytes as base64, timestamps ISO-8601, decimals as exact numbers, maps as objects.</summary>
    internal static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        bool b => JsonValue.Create(b),
        int or long or uint or ulong or float or double or decimal => JsonNode.Parse(System.Convert.ToString(value, CultureInfo.InvariantCulture) is var text && (text == "NaN" || text!.Contains("Infinity", StringComparison.Ordinal)) ? $"\"{text}\"" : text),
        string s => JsonValue.Create(s),
        byte[] bytes => JsonValue.Create(System.Convert.ToBase64String(bytes)),
        DateTime t => JsonValue.Create(t.ToString(t.Kind == DateTimeKind.Utc ? "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'" : "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture)),
        DateOnly d => JsonValue.Create(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        Guid g => JsonValue.Create(g.ToString()),
        Dictionary<string, object?> fields => new JsonObject(fields.Select(f => KeyValuePair.Create(f.Key, ToJson(f.Value)))),
        List<KeyValuePair<object, object?>> map => new JsonObject(map.Select(e => KeyValuePair.Create(System.Convert.ToString(e.Key, CultureInfo.InvariantCulture)!, ToJson(e.Value)))),
        List<object?> items => new JsonArray(items.Select(ToJson).ToArray()),
        _ => JsonValue.Create(value.ToString()),
    };

}
