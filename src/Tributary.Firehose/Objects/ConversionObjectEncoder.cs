using System.Text.Json;
using Tributary.Delivery.Dialect;
using Tributary.Firehose.Model;
using Tributary.Firehose.Processing;
using Tributary.Formats;
using Tributary.Formats.Json;

namespace Tributary.Firehose.Objects;

/// <summary>
/// DataFormatConversionConfiguration as an encoder, whatever the output serializer (<see cref="ParquetObjectEncoder"/>,
/// <see cref="OrcObjectEncoder"/>): the records (JSON) as one file, with the schema from a named table, the inline column
/// list or inferred from the object's own records, and the OpenX or Hive SerDe's behaviours. Without a usable schema
/// every record fails conversion; records the converter rejects fail as format-conversion-failed and are returned for
/// the error output (the caller writes them in the same step). Contents depend only on the records, so a rebuilt object
/// is byte-identical. Stateless between calls.
/// </summary>
internal abstract class ConversionObjectEncoder<TSchema>(FormatConversionDefinition conversion, ITableSchemas tables) : IObjectEncoder<ProcessedRecord>
{
    protected FormatConversionDefinition Conversion => conversion;

    public EncodedObject<ProcessedRecord> Write(Stream output, string key, IReadOnlyList<ProcessedRecord> records)
    {
        TSchema schema;
        try
        {
            schema = Schema(records);
        }
        catch (Exception e) when (IsSchemaError(e))
        {
            // No usable schema (a missing or invalid table, nothing to infer from): every record fails conversion.
            foreach (var record in records)
            {
                record.Fail(ErrorOutputTypes.FormatConversionFailed, "DataFormatConversion.InvalidSchema", e.Message);
            }
            return new(0, 0, [.. records]);
        }
        var serde = new JsonSerDeOptions
        {
            Kind = conversion.InputSerDe == "HiveJsonSerDe" ? JsonSerDeKind.Hive : JsonSerDeKind.OpenX,
            CaseInsensitive = conversion.CaseInsensitive,
            ConvertDotsInJsonKeysToUnderscores = conversion.ConvertDotsInJsonKeysToUnderscores,
            ColumnToJsonKeyMappings = conversion.ColumnToJsonKeyMappings.Count > 0 ? conversion.ColumnToJsonKeyMappings.ToDictionary(p => p.Key, p => p.Value) : null,
            TimestampFormats = conversion.TimestampFormats.Count > 0 ? conversion.TimestampFormats : null,
        };
        var rejected = new List<ProcessedRecord>();
        long bytes = 0;
        long rows = 0;
        WriteFile(output, schema, serde, converter =>
        {
            foreach (var record in records)
            {
                if (converter.TryWriteRecord(TrimDelimiter(record.Data), out var rejection))
                {
                    bytes += record.Data.Length;
                    rows++;
                }
                else
                {
                    record.Fail(ErrorOutputTypes.FormatConversionFailed, "DataFormatConversion.MalformedData", rejection?.ToString() ?? "The record could not be converted.");
                    rejected.Add(record);
                }
            }
        });
        return new(rows, bytes, rejected);
    }

    /// <summary>The serializer's schema for a table definition.</summary>
    protected abstract TSchema FromTable(TableDefinition table);

    /// <summary>The serializer's schema inferred from the object's records.</summary>
    protected abstract TSchema FromInference(SchemaInference inference);

    /// <summary>Whether an exception while making the schema means "no usable schema" (rather than a bug).</summary>
    protected virtual bool IsSchemaError(Exception error) => error is ParquetFormatException;

    /// <summary>
    /// Opens a file on <paramref name="output"/> (left open), lets <paramref name="writeRecords"/> convert the records
    /// into it, then completes the file.
    /// </summary>
    protected abstract void WriteFile(Stream output, TSchema schema, JsonSerDeOptions serde, Action<IJsonRecordConverter> writeRecords);

    /// <summary>AppendDelimiterToRecord's newline is not part of the JSON document.</summary>
    private static ReadOnlySpan<byte> TrimDelimiter(ReadOnlyMemory<byte> data)
    {
        var span = data.Span;
        while (span.Length > 0 && span[^1] is (byte)'\n' or (byte)'\r')
        {
            span = span[..^1];
        }
        return span;
    }

    /// <summary>The named table or registry subject (SchemaConfiguration, resolved by <see cref="ITableSchemas"/>), the inline column list, or inferred from the records.</summary>
    private TSchema Schema(IReadOnlyList<ProcessedRecord> records)
    {
        if (conversion.RegistrySubject is { } subject)
        {
            return FromTable(tables.ResolveSubject(subject, conversion.VersionId));
        }
        if (conversion.TableName is { } table)
        {
            return FromTable(tables.Resolve(conversion.DatabaseName ?? "default", table, conversion.VersionId, conversion.CatalogId));
        }
        if (conversion.InlineSchema is { } inline)
        {
            return FromTable(TableDefinition.ParseColumns("inline", inline));
        }
        var inference = new SchemaInference();
        foreach (var record in records)
        {
            try
            {
                inference.Add(TrimDelimiter(record.Data));
            }
            catch (Exception e) when (e is JsonException or ParquetFormatException)
            {
                // Malformed records (or JSON that is not an object) are rejected by the converter and go to the error output.
            }
        }
        return FromInference(inference);
    }
}
