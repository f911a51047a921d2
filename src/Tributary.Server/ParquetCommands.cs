using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tributary.Formats;
using Tributary.Formats.Json;
using Tributary.Formats.Parquet.Metadata;
using Tributary.Formats.Parquet.Reader;
using Tributary.Formats.Parquet.Schema;
using Tributary.Formats.Parquet.Writer;

namespace Tributary.Server;

/// <summary>The <c>tributary parquet</c> (inspect a file) and <c>tributary convert</c> (JSON lines → Parquet) commands.</summary>
public static class ParquetCommands
{
    public const string Usage = """
          parquet   Print a Parquet file: tributary parquet FILE [--schema] [--metadata] [--rows N]
                    (default: schema, metadata and the first 20 rows as JSON lines; --rows -1 prints all).
          convert   Convert JSON records to Parquet: tributary convert INPUT OUTPUT [options]
                    Schema (one of): --columns "name type, ..." (Hive types) | --table NAME [--tables DIR]
                      | --infer N (infer from the first N records; default 1000). --save-table NAME stores it.
                    --serde openx|hive  --case-sensitive  --dots-to-underscores  --map COLUMN=KEY (repeatable)
                    --timestamp-format PATTERN (hive; repeatable; 'millis' for epoch ms)
                    --compression snappy|gzip|zstd|none  --page-version 1|2  --row-group-mb N
                    --errors FILE (rejected records as JSON lines; default: print them to stderr)
        """;

    public static int Parquet(string[] args)
    {
        string? file = null;
        var schemaOnly = false;
        var metadataOnly = false;
        var rows = 20;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--schema": schemaOnly = true; break;
                case "--metadata": metadataOnly = true; break;
                case "--rows" when i + 1 < args.Length: rows = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default:
                    if (file is not null || args[i].StartsWith("--", StringComparison.Ordinal))
                    {
                        return UsageError($"unexpected argument '{args[i]}'");
                    }
                    file = args[i];
                    break;
            }
        }
        if (file is null)
        {
            return UsageError("parquet needs a FILE");
        }
        try
        {
            using var reader = ParquetReader.Open(file);
            var all = !schemaOnly && !metadataOnly;
            if (schemaOnly || all)
            {
                Console.Write(reader.Schema.ToString());
            }
            if (metadataOnly || all)
            {
                PrintMetadata(reader);
            }
            if (all && rows != 0)
            {
                var printed = 0;
                foreach (var row in reader.ReadRows())
                {
                    if (rows >= 0 && printed++ >= rows)
                    {
                        break;
                    }
                    Console.WriteLine(ToJson(row)?.ToJsonString());
                }
            }
            return 0;
        }
        catch (Exception e) when (e is ParquetFormatException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"tributary parquet: {file}: {e.Message}");
            return 1;
        }
    }

    private static void PrintMetadata(ParquetReader reader)
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

    public static int Convert(string[] args)
    {
        var positional = new List<string>();
        string? columns = null, table = null, tablesDirectory = null, errorsFile = null, saveTable = null;
        var infer = 0;
        var serde = JsonSerDeKind.OpenX;
        var caseInsensitive = true;
        var dots = false;
        var mappings = new Dictionary<string, string>(StringComparer.Ordinal);
        var timestampFormats = new List<string>();
        var writerOptions = new ParquetWriterOptions();
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--columns": columns = Next(); break;
                    case "--table": table = Next(); break;
                    case "--tables": tablesDirectory = Next(); break;
                    case "--infer": infer = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--save-table": saveTable = Next(); break;
                    case "--serde": serde = Next().ToLowerInvariant() switch { "openx" => JsonSerDeKind.OpenX, "hive" => JsonSerDeKind.Hive, var s => throw new ArgumentException($"unknown serde '{s}'") }; break;
                    case "--case-sensitive": caseInsensitive = false; break;
                    case "--dots-to-underscores": dots = true; break;
                    case "--map":
                        {
                            var pair = Next().Split('=', 2);
                            if (pair.Length != 2)
                            {
                                throw new ArgumentException("--map expects COLUMN=KEY");
                            }
                            mappings[pair[0]] = pair[1];
                            break;
                        }
                    case "--timestamp-format": timestampFormats.Add(Next()); break;
                    case "--compression":
                        writerOptions = writerOptions with
                        {
                            Compression = Next().ToLowerInvariant() switch
                            {
                                "snappy" => CompressionCodec.Snappy,
                                "gzip" => CompressionCodec.Gzip,
                                "zstd" => CompressionCodec.Zstd,
                                "none" or "uncompressed" => CompressionCodec.Uncompressed,
                                var s => throw new ArgumentException($"unknown compression '{s}'"),
                            },
                        };
                        break;
                    case "--page-version": writerOptions = writerOptions with { DataPageVersion = int.Parse(Next(), CultureInfo.InvariantCulture) }; break;
                    case "--row-group-mb": writerOptions = writerOptions with { RowGroupSizeBytes = long.Parse(Next(), CultureInfo.InvariantCulture) * 1024 * 1024 }; break;
                    case "--errors": errorsFile = Next(); break;
                    default:
                        if (args[i].StartsWith("--", StringComparison.Ordinal))
                        {
                            throw new ArgumentException($"unknown option '{args[i]}'");
                        }
                        positional.Add(args[i]);
                        break;
                }
            }
            if (positional.Count != 2)
            {
                throw new ArgumentException("convert needs INPUT and OUTPUT");
            }
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            return UsageError(e.Message);
        }
        var (input, output) = (positional[0], positional[1]);
        try
        {
            var store = new TableDefinitionStore(tablesDirectory ?? Path.Combine("data", "tables"));
            ParquetSchema schema;
            if (columns is not null)
            {
                schema = TableDefinition.ParseColumns("cli", columns).ToSchema();
            }
            else if (table is not null)
            {
                schema = store.Load(table).ToSchema();
            }
            else
            {
                var inference = new SchemaInference();
                using (var sample = new StreamReader(input))
                {
                    inference.AddLines(sample, infer > 0 ? infer : 1000);
                }
                schema = inference.ToSchema();
                Console.Error.WriteLine($"inferred from {inference.Records} records:");
                Console.Error.Write(schema.ToString());
            }
            if (saveTable is not null)
            {
                store.Save(TableDefinition.FromSchema(saveTable, schema));
            }
            var serdeOptions = new JsonSerDeOptions
            {
                Kind = serde,
                CaseInsensitive = caseInsensitive,
                ConvertDotsInJsonKeysToUnderscores = dots,
                ColumnToJsonKeyMappings = mappings.Count > 0 ? mappings : null,
                TimestampFormats = timestampFormats.Count > 0 ? timestampFormats : null,
            };
            var stopwatch = Stopwatch.StartNew();
            using var errors = errorsFile is null ? null : new StreamWriter(errorsFile);
            ConversionResult result;
            using (var file = ParquetFile.Create(output, schema, writerOptions))
            {
                using var source = new FileStream(input, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
                var converter = new JsonToParquetConverter(file.Writer, serdeOptions);
                result = converter.Convert(source, rejected =>
                {
                    var line = new JsonObject
                    {
                        ["recordNumber"] = rejected.RecordNumber,
                        ["field"] = rejected.Field,
                        ["reason"] = rejected.Reason,
                        ["record"] = System.Text.Encoding.UTF8.GetString(rejected.Record),
                    }.ToJsonString();
                    if (errors is not null)
                    {
                        errors.WriteLine(line);
                    }
                    else
                    {
                        Console.Error.WriteLine("rejected: " + line);
                    }
                });
                file.Complete();
            }
            var seconds = stopwatch.Elapsed.TotalSeconds;
            Console.WriteLine(new JsonObject
            {
                ["records"] = result.Records,
                ["written"] = result.Written,
                ["rejected"] = result.Rejected,
                ["input_bytes"] = result.InputBytes,
                ["output_bytes"] = new FileInfo(output).Length,
                ["seconds"] = Math.Round(seconds, 3),
                ["mb_per_second"] = Math.Round(result.InputBytes / 1e6 / Math.Max(seconds, 1e-9), 1),
                ["peak_working_set_mb"] = Math.Round(Process.GetCurrentProcess().PeakWorkingSet64 / 1e6, 1),
            }.ToJsonString());
            return result.Rejected > 0 ? 3 : 0;
        }
        catch (Exception e) when (e is ParquetFormatException or IOException or UnauthorizedAccessException or JsonException)
        {
            Console.Error.WriteLine($"tributary convert: {e.Message}");
            return 1;
        }
    }

    /// <summary>Splits "a int, b map&lt;string,int&gt;" into columns, keeping commas inside angle brackets and parentheses.</summary>

    private static int UsageError(string message)
    {
        Console.Error.WriteLine("tributary: " + message);
        Console.Error.WriteLine(Usage);
        return 2;
    }
}
