using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Tributary.Aws;
using Tributary.Foundation.Buffers;

namespace Tributary.Kinesis;

/// <summary>
/// Reads the records of PutRecord/PutRecords into a payload buffer and <see cref="PutEntry"/> slots without a
/// heap allocation per record: the base64 Data is decoded straight from the request's UTF-8 bytes, the partition
/// key is copied as UTF-8, its MD5 computed on the stack. Validation follows AWS (partition key 1–256
/// characters, data up to the stream's MaxRecordSizeInKiB, ExplicitHashKey pattern and range), collecting
/// ValidationException messages with AWS's member paths.
/// </summary>
internal static class PutRecordReader
{
    /// <summary>
    /// Fills <paramref name="entry"/> from one record object: PutRecord's body (<paramref name="index"/> -1) or
    /// PutRecords' record <paramref name="index"/> (member paths "records.N.member.…", built only for errors).
    /// </summary>
    public static void Read(JsonElement record, PooledBufferWriter payload, ref PutEntry entry, int maxDataBytes, int index, AwsValidation validation)
    {
        var path = new MemberPath(index);
        entry = default;
        var hasData = record.TryGetProperty("Data", out var data) && data.ValueKind != JsonValueKind.Null;
        var hasKey = record.TryGetProperty("PartitionKey", out var key) && key.ValueKind != JsonValueKind.Null;
        if (!hasData)
        {
            validation.Add(null, path + "data", "Member must not be null");
        }
        else if (data.ValueKind != JsonValueKind.String)
        {
            throw AwsRequestReader.WrongType("Data", "a base64 string", data);
        }
        if (!hasKey)
        {
            validation.Add(null, path + "partitionKey", "Member must not be null");
        }
        else if (key.ValueKind != JsonValueKind.String)
        {
            throw AwsRequestReader.WrongType("PartitionKey", "a string", key);
        }
        if (hasKey)
        {
            entry.KeyStart = payload.WrittenCount;
            var raw = Unquoted(key);
            if (raw.IndexOf((byte)'\\') < 0)
            {
                payload.GetSpan(raw.Length);
                raw.CopyTo(payload.GetSpan(raw.Length));
                payload.Advance(raw.Length);
                entry.KeyLength = raw.Length;
            }
            else
            {
                var text = key.GetString()!;
                var length = Encoding.UTF8.GetByteCount(text);
                Encoding.UTF8.GetBytes(text, payload.GetSpan(length));
                payload.Advance(length);
                entry.KeyLength = length;
            }
            var keySpan = payload.WrittenSpan.Slice(entry.KeyStart, entry.KeyLength);
            var characters = Encoding.UTF8.GetCharCount(keySpan);
            if (characters is < 1 or > 256)
            {
                validation.Add(Encoding.UTF8.GetString(keySpan), path + "partitionKey", characters < 1 ? "Member must have length greater than or equal to 1" : "Member must have length less than or equal to 256");
            }
            entry.HashKey = HashKey.FromPartitionKey(keySpan);
        }
        if (hasData)
        {
            entry.DataStart = payload.WrittenCount;
            var raw = Unquoted(data);
            int written;
            if (raw.IndexOf((byte)'\\') < 0)
            {
                var status = Base64.DecodeFromUtf8(raw, payload.GetSpan(Base64.GetMaxDecodedFromUtf8Length(raw.Length)), out _, out written);
                if (status != OperationStatus.Done)
                {
                    throw AwsRequestReader.InvalidBase64(data.GetString()!);
                }
            }
            else if (data.TryGetBytesFromBase64(out var bytes))
            {
                bytes.CopyTo(payload.GetSpan(bytes.Length));
                written = bytes.Length;
            }
            else
            {
                throw AwsRequestReader.InvalidBase64(data.GetString()!);
            }
            payload.Advance(written);
            entry.DataLength = written;
            if (written > maxDataBytes)
            {
                validation.Add($"java.nio.HeapByteBuffer[pos=0 lim={written} cap={written}]", path + "data", $"Member must have length less than or equal to {maxDataBytes}");
            }
        }
        if (record.TryGetProperty("ExplicitHashKey", out var explicitKey) && explicitKey.ValueKind != JsonValueKind.Null)
        {
            if (explicitKey.ValueKind != JsonValueKind.String)
            {
                throw AwsRequestReader.WrongType("ExplicitHashKey", "a string", explicitKey);
            }
            var text = explicitKey.GetString()!;
            if (!KinesisOperation.HashKeyRegex().IsMatch(text))
            {
                validation.Add(text, path + "explicitHashKey", "Member must satisfy regular expression pattern: " + KinesisOperation.HashKeyPattern);
            }
            else if (!HashKey.TryParse(text, out var explicitHash))
            {
                throw AwsErrorException.InvalidArgument($"Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was {text}");
            }
            else
            {
                entry.HashKey = explicitHash;
            }
        }
    }

    /// <summary>The raw UTF-8 of a JSON string value, without its quotes (escapes, if any, still in place).</summary>
    private static ReadOnlySpan<byte> Unquoted(JsonElement value)
    {
        var raw = JsonMarshal.GetRawUtf8Value(value);
        return raw.Length >= 2 ? raw[1..^1] : raw;
    }

    /// <summary>The AWS member path prefix of a record, as a value that formats only when an error needs it.</summary>
    private readonly struct MemberPath(int index)
    {
        public static string operator +(MemberPath path, string member) =>
            path.Index < 0 ? member : "records." + (path.Index + 1).ToString(CultureInfo.InvariantCulture) + ".member." + member;

        private int Index => index;

        public override string ToString() => this + "";
    }
}
