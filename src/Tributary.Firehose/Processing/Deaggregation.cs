using System.Security.Cryptography;
using System.Text.Json;

namespace Tributary.Firehose.Processing;

/// <summary>
/// Splitting one source record into several: KPL aggregated records (magic <c>F3 89 9A C2</c>, a protobuf
/// AggregatedRecord, then the MD5 of the protobuf bytes), concatenated JSON objects (RecordDeAggregation with
/// SubRecordType JSON) and delimited records (SubRecordType DELIMITED with a base64 Delimiter).
/// </summary>
public static class Deaggregation
{
    private static ReadOnlySpan<byte> KplMagic => [0xF3, 0x89, 0x9A, 0xC2];

    /// <summary>
    /// The user records of a KPL aggregated record, or null when <paramref name="data"/> is not one (no magic, a bad
    /// checksum or a malformed protobuf: such a record is delivered as it is, as the KCL does).
    /// </summary>
    public static List<byte[]>? TryKpl(byte[] data)
    {
        const int DigestLength = 16;
        if (data.Length < KplMagic.Length + DigestLength || !data.AsSpan().StartsWith(KplMagic))
        {
            return null;
        }
        var message = data.AsSpan(KplMagic.Length, data.Length - KplMagic.Length - DigestLength);
        Span<byte> digest = stackalloc byte[DigestLength];
        MD5.HashData(message, digest);
        if (!digest.SequenceEqual(data.AsSpan(data.Length - DigestLength)))
        {
            return null;
        }
        var records = new List<byte[]>();
        var position = 0;
        while (position < message.Length)
        {
            if (!TryReadVarint(message, ref position, out var tag))
            {
                return null;
            }
            var field = (int)(tag >> 3);
            var wire = (int)(tag & 7);
            if (wire == 2)
            {
                if (!TryReadVarint(message, ref position, out var length) || length > (ulong)(message.Length - position))
                {
                    return null;
                }
                var payload = message.Slice(position, (int)length);
                position += (int)length;
                if (field == 3 && !TryRecordData(payload, records))
                {
                    return null;
                }
            }
            else if (!TrySkip(message, ref position, wire))
            {
                return null;
            }
        }
        return records;
    }

    /// <summary>Record{1: partition_key_index, 2: explicit_hash_key_index, 3: data, 4: tags}: takes field 3.</summary>
    private static bool TryRecordData(ReadOnlySpan<byte> record, List<byte[]> into)
    {
        var position = 0;
        byte[] data = [];
        while (position < record.Length)
        {
            if (!TryReadVarint(record, ref position, out var tag))
            {
                return false;
            }
            var wire = (int)(tag & 7);
            if (wire == 2)
            {
                if (!TryReadVarint(record, ref position, out var length) || length > (ulong)(record.Length - position))
                {
                    return false;
                }
                if (tag >> 3 == 3)
                {
                    data = record.Slice(position, (int)length).ToArray();
                }
                position += (int)length;
            }
            else if (!TrySkip(record, ref position, wire))
            {
                return false;
            }
        }
        into.Add(data);
        return true;
    }

    private static bool TrySkip(ReadOnlySpan<byte> buffer, ref int position, int wire)
    {
        switch (wire)
        {
            case 0:
                return TryReadVarint(buffer, ref position, out _);
            case 1:
                position += 8;
                return position <= buffer.Length;
            case 5:
                position += 4;
                return position <= buffer.Length;
            default:
                return false;
        }
    }

    private static bool TryReadVarint(ReadOnlySpan<byte> buffer, ref int position, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= buffer.Length)
            {
                return false;
            }
            var b = buffer[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Concatenated JSON values (optionally separated by whitespace), each as its own record; null when not valid JSON.</summary>
    public static List<byte[]>? TrySplitJson(byte[] data)
    {
        var records = new List<byte[]>();
        var reader = new Utf8JsonReader(data, new JsonReaderOptions { AllowMultipleValues = true });
        try
        {
            while (reader.Read())
            {
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                var end = (int)reader.BytesConsumed;
                records.Add(data[start..end]);
            }
        }
        catch (JsonException)
        {
            return null;
        }
        return records;
    }

    /// <summary>Splits on <paramref name="delimiter"/>; an empty trailing part (a final delimiter) is not a record.</summary>
    public static List<byte[]> SplitDelimited(byte[] data, byte[] delimiter)
    {
        var records = new List<byte[]>();
        var rest = data.AsSpan();
        while (true)
        {
            var at = delimiter.Length == 0 ? -1 : rest.IndexOf(delimiter);
            if (at < 0)
            {
                if (rest.Length > 0)
                {
                    records.Add(rest.ToArray());
                }
                return records;
            }
            records.Add(rest[..at].ToArray());
            rest = rest[(at + delimiter.Length)..];
        }
    }

    /// <summary>Builds a KPL aggregated record (for tests and tools): partition key table, records, MD5 trailer.</summary>
    public static byte[] BuildKpl(IReadOnlyList<(string PartitionKey, byte[] Data)> records)
    {
        var keys = records.Select(r => r.PartitionKey).Distinct().ToList();
        using var body = new MemoryStream();
        foreach (var key in keys)
        {
            WriteBytes(body, 1, System.Text.Encoding.UTF8.GetBytes(key));
        }
        foreach (var (key, data) in records)
        {
            using var record = new MemoryStream();
            WriteVarint(record, 1 << 3);
            WriteVarint(record, (ulong)keys.IndexOf(key));
            WriteBytes(record, 3, data);
            WriteBytes(body, 3, record.ToArray());
        }
        var message = body.ToArray();
        var result = new byte[4 + message.Length + 16];
        KplMagic.CopyTo(result);
        message.CopyTo(result, 4);
        MD5.HashData(message).CopyTo(result, 4 + message.Length);
        return result;
    }

    private static void WriteBytes(Stream stream, int field, byte[] value)
    {
        WriteVarint(stream, (ulong)(field << 3 | 2));
        WriteVarint(stream, (ulong)value.Length);
        stream.Write(value);
    }

    private static void WriteVarint(Stream stream, ulong value)
    {
        while (value >= 0x80)
        {
            stream.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        stream.WriteByte((byte)value);
    }
}
