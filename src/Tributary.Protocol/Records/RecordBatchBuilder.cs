using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using Tributary.Foundation.Buffers;
using Tributary.Protocol.Compression;

namespace Tributary.Protocol.Records;

/// <summary>A record header: a string key and a nullable byte value.</summary>
public readonly record struct RecordHeader(string Key, byte[]? Value);

/// <summary>Batch-level fields a builder writes; defaults describe a plain, non-idempotent producer batch.</summary>
public readonly record struct BatchOptions
{
    public BatchOptions()
    {
    }

    public long BaseOffset { get; init; }

    public CompressionCodec Codec { get; init; } = CompressionCodec.None;

    /// <summary>The codec's level, -1 for its default (see <see cref="BatchCompression.Compress"/>).</summary>
    public int CompressionLevel { get; init; } = -1;

    public long ProducerId { get; init; } = -1;

    public short ProducerEpoch { get; init; } = -1;

    public int BaseSequence { get; init; } = -1;

    public int PartitionLeaderEpoch { get; init; } = -1;

    /// <summary>Extra attribute bits (timestamp type, transactional, control); the codec bits come from <see cref="Codec"/>.</summary>
    public short AttributeFlags { get; init; }

    /// <summary>Overrides LastOffsetDelta (compaction keeps the original even when records were removed).</summary>
    public int? LastOffsetDelta { get; init; }

    /// <summary>Overrides MaxTimestamp (compaction keeps the original batch's).</summary>
    public long? MaxTimestamp { get; init; }
}

/// <summary>
/// Builds magic-v2 record batches: the producer side of the format, used by tests, benchmarks, the
/// compactor and (later) Tributary's own client. Not thread-safe; reusable after <see cref="Clear"/>.
/// </summary>
public sealed class RecordBatchBuilder : IDisposable
{
    private readonly PooledBufferWriter _records = new();
    private readonly PooledBufferWriter _compressed = new();
    private int _count;
    private int _lastOffsetDelta = -1;
    private long _maxTimestamp = -1;

    public RecordBatchBuilder(long baseTimestamp)
    {
        BaseTimestamp = baseTimestamp;
    }

    public long BaseTimestamp { get; private set; }

    public int Count => _count;

    /// <summary>Size of the uncompressed records section so far.</summary>
    public int RecordsSize => _records.WrittenCount;

    public void Clear(long baseTimestamp)
    {
        _records.Reset();
        _count = 0;
        _lastOffsetDelta = -1;
        _maxTimestamp = -1;
        BaseTimestamp = baseTimestamp;
    }

    /// <summary>
    /// Appends a record at the next offset delta. Compiled optimised from its first call: producers (the Connect source
    /// path, the client) call it per record in bursts that end before tiered compilation would have promoted it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Append(long timestamp, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool hasKey = true, bool hasValue = true, ReadOnlySpan<RecordHeader> headers = default)
    {
        var offsetDelta = _lastOffsetDelta + 1;
        var timestampDelta = timestamp - BaseTimestamp;
        var headerBytes = 0;
        foreach (var header in headers)
        {
            var keyLength = Encoding.UTF8.GetByteCount(header.Key);
            headerBytes += Varint.SizeOfVarint(keyLength) + keyLength;
            headerBytes += header.Value is null ? 1 : Varint.SizeOfVarint(header.Value.Length) + header.Value.Length;
        }
        var bodySize = 1 + Varint.SizeOfVarlong(timestampDelta) + Varint.SizeOfVarint(offsetDelta)
            + (hasKey ? Varint.SizeOfVarint(key.Length) + key.Length : 1)
            + (hasValue ? Varint.SizeOfVarint(value.Length) + value.Length : 1)
            + Varint.SizeOfVarint(headers.Length) + headerBytes;
        var span = _records.GetSpan(bodySize + 5);
        var position = Varint.WriteVarint(span, bodySize);
        span[position++] = 0;
        position += Varint.WriteVarlong(span[position..], timestampDelta);
        position += Varint.WriteVarint(span[position..], offsetDelta);
        position += WriteBytes(span[position..], key, hasKey);
        position += WriteBytes(span[position..], value, hasValue);
        position += Varint.WriteVarint(span[position..], headers.Length);
        foreach (var header in headers)
        {
            var keyLength = Encoding.UTF8.GetByteCount(header.Key);
            position += Varint.WriteVarint(span[position..], keyLength);
            position += Encoding.UTF8.GetBytes(header.Key, span[position..]);
            position += WriteBytes(span[position..], header.Value, header.Value is not null);
        }
        _records.Advance(position);
        _count++;
        _lastOffsetDelta = offsetDelta;
        _maxTimestamp = Math.Max(_maxTimestamp, timestamp);
    }

    /// <summary>
    /// Copies an encoded record verbatim (its offset and timestamp deltas are kept, so the batch must keep
    /// the original BaseOffset and BaseTimestamp). Used by compaction.
    /// </summary>
    public void AppendRaw(ReadOnlySpan<byte> rawRecord, int offsetDelta, long timestampDelta)
    {
        _records.Write(rawRecord);
        _count++;
        _lastOffsetDelta = Math.Max(_lastOffsetDelta, offsetDelta);
        _maxTimestamp = Math.Max(_maxTimestamp, BaseTimestamp + timestampDelta);
    }

    /// <summary>Writes the finished batch (header, possibly compressed records, CRC) to <paramref name="destination"/>.</summary>
    public int WriteTo(IBufferWriter<byte> destination, BatchOptions options)
    {
        ReadOnlySpan<byte> payload = _records.WrittenSpan;
        if (options.Codec != CompressionCodec.None)
        {
            _compressed.Reset();
            BatchCompression.Compress(options.Codec, payload, _compressed, level: options.CompressionLevel);
            payload = _compressed.WrittenSpan;
        }
        var total = RecordBatchLayout.HeaderSize + payload.Length;
        var batch = destination.GetSpan(total)[..total];
        var lastOffsetDelta = options.LastOffsetDelta ?? Math.Max(_lastOffsetDelta, 0);
        BinaryPrimitives.WriteInt64BigEndian(batch, options.BaseOffset);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatchLayout.BatchLengthOffset..], total - RecordBatchLayout.LogOverhead);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatchLayout.PartitionLeaderEpochOffset..], options.PartitionLeaderEpoch);
        batch[RecordBatchLayout.MagicOffset] = RecordBatchLayout.CurrentMagic;
        var attributes = (short)((ushort)(options.AttributeFlags & ~RecordBatchLayout.CompressionCodecMask) | (byte)options.Codec);
        BinaryPrimitives.WriteInt16BigEndian(batch[RecordBatchLayout.AttributesOffset..], attributes);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatchLayout.LastOffsetDeltaOffset..], lastOffsetDelta);
        BinaryPrimitives.WriteInt64BigEndian(batch[RecordBatchLayout.BaseTimestampOffset..], BaseTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(batch[RecordBatchLayout.MaxTimestampOffset..], options.MaxTimestamp ?? (_count == 0 ? BaseTimestamp : _maxTimestamp));
        BinaryPrimitives.WriteInt64BigEndian(batch[RecordBatchLayout.ProducerIdOffset..], options.ProducerId);
        BinaryPrimitives.WriteInt16BigEndian(batch[RecordBatchLayout.ProducerEpochOffset..], options.ProducerEpoch);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatchLayout.BaseSequenceOffset..], options.BaseSequence);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatchLayout.RecordsCountOffset..], _count);
        payload.CopyTo(batch[RecordBatchLayout.RecordsOffset..]);
        RecordBatch.WriteCrc(batch);
        destination.Advance(total);
        return total;
    }

    /// <summary>Convenience for tests and tools: the batch as a new array.</summary>
    public byte[] ToArray(BatchOptions options)
    {
        using var writer = new PooledBufferWriter(RecordsSize + RecordBatchLayout.HeaderSize + 64);
        WriteTo(writer, options);
        return writer.WrittenSpan.ToArray();
    }

    private static int WriteBytes(Span<byte> destination, ReadOnlySpan<byte> bytes, bool present)
    {
        if (!present)
        {
            return Varint.WriteVarint(destination, -1);
        }
        var written = Varint.WriteVarint(destination, bytes.Length);
        bytes.CopyTo(destination[written..]);
        return written + bytes.Length;
    }

    public void Dispose()
    {
        _records.Dispose();
        _compressed.Dispose();
    }
}
