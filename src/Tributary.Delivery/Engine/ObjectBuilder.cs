using System.Text.Json;
using Tributary.Delivery.Compression;
using Tributary.Delivery.Model;
using Tributary.Delivery.Processing;
using Tributary.Formats;
using Tributary.Formats.Json;

using Tributary.Formats.Parquet.Metadata;
using Tributary.Formats.Parquet.Schema;
using Tributary.Formats.Parquet.Writer;
using CompressionFormat = Tributary.Delivery.Model.CompressionFormat;

namespace Tributary.Delivery.Engine;

/// <summary>
/// Writes the bytes of one object into a spool file and fsyncs it: records as they are (after processing) through
/// the destination's compression, records converted to Parquet, or error records as newline-delimited JSON in
/// Firehose's error-record shapes. Contents depend only on the records, so a rebuilt object is byte-identical.
/// </summary>
internal sealed class ObjectBuilder(DeliveryStreamDefinition definition, string tablesDirectory)
{
    private readonly S3DestinationDefinition _destination = definition.Destination;

    public bool ConvertsToParquet => _destination.FormatConversion is { Enabled: true };

    /// <summary>Records concatenated, compressed as the destination says. Returns the data bytes written.</summary>
    public long WriteRaw(string path, string entryName, IReadOnlyList<ProcessedRecord> records, CompressionFormat compression)
    {
        long bytes = 0;
        using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            using (var output = ObjectCompression.CreateWriter(compression, file, new ObjectCompressionOptions { LeaveOpen = true, ZipEntryName = entryName }))
            {
                foreach (var record in records)
                {
                    output.Write(record.Data);
                    bytes += record.Data.Length;
                }
            }
            file.Flush(flushToDisk: true);
        }
        return bytes;
    }

    /// <summary>
    /// The records as one Parquet file. Records the converter rejects are returned as format-conversion-failed error
    /// records (the caller writes them to the error output in the same step).
    /// </summary>
    public (long Bytes, long Rows, List<ProcessedRecord> Rejected) WriteParquet(string path, IReadOnlyList<ProcessedRecord> records)
    {
        var conversion = _destination.FormatConversion!;
        ParquetSchema schema;
        try
        {
            schema = Schema(conversion, records);
        }
        catch (ParquetFormatException e)
        {
            // No usable schema (a missing or invalid table, nothing to infer from): every record fails conversion.
            foreach (var record in records)
            {
                record.Fail(ErrorOutputTypes.FormatConversionFailed, "DataFormatConversion.InvalidSchema", e.Message);
            }
            return (0, 0, [.. records]);
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
        using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            using (var writer = new ParquetWriter(file, schema, options, leaveOpen: true))
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
            file.Flush(flushToDisk: true);
        }
        return (bytes, rows, rejected);
    }

    /// <summary>Error records as newline-delimited JSON (Firehose's processing-failed / format-conversion-failed shapes).</summary>
    public long WriteErrors(string path, string entryName, IReadOnlyList<ProcessedRecord> records, string? lambdaArn, CompressionFormat compression)
    {
        long bytes = 0;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            using (var output = ObjectCompression.CreateWriter(compression, file, new ObjectCompressionOptions { LeaveOpen = true, ZipEntryName = entryName }))
            {
                using var json = new Utf8JsonWriter(output);
                foreach (var record in records)
                {
                    WriteErrorRecord(json, record, now, lambdaArn);
                    json.Flush();
                    output.WriteByte((byte)'\n');
                    json.Reset();
                    bytes += record.RawData.Length;
                }
            }
            file.Flush(flushToDisk: true);
        }
        return bytes;
    }

    private void WriteErrorRecord(Utf8JsonWriter json, ProcessedRecord record, long now, string? lambdaArn)
    {
        json.WriteStartObject();
        json.WriteNumber("attemptsMade", record.Attempts);
        json.WriteNumber("arrivalTimestamp", record.Source.ArrivalMs);
        if (record.ErrorOutputType == ErrorOutputTypes.FormatConversionFailed)
        {
            json.WriteString("lastErrorCode", record.ErrorCode);
            json.WriteString("lastErrorMessage", record.ErrorMessage);
            json.WriteNumber("attemptEndingTimestamp", now);
            json.WriteBase64String("rawData", record.Data);
            json.WriteString("sequenceNumber", record.Source.Offset.ToString(System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("subSequenceNumber", record.SubSequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var conversion = _destination.FormatConversion;
            json.WriteStartObject("dataCatalogTable");
            json.WriteString("catalogId", conversion?.CatalogId);
            json.WriteString("databaseName", conversion?.DatabaseName);
            json.WriteString("tableName", conversion?.TableName);
            json.WriteString("region", conversion?.Region);
            json.WriteString("versionId", conversion?.VersionId ?? "LATEST");
            json.WriteEndObject();
        }
        else
        {
            json.WriteString("errorCode", record.ErrorCode);
            json.WriteString("errorMessage", record.ErrorMessage);
            json.WriteNumber("attemptEndingTimestamp", now);
            json.WriteBase64String("rawData", record.RawData);
            if (lambdaArn is not null)
            {
                json.WriteString("lambdaArn", lambdaArn);
            }
        }
        json.WriteEndObject();
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
    private ParquetSchema Schema(FormatConversionDefinition conversion, IReadOnlyList<ProcessedRecord> records)
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
