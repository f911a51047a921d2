using System.Buffers;
using System.Buffers.Binary;
using Tributary.Foundation.Buffers;
using Tributary.Protocol.Compression;

namespace Tributary.Protocol.Records;

/// <summary>
/// Rewrites a magic-v2 batch with another compression codec, as a Kafka broker does when a topic's
/// <c>compression.type</c> names a codec other than the producer's: the records section is decompressed and compressed
/// again; every header field (base offset, timestamps, producer id, epoch, base sequence, transactional flag) stays, the
/// codec bits of the attributes change, and the length and CRC are computed again. The records themselves (offset and
/// timestamp deltas, keys, values, headers) are the same bytes, so consumers and idempotent producers see no difference.
/// </summary>
public static class BatchRecompression
{
    /// <summary>
    /// Appends <paramref name="batch"/> rewritten with <paramref name="target"/> to <paramref name="output"/>. The batch
    /// must have been validated whole (CRC included) by the caller: a corrupt batch would otherwise get a fresh, valid CRC.
    /// </summary>
    /// <param name="level">The target codec's level (-1 for its default); see <see cref="BatchCompression.Compress"/>.</param>
    /// <exception cref="CompressionException">The records section does not decompress.</exception>
    public static void Recompress(ReadOnlySpan<byte> batch, CompressionCodec target, IBufferWriter<byte> output, int level = -1)
    {
        var size = RecordBatch.TotalSize(batch);
        var header = batch[..RecordBatchLayout.HeaderSize];
        var records = batch[RecordBatchLayout.RecordsOffset..size];
        using var plain = new PooledBufferWriter(Math.Max(4096, records.Length * 4));
        BatchCompression.Decompress(RecordBatch.Codec(batch), records, plain);
        using var rewritten = new PooledBufferWriter(RecordBatchLayout.HeaderSize + plain.WrittenCount + 64);
        rewritten.Write(header);
        BatchCompression.Compress(target, plain.WrittenSpan, rewritten, level: level);
        var span = rewritten.WrittenSpanMutable;
        var length = span.Length - RecordBatchLayout.LogOverhead;
        var attributes = (short)((ushort)(RecordBatch.Attributes(batch) & ~RecordBatchLayout.CompressionCodecMask) | (ushort)target);
        BinaryPrimitives.WriteInt32BigEndian(span[RecordBatchLayout.BatchLengthOffset..], length);
        BinaryPrimitives.WriteInt16BigEndian(span[RecordBatchLayout.AttributesOffset..], attributes);
        RecordBatch.WriteCrc(span);
        output.Write(span);
    }
}
