using System.Buffers.Binary;
using Tributary.Protocol.Compression;

namespace Tributary.Protocol.Records;

/// <summary>Kafka's control record types (<c>ControlRecordType</c>); 2–6 are KRaft's own and never written here.</summary>
public enum ControlRecordType : short
{
    Abort = 0,
    Commit = 1,
}

/// <summary>
/// The control batch that ends a transaction on one partition (Kafka's end-transaction marker): magic 2,
/// uncompressed, attributes transactional | control, the transaction's producer id and epoch, base sequence -1,
/// one record whose key is int16 version 0 + int16 type (0 ABORT, 1 COMMIT) and whose value is int16 version 0 +
/// int32 coordinator epoch. The marker takes one offset, so offsets of a transactional partition have gaps.
/// Thread-safe (stateless).
/// </summary>
public static class EndTransactionMarker
{
    public const short CurrentVersion = 0;
    private const int KeySize = 4;
    private const int ValueSize = 6;

    /// <summary>Builds the marker batch (base offset 0: the log assigns the real one).</summary>
    public static byte[] Build(long producerId, short producerEpoch, ControlRecordType type, int coordinatorEpoch, long timestamp)
    {
        Span<byte> key = stackalloc byte[KeySize];
        BinaryPrimitives.WriteInt16BigEndian(key, CurrentVersion);
        BinaryPrimitives.WriteInt16BigEndian(key[2..], (short)type);
        Span<byte> value = stackalloc byte[ValueSize];
        BinaryPrimitives.WriteInt16BigEndian(value, CurrentVersion);
        BinaryPrimitives.WriteInt32BigEndian(value[2..], coordinatorEpoch);
        using var builder = new RecordBatchBuilder(timestamp);
        builder.Append(timestamp, key, value);
        return builder.ToArray(new BatchOptions
        {
            ProducerId = producerId,
            ProducerEpoch = producerEpoch,
            BaseSequence = -1,
            AttributeFlags = RecordBatchLayout.TransactionalFlag | RecordBatchLayout.ControlFlag,
        });
    }

    /// <summary>
    /// Reads the type of a control batch's first record (the batch must be whole and uncompressed, as markers
    /// always are). False when the batch is not a control batch or its record cannot be read.
    /// </summary>
    public static bool TryReadType(ReadOnlySpan<byte> batch, out ControlRecordType type)
    {
        type = default;
        if (batch.Length < RecordBatchLayout.HeaderSize || !RecordBatch.IsControl(batch) || RecordBatch.Codec(batch) != CompressionCodec.None || RecordBatch.RecordsCount(batch) < 1)
        {
            return false;
        }
        var span = batch[RecordBatchLayout.RecordsOffset..];
        if (!Varint.TryReadVarint(span, out _, out var read))
        {
            return false;
        }
        span = span[read..];
        if (span.Length < 1)
        {
            return false;
        }
        span = span[1..];
        if (!Varint.TryReadVarlong(span, out _, out read))
        {
            return false;
        }
        span = span[read..];
        if (!Varint.TryReadVarint(span, out _, out read))
        {
            return false;
        }
        span = span[read..];
        if (!Varint.TryReadVarint(span, out var keyLength, out read) || keyLength < KeySize || span.Length < read + keyLength)
        {
            return false;
        }
        var key = span.Slice(read, keyLength);
        type = (ControlRecordType)BinaryPrimitives.ReadInt16BigEndian(key[2..]);
        return true;
    }
}
