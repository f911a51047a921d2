using System.Buffers.Binary;
using Tributary.Foundation.Checksums;
using Tributary.Protocol.Compression;

namespace Tributary.Protocol.Records;

/// <summary>
/// Reads and writes header fields of a magic-v2 record batch held in a span. These are plain accessors
/// over the bytes (no copies, no allocation); call <see cref="RecordBatchValidator.Validate"/> first when
/// the bytes are untrusted.
/// </summary>
public static class RecordBatch
{
    public static long BaseOffset(ReadOnlySpan<byte> batch) => BinaryPrimitives.ReadInt64BigEndian(batch);

    public static void SetBaseOffset(Span<byte> batch, long baseOffset) => BinaryPrimitives.WriteInt64BigEndian(batch, baseOffset);

    public static int BatchLength(ReadOnlySpan<byte> batch) => BinaryPrimitives.ReadInt32BigEndian(batch[RecordBatchLayout.BatchLengthOffset..]);

    /// <summary>Total size of the batch in bytes, including the 12-byte offset/length prefix.</summary>
    public static int TotalSize(ReadOnlySpan<byte> batch) => BatchLength(batch) + RecordBatchLayout.LogOverhead;

    /// <summary>
    /// Size of the first whole batch of a record set (a fetch answer, a log read), or 0 when the set is empty or
    /// ends in a partial batch (a fetch may cut the last one). Only the length prefix is read; no validation.
    /// </summary>
    public static int FirstWholeBatchSize(ReadOnlySpan<byte> records)
    {
        if (records.Length < RecordBatchLayout.LogOverhead)
        {
            return 0;
        }
        var size = TotalSize(records);
        return size >= RecordBatchLayout.LogOverhead && size <= records.Length ? size : 0;
    }

    public static int PartitionLeaderEpoch(ReadOnlySpan<byte> batch) => BinaryPrimitives.ReadInt32BigEndian(batch[RecordBatchLayout.PartitionLeaderEpochOffset..]);

    public static void SetPartitionLeaderEpoch(Span<byte> batch, int epoch) => BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatchLayout.PartitionLeaderEpochOffset..], epoch);

    public static byte Magic(ReadOnlySpan<byte> batch) => batch[RecordBatchLayout.MagicOffset];

    public static uint Crc(ReadOnlySpan<byte> batch) => BinaryPrimitives.ReadUInt32BigEndian(batch[RecordBatchLayout.CrcOffset..]);

    public static short Attributes(ReadOnlySpan<byte> batch) => BinaryPrimitives.ReadInt16BigEndian(batch[RecordBatchLayout.AttributesOffset..]);

    public static CompressionCodec Codec(ReadOnlySpan<byte> batch) => (CompressionCodec)(Attributes(batch) & RecordBatchLayout.CompressionCodecMask);

    public static bool IsControl(ReadOnlySpan<byte> batch) => (Attributes(batch) & RecordBatchLayout.ControlFlag) != 0;

    public static bool IsTransactional(ReadOnlySpan<byte> batch) => (Attributes(batch) & RecordBatchLayout.TransactionalFlag) != 0;

    public static bool IsLogAppendTime(ReadOnlySpan<byte> batch) => (Attributes(batch) & RecordBatchLayout.TimestampTypeFlag) != 0;

    public static int LastOffsetDelta(ReadOnlySpan<byte> batch) => BinaryPrimitives.ReadInt32BigEndian(batch[RecordBatchLayout.LastOffsetDeltaOffset..]);

    public static long LastOffset(ReadOnlySpan<byte> batch) => BaseOffset(batch) + LastOffsetDelta(batch);

    /// <summary>The offset after this batch: where the next batch starts.</summary>
    public static long NextOffset(ReadOnlySpan<byte> batch) => LastOffset(batch) + 1;

    public static long BaseTimestamp(ReadOnlySpan<byte> batch) => BinaryPrimitives.ReadInt64BigEndian(batch[RecordBatchLayout.BaseTimestampOffset..]);

    public static long MaxTimestamp(ReadOnlySpan<byte> batch) => BinaryPrimitives.ReadInt64BigEndian(batch[RecordBatchLayout.MaxTimestampOffset..]);

    public static long ProducerId(ReadOnlySpan<byte> batch) => BinaryPrimitives.ReadInt64BigEndian(batch[RecordBatchLayout.ProducerIdOffset..]);

    public static short ProducerEpoch(ReadOnlySpan<byte> batch) => BinaryPrimitives.ReadInt16BigEndian(batch[RecordBatchLayout.ProducerEpochOffset..]);

    public static int BaseSequence(ReadOnlySpan<byte> batch) => BinaryPrimitives.ReadInt32BigEndian(batch[RecordBatchLayout.BaseSequenceOffset..]);

    public static int RecordsCount(ReadOnlySpan<byte> batch) => BinaryPrimitives.ReadInt32BigEndian(batch[RecordBatchLayout.RecordsCountOffset..]);

    /// <summary>Computes the CRC-32C the batch should carry (attributes to the end).</summary>
    public static uint ComputeCrc(ReadOnlySpan<byte> batch) => Crc32C.Compute(batch[RecordBatchLayout.AttributesOffset..]);

    /// <summary>
    /// Rewrites the timestamp type to LogAppendTime with the given time as MaxTimestamp and recomputes the
    /// CRC, as a broker does for topics with <c>message.timestamp.type=LogAppendTime</c>.
    /// </summary>
    public static void SetLogAppendTime(Span<byte> batch, long timestamp)
    {
        var attributes = (short)(Attributes(batch) | RecordBatchLayout.TimestampTypeFlag);
        BinaryPrimitives.WriteInt16BigEndian(batch[RecordBatchLayout.AttributesOffset..], attributes);
        BinaryPrimitives.WriteInt64BigEndian(batch[RecordBatchLayout.MaxTimestampOffset..], timestamp);
        WriteCrc(batch);
    }

    /// <summary>Recomputes and stores the CRC after a change to a covered field.</summary>
    public static void WriteCrc(Span<byte> batch) => BinaryPrimitives.WriteUInt32BigEndian(batch[RecordBatchLayout.CrcOffset..], ComputeCrc(batch));
}
