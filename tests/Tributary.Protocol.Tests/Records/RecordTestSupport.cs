using System.Buffers.Binary;
using System.Text;
using Tributary.Foundation.Buffers;
using Tributary.Protocol.Compression;
using Tributary.Protocol.Records;

namespace Tributary.Protocol.Tests.Records;

/// <summary>A record as a producer hands it over: what the builder takes and the reader must give back.</summary>
internal sealed record TestRecord(long Timestamp, byte[]? Key, byte[]? Value, RecordHeader[] Headers)
{
    public override string ToString() =>
        $"ts={Timestamp} key={Hex(Key)} value={Hex(Value)} headers=[{string.Join(", ", Headers.Select(h => $"{h.Key}={Hex(h.Value)}"))}]";

    private static string Hex(byte[]? bytes) => bytes is null ? "null" : Convert.ToHexString(bytes);
}

/// <summary>A record read back from a batch, copied out of the reader's spans.</summary>
internal sealed record DecodedRecord(
    sbyte Attributes,
    long Offset,
    long Timestamp,
    int OffsetDelta,
    long TimestampDelta,
    byte[]? Key,
    byte[]? Value,
    (byte[] Key, byte[]? Value)[] Headers,
    byte[] Raw);

internal static class RecordTestSupport
{
    public static readonly CompressionCodec[] AllCodecs = Enum.GetValues<CompressionCodec>();

    public static TheoryData<CompressionCodec> Codecs => [.. AllCodecs];

    public static byte[] Build(long baseTimestamp, IEnumerable<TestRecord> records, BatchOptions options)
    {
        using var builder = new RecordBatchBuilder(baseTimestamp);
        foreach (var record in records)
        {
            builder.Append(record.Timestamp, record.Key, record.Value, record.Key is not null, record.Value is not null, record.Headers);
        }
        return builder.ToArray(options);
    }

    public static List<DecodedRecord> ReadAll(ReadOnlySpan<byte> batch)
    {
        using var scratch = new PooledBufferWriter();
        var baseOffset = RecordBatch.BaseOffset(batch);
        var baseTimestamp = RecordBatch.BaseTimestamp(batch);
        var reader = BatchRecords.Read(batch, scratch);
        var records = new List<DecodedRecord>();
        while (reader.TryReadNext(out var record))
        {
            records.Add(new DecodedRecord(
                record.Attributes,
                baseOffset + record.OffsetDelta,
                baseTimestamp + record.TimestampDelta,
                record.OffsetDelta,
                record.TimestampDelta,
                record.HasKey ? record.Key.ToArray() : null,
                record.HasValue ? record.Value.ToArray() : null,
                ParseHeaders(record.Headers, record.HeaderCount),
                record.Raw.ToArray()));
        }
        Assert.Equal(0, reader.RemainingBytes);
        Assert.False(reader.TryReadNext(out _));
        return records;
    }

    /// <summary>Decodes the header section of a record independently of <see cref="RecordReader"/>.</summary>
    public static (byte[] Key, byte[]? Value)[] ParseHeaders(ReadOnlySpan<byte> headers, int count)
    {
        var result = new (byte[] Key, byte[]? Value)[count];
        for (var i = 0; i < count; i++)
        {
            Assert.True(Varint.TryReadVarint(headers, out var keyLength, out var read));
            headers = headers[read..];
            var key = headers[..keyLength].ToArray();
            headers = headers[keyLength..];
            Assert.True(Varint.TryReadVarint(headers, out var valueLength, out read));
            headers = headers[read..];
            byte[]? value = null;
            if (valueLength >= 0)
            {
                value = headers[..valueLength].ToArray();
                headers = headers[valueLength..];
            }
            result[i] = (key, value);
        }
        Assert.True(headers.IsEmpty);
        return result;
    }

    /// <summary>Asserts that <paramref name="actual"/> holds <paramref name="expected"/> at offset deltas 0, 1, 2...</summary>
    public static void AssertRecords(IReadOnlyList<TestRecord> expected, IReadOnlyList<DecodedRecord> actual, long baseOffset = 0)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            AssertRecord(expected[i], actual[i], i, baseOffset + i);
        }
    }

    public static void AssertRecord(TestRecord expected, DecodedRecord actual, int offsetDelta, long offset)
    {
        Assert.Equal(0, actual.Attributes);
        Assert.Equal(offsetDelta, actual.OffsetDelta);
        Assert.Equal(offset, actual.Offset);
        Assert.Equal(expected.Timestamp, actual.Timestamp);
        Assert.Equal(expected.Key, actual.Key);
        Assert.Equal(expected.Value, actual.Value);
        Assert.Equal(expected.Headers.Length, actual.Headers.Length);
        for (var h = 0; h < expected.Headers.Length; h++)
        {
            Assert.Equal(Encoding.UTF8.GetBytes(expected.Headers[h].Key), actual.Headers[h].Key);
            Assert.Equal(expected.Headers[h].Value, actual.Headers[h].Value);
        }
    }

    /// <summary>
    /// Replaces the records section of <paramref name="template"/> with <paramref name="records"/>
    /// compressed with <paramref name="codec"/>, then fixes BatchLength, the codec bits and the CRC.
    /// </summary>
    public static byte[] WithRecordsSection(ReadOnlySpan<byte> template, ReadOnlySpan<byte> records, CompressionCodec codec, SnappyFraming framing = SnappyFraming.Xerial)
    {
        using var payload = new PooledBufferWriter();
        BatchCompression.Compress(codec, records, payload, framing);
        var batch = new byte[RecordBatchLayout.HeaderSize + payload.WrittenCount];
        template[..RecordBatchLayout.HeaderSize].CopyTo(batch);
        payload.WrittenSpan.CopyTo(batch.AsSpan(RecordBatchLayout.RecordsOffset));
        var attributes = (short)((RecordBatch.Attributes(batch) & ~RecordBatchLayout.CompressionCodecMask) | (byte)codec);
        BinaryPrimitives.WriteInt16BigEndian(batch.AsSpan(RecordBatchLayout.AttributesOffset), attributes);
        return Reseal(batch);
    }

    /// <summary>Makes BatchLength match the array and recomputes the CRC (magic and the rest are left alone).</summary>
    public static byte[] Reseal(byte[] batch)
    {
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatchLayout.BatchLengthOffset), batch.Length - RecordBatchLayout.LogOverhead);
        RecordBatch.WriteCrc(batch);
        return batch;
    }

    public static byte[] WithInt16(byte[] batch, int offset, short value)
    {
        var copy = batch.ToArray();
        BinaryPrimitives.WriteInt16BigEndian(copy.AsSpan(offset), value);
        return copy;
    }

    public static byte[] WithInt32(byte[] batch, int offset, int value)
    {
        var copy = batch.ToArray();
        BinaryPrimitives.WriteInt32BigEndian(copy.AsSpan(offset), value);
        return copy;
    }
}
