using System.Text.Json;
using Tributary.Delivery.Dialect;
using Tributary.Firehose.Model;
using Tributary.Firehose.Processing;
using Tributary.Formats;
using Tributary.Formats.Json;
using Tributary.Orc;
using Tributary.Orc.Json;
using Tributary.Orc.Metadata;
using Tributary.Orc.Writer;

namespace Tributary.Firehose.Objects;

/// <summary>
/// DataFormatConversionConfiguration with OrcSerDe as an encoder: the records (JSON) as one ORC file, with the schema
/// from a named table, the inline column list or inferred from the object's own records (the same table definitions
/// and OpenX/Hive SerDe behaviours as <see cref="ParquetObjectEncoder"/>). Records the converter rejects fail as
/// format-conversion-failed and are returned for the error output. Contents depend only on the records, so a rebuilt
/// object is byte-identical. Stateless between calls.
/// </summary>
internal sealed class OrcObjectEncoder(FormatConversionDefinition conversion, string tablesDirectory) : IObjectEncoder<ProcessedRecord>
{
    public EncodedObject<ProcessedRecord> Write(Stream output, string key, IReadOnlyList<ProcessedRecord> records)
    {
        TypeDescription schema;
        try
        {
            schema = OrcSchemas.FromTable(Table(records));
        }
        catch (Exception e) when (e is ParquetFormatException or OrcFormatException)
        {
            foreach (var record in records)
            {
                record.Fail(ErrorOutputTypes.FormatConversionFailed, "DataFormatConversion.InvalidSchema", e.Message);
            }
            return new(0, 0, [.. records]);
        }
        var options = Options(conversion);
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
        using (var writer = new OrcWriter(output, schema, options, leaveOpen: true))
        {
            var converter = new JsonToOrcConverter(writer, serde);
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

    /// <summary>OrcSerDe's settings as writer options.</summary>
    internal static OrcWriterOptions Options(FormatConversionDefinition conversion) => new()
    {
        Compression = conversion.OrcCompression switch
        {
            "NONE" => OrcCompression.None,
            "ZLIB" => OrcCompression.Zlib,
            _ => OrcCompression.Snappy,
        },
        StripeSizeBytes = conversion.OrcStripeSizeBytes,
        BlockSizeBytes = conversion.OrcBlockSizeBytes,
        RowIndexStride = conversion.OrcRowIndexStride,
        EnablePadding = conversion.OrcEnablePadding,
        PaddingTolerance = conversion.OrcPaddingTolerance,
        BloomFilterColumns = conversion.OrcBloomFilterColumns,
        BloomFilterFalsePositiveProbability = conversion.OrcBloomFilterFalsePositiveProbability,
        DictionaryKeyThreshold = conversion.OrcDictionaryKeyThreshold ?? new OrcWriterOptions().DictionaryKeyThreshold,
        FormatVersion = conversion.OrcFormatVersion == "V0_11" ? OrcFormatVersion.V0_11 : OrcFormatVersion.V0_12,
    };

    private static ReadOnlySpan<byte> TrimDelimiter(byte[] data)
    {
        var span = data.AsSpan();
        while (span.Length > 0 && span[^1] is (byte)'\n' or (byte)'\r')
        {
            span = span[..^1];
        }
        return span;
    }

    /// <summary>The named table, the inline column list, or a table inferred from the records.</summary>
    private TableDefinition Table(IReadOnlyList<ProcessedRecord> records)
    {
        if (conversion.TableName is { } table)
        {
            return new TableDefinitionStore(tablesDirectory).Load(table);
        }
        if (conversion.InlineSchema is { } inline)
        {
            return TableDefinition.ParseColumns("inline", inline);
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
                // Malformed records are rejected by the converter and go to the error output.
            }
        }
        return inference.ToTable("inferred");
    }
}
