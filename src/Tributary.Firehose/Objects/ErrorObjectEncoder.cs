using System.Text.Json;
using Tributary.Delivery.Compression;
using Tributary.Delivery.Dialect;
using Tributary.Firehose.Model;
using Tributary.Firehose.Processing;

namespace Tributary.Firehose.Objects;

/// <summary>
/// Error records as newline-delimited JSON in Firehose's shapes — processing-failed:
/// <c>{attemptsMade, arrivalTimestamp, errorCode, errorMessage, attemptEndingTimestamp, rawData, lambdaArn}</c>;
/// format-conversion-failed: <c>{attemptsMade, arrivalTimestamp, lastErrorCode, lastErrorMessage,
/// attemptEndingTimestamp, rawData, sequenceNumber, subSequenceNumber, dataCatalogTable{…}}</c> — through the error
/// output's compression. Stateless between calls.
/// </summary>
internal sealed class ErrorObjectEncoder(CompressionFormat compression, string? lambdaArn, FormatConversionDefinition? conversion) : IObjectEncoder<ProcessedRecord>
{
    /// <summary>Bytes counts the records' raw data.</summary>
    public EncodedObject<ProcessedRecord> Write(Stream output, string key, IReadOnlyList<ProcessedRecord> records)
    {
        long bytes = 0;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using (var writer = ObjectCompression.CreateWriter(compression, output, new ObjectCompressionOptions { LeaveOpen = true, ZipEntryName = ObjectCompression.ZipEntryName(key) }))
        {
            using var json = new Utf8JsonWriter(writer);
            foreach (var record in records)
            {
                WriteErrorRecord(json, record, now);
                json.Flush();
                writer.WriteByte((byte)'\n');
                json.Reset();
                bytes += record.RawData.Length;
            }
        }
        return new(records.Count, bytes, []);
    }

    private void WriteErrorRecord(Utf8JsonWriter json, ProcessedRecord record, long now)
    {
        json.WriteStartObject();
        json.WriteNumber("attemptsMade", record.Attempts);
        json.WriteNumber("arrivalTimestamp", record.Source.ArrivalMs);
        if (record.ErrorOutputType == ErrorOutputTypes.FormatConversionFailed)
        {
            json.WriteString("lastErrorCode", record.ErrorCode);
            json.WriteString("lastErrorMessage", record.ErrorMessage);
            json.WriteNumber("attemptEndingTimestamp", now);
            json.WriteBase64String("rawData", record.Data.Span);
            json.WriteString("sequenceNumber", record.Source.Offset.ToString(System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("subSequenceNumber", record.SubSequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
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
            json.WriteBase64String("rawData", record.RawData.Span);
            if (lambdaArn is not null)
            {
                json.WriteString("lambdaArn", lambdaArn);
            }
        }
        json.WriteEndObject();
    }
}
