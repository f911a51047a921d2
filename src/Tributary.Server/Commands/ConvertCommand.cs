using System.CommandLine;
using System.CommandLine.Parsing;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tributary.Formats;
using Tributary.Formats.Json;
using Tributary.Formats.Parquet.Metadata;
using Tributary.Formats.Parquet.Schema;
using Tributary.Formats.Parquet.Writer;

namespace Tributary.Server.Commands;

/// <summary>
/// <c>tributary convert INPUT OUTPUT</c>: JSON records (one per line) to Parquet, through the same converter as
/// Firehose's record format conversion. Exit codes: 0 all written, 3 some records rejected, 1 an input, schema or
/// output error.
/// </summary>
internal static class ConvertCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("INPUT") { Description = "JSON records, one per line." };
        var output = new Argument<string>("OUTPUT") { Description = "The Parquet file to write." };
        var columns = new Option<string>("--columns") { Description = "The schema as Hive columns: \"name type, ...\".", HelpName = "COLUMNS" };
        var table = new Option<string>("--table") { Description = "The schema of a stored table (see --tables, --save-table).", HelpName = "NAME" };
        var tables = new Option<string>("--tables") { Description = "Where tables are stored (default: data/tables).", HelpName = "DIR" };
        var infer = new Option<int>("--infer") { Description = "Infer the schema from the first N records (the default, with N = 1000).", HelpName = "N" };
        var saveTable = new Option<string>("--save-table") { Description = "Store the schema used as table NAME.", HelpName = "NAME" };
        var serde = new Option<JsonSerDeKind?>("--serde")
        {
            Description = "How JSON is read: openx (OpenX JSON SerDe, the default) or hive (Hive JSON SerDe).",
            HelpName = "openx|hive",
            CustomParser = ParseSerDe,
        };
        var caseSensitive = new Option<bool>("--case-sensitive") { Description = "Match JSON keys to columns case-sensitively.", Arity = ArgumentArity.Zero };
        var dots = new Option<bool>("--dots-to-underscores") { Description = "Read JSON key a.b as column a_b (OpenX).", Arity = ArgumentArity.Zero };
        var map = new Option<string[]>("--map") { Description = "Read column COLUMN from JSON key KEY; repeatable.", HelpName = "COLUMN=KEY" };
        map.Validators.Add(ValidateMappings);
        var timestampFormats = new Option<string[]>("--timestamp-format")
        {
            Description = "A timestamp pattern (Hive SerDe; 'millis' for epoch milliseconds); repeatable.",
            HelpName = "PATTERN",
        };
        var compression = new Option<CompressionCodec?>("--compression")
        {
            Description = "Page compression: snappy (the default), gzip, zstd or none.",
            HelpName = "snappy|gzip|zstd|none",
            CustomParser = ParseCompression,
        };
        var pageVersion = new Option<int?>("--page-version")
        {
            Description = "Data page version, 1 or 2.",
            HelpName = "1|2",
            CustomParser = result => (int?)ParseInRange(result, 1, 2),
        };
        var rowGroupMb = new Option<long?>("--row-group-mb")
        {
            Description = "Row group size in MiB (default 64).",
            HelpName = "N",
            CustomParser = result => ParseInRange(result, 1, 1024 * 1024),
        };
        var errors = new Option<string>("--errors") { Description = "Write rejected records as JSON lines to FILE (default: to stderr).", HelpName = "FILE" };

        var command = new Command("convert", "Convert JSON records (one per line) to Parquet.");
        foreach (var argument in new Argument[] { input, output })
        {
            command.Add(argument);
        }

        foreach (var option in new Option[] { columns, table, tables, infer, saveTable, serde, caseSensitive, dots, map, timestampFormats, compression, pageVersion, rowGroupMb, errors })
        {
            command.Add(option);
        }

        command.SetAction(result =>
        {
            var writerOptions = new ParquetWriterOptions();
            writerOptions = writerOptions with
            {
                Compression = result.GetValue(compression) ?? writerOptions.Compression,
                DataPageVersion = result.GetValue(pageVersion) ?? writerOptions.DataPageVersion,
                RowGroupSizeBytes = result.GetValue(rowGroupMb) is { } megabytes ? megabytes * 1024 * 1024 : writerOptions.RowGroupSizeBytes,
            };

            var mappings = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in result.GetValue(map) ?? [])
            {
                var equals = pair.IndexOf('=');
                mappings[pair[..equals]] = pair[(equals + 1)..];
            }

            var serdeOptions = new JsonSerDeOptions
            {
                Kind = result.GetValue(serde) ?? JsonSerDeKind.OpenX,
                CaseInsensitive = !result.GetValue(caseSensitive),
                ConvertDotsInJsonKeysToUnderscores = result.GetValue(dots),
                ColumnToJsonKeyMappings = mappings.Count > 0 ? mappings : null,
                TimestampFormats = result.GetValue(timestampFormats) is { Length: > 0 } formats ? formats : null,
            };
            var request = new Request(
                result.GetValue(input)!,
                result.GetValue(output)!,
                result.GetValue(columns),
                result.GetValue(table),
                result.GetValue(tables),
                result.GetValue(infer),
                result.GetValue(saveTable),
                result.GetValue(errors));
            return Run(request, serdeOptions, writerOptions);
        });
        return command;
    }

    private sealed record Request(string Input, string Output, string? Columns, string? Table, string? TablesDirectory, int Infer, string? SaveTable, string? ErrorsFile);

    private static JsonSerDeKind? ParseSerDe(ArgumentResult result)
    {
        switch (result.Tokens[0].Value.ToLowerInvariant())
        {
            case "openx":
                return JsonSerDeKind.OpenX;
            case "hive":
                return JsonSerDeKind.Hive;
            default:
                result.AddError($"--serde must be openx or hive, not '{result.Tokens[0].Value}'.");
                return null;
        }
    }

    private static CompressionCodec? ParseCompression(ArgumentResult result)
    {
        switch (result.Tokens[0].Value.ToLowerInvariant())
        {
            case "snappy":
                return CompressionCodec.Snappy;
            case "gzip":
                return CompressionCodec.Gzip;
            case "zstd":
                return CompressionCodec.Zstd;
            case "none" or "uncompressed":
                return CompressionCodec.Uncompressed;
            default:
                result.AddError($"--compression must be snappy, gzip, zstd or none, not '{result.Tokens[0].Value}'.");
                return null;
        }
    }

    /// <summary>An integer option's value, or an error naming the option and the range.</summary>
    private static long? ParseInRange(ArgumentResult result, long min, long max)
    {
        var text = result.Tokens[0].Value;
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        var option = result.Parent is OptionResult parent ? parent.Option.Name : "the value";
        result.AddError($"{option} must be an integer between {min} and {max}, not '{text}'.");
        return null;
    }

    private static void ValidateMappings(OptionResult result)
    {
        foreach (var token in result.Tokens)
        {
            if (token.Value.IndexOf('=') <= 0)
            {
                result.AddError($"--map expects COLUMN=KEY, got '{token.Value}'.");
                return;
            }
        }
    }

    private static int Run(Request request, JsonSerDeOptions serdeOptions, ParquetWriterOptions writerOptions)
    {
        var (input, output) = (request.Input, request.Output);
        try
        {
            var store = new TableDefinitionStore(request.TablesDirectory ?? Path.Combine("data", "tables"));
            ParquetSchema schema;
            if (request.Columns is not null)
            {
                schema = TableDefinition.ParseColumns("cli", request.Columns).ToSchema();
            }
            else if (request.Table is not null)
            {
                schema = store.Load(request.Table).ToSchema();
            }
            else
            {
                var inference = new SchemaInference();
                using (var sample = new StreamReader(input))
                {
                    inference.AddLines(sample, request.Infer > 0 ? request.Infer : 1000);
                }
                schema = inference.ToSchema();
                Console.Error.WriteLine($"inferred from {inference.Records} records:");
                Console.Error.Write(schema.ToString());
            }
            if (request.SaveTable is not null)
            {
                store.Save(TableDefinition.FromSchema(request.SaveTable, schema));
            }
            var stopwatch = Stopwatch.StartNew();
            using var errors = request.ErrorsFile is null ? null : new StreamWriter(request.ErrorsFile);
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
}
