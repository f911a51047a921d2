using System.Text.Json;
using Tributary.Delivery.Dialect;
using Tributary.Firehose.Model;
using Tributary.Firehose.Processing;
using Tributary.Formats;
using Tributary.Formats.Json;
using Tributary.Formats.Parquet.Metadata;
using Tributary.Formats.Parquet.Schema;
using Tributary.Formats.Parquet.Writer;

namespace Tributary.Firehose.Objects;

/// <summary>
/// DataFormatConversionConfiguration as an encoder: the records (JSON) as one Parquet file, with the schema from a
/// named table, the inline column list or inferred from the object's own records, and OpenX or Hive SerDe behaviour.
/// Records the converter rejects fail as format-conversion-failed and are returned for the error output. Contents
/// depend only on the records, so a rebuilt object is byte-identical. Stateless between calls.
/// </summary>
internal sealed class ParquetObjectEncoder(FormatConversionDefinition conversion, string tablesDirectory) : IObjectEncoder<ProcessedRecord>
{
    /// <summary>
    /// The records as one Parquet file. Records the converter rejects are returned as format-conversion-failed error
    /// records (the caller writes them to the error output in the same step).
    /// </summary>
    public EncodedObject<ProcessedRecord> Write(Stream output, string key, IReadOnlyList<ProcessedRecord> records)
    {
        ParquetSchema schema;
        try
        {
            schema = Schema(records);
        }
        catch (ParquetFormatException e)
        {
            // No usable schema (a missing or invalid table, nothing to infer from): every record fails conversion.
            foreach (var record in records)
            {
                record.Fail(ErrorOutputTypes.FormatConversionFailed, "DataFormatConversion.InvalidSchema", e.Message);
            }
            return new(0, 0, [.. records]);
        }
        var options = new ParquetWriterOptions
        {
            Compression = conversion.ParquetCompression switch
            {
                "GZIP" => CompressionCodec.Gzip,
                "UNCOMPRESSED" => CompressionCodec.Uncompressed,
                _ => CompressionCodec.Snappy,
            },
            RowGroupSizeBytes = conversion.ParquetBlockSizeBytes,
            PageSizeBytes = conversion.ParquetPageSizeBytes,
            EnableDictionary = conversion.EnableDictionaryCompression,
            DataPageVersion = conversion.WriterVersion == "V2" ? 2 : 1,
            BackgroundFlush = false,
        };
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
        using (var writer = new ParquetWriter(output, schema, options, leaveOpen: true))
        {
            var converter = new JsonToParquetConverter(writer, serde);
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
            writer.Complete();
        }
        return new(rows, bytes, rejected);
    }

    /// <summary>AppendDelimiterToRecord's newline is not part of the JSON document.</summary>
    private static ReadOnlySpan<byte> TrimDelimiter(byte[] data)
    {
        var span = data.AsSpan();
        while (span.Length > 0 && span[^1] is (byte)'\n' or (byte)'\r')
        {
            span = span[..^1];
        }
        return span;
    }

    /// <summary>The named table (tables directory, TableName.json), the inline column list, or inferred from the records.</summary>
    private ParquetSchema Schema(IReadOnlyList<ProcessedRecord> records)
    {
        if (conversion.TableName is { } table)
        {
            return new TableDefinitionStore(tablesDirectory).Load(table).ToSchema();
        }
        if (conversion.InlineSchema is { } inline)
        {
            return TableDefinition.ParseColumns("inline", inline).ToSchema();
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
        return inference.ToSchema();
    }
}
