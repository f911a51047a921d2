using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Tributary.Aws;

namespace Tributary.Firehose.Api;

/// <summary>
/// Decodes the base64 Data of PutRecord's Record or PutRecordBatch's Records into one array per request (no
/// allocation per record): each record is a slice of it. Data is 0–1,024,000 bytes (ValidationException with AWS's
/// member path); bad base64 is a SerializationException with AWS's deserializer text.
/// </summary>
internal static class RecordReader
{
    /// <summary>Firehose's record limit: 1,000 KiB before base64 encoding.</summary>
    public const int MaxRecordBytes = 1_024_000;

    /// <summary>
    /// Reads the records of <paramref name="records"/> (objects with Data*); <paramref name="singlePath"/> is the member
    /// path of PutRecord's one record ("record"), null for PutRecordBatch ("records.N.member").
    /// </summary>
    public static ReadOnlyMemory<byte>[] Read(IReadOnlyList<JsonElement> records, string? singlePath, AwsValidation validation)
    {
        var capacity = 0;
        foreach (var record in records)
        {
            if (record.TryGetProperty("Data", out var data) && data.ValueKind == JsonValueKind.String)
            {
                capacity += Base64.GetMaxDecodedFromUtf8Length(JsonMarshal.GetRawUtf8Value(data).Length);
            }
        }
        var buffer = new byte[capacity];
        var result = new ReadOnlyMemory<byte>[records.Count];
        var offset = 0;
        for (var i = 0; i < records.Count; i++)
        {
            var path = singlePath ?? "records." + (i + 1).ToString(CultureInfo.InvariantCulture) + ".member";
            if (!records[i].TryGetProperty("Data", out var data) || data.ValueKind == JsonValueKind.Null)
            {
                validation.Add(null, path + ".data", "Member must not be null");
                continue;
            }
            if (data.ValueKind != JsonValueKind.String)
            {
                throw AwsRequestReader.WrongType("Data", "a base64 string", data);
            }
            var raw = JsonMarshal.GetRawUtf8Value(data);
            raw = raw.Length >= 2 ? raw[1..^1] : raw;
            int written;
            if (raw.IndexOf((byte)'\\') < 0)
            {
                if (Base64.DecodeFromUtf8(raw, buffer.AsSpan(offset), out _, out written) != OperationStatus.Done)
                {
                    throw AwsRequestReader.InvalidBase64(data.GetString()!);
                }
            }
            else if (data.TryGetBytesFromBase64(out var bytes))
            {
                bytes.CopyTo(buffer.AsSpan(offset));
                written = bytes.Length;
            }
            else
            {
                throw AwsRequestReader.InvalidBase64(data.GetString()!);
            }
            if (written > MaxRecordBytes)
            {
                validation.Add($"java.nio.HeapByteBuffer[pos=0 lim={written} cap={written}]", path + ".data", $"Member must have length less than or equal to {MaxRecordBytes}");
            }
            result[i] = buffer.AsMemory(offset, written);
            offset += written;
        }
        return result;
    }
}
