using System.Buffers;
using Tributary.Broker.Groups;
using Tributary.Protocol.Kafka;

namespace Tributary.Broker.Transactions;

/// <summary>Kafka's transaction states with their stored ids (<c>TransactionMetadata.scala</c>); the ids are disk format.</summary>
public enum TransactionStatus : sbyte
{
    Empty = 0,
    Ongoing = 1,
    PrepareCommit = 2,
    PrepareAbort = 3,
    CompleteCommit = 4,
    CompleteAbort = 5,
    Dead = 6,
    PrepareEpochFence = 7,
}

/// <summary>One transactional id's state as stored (a record value of <c>__transaction_state</c>).</summary>
public sealed record TransactionRecord(
    long ProducerId,
    short ProducerEpoch,
    int TimeoutMs,
    TransactionStatus Status,
    IReadOnlyList<TopicPartition> Partitions,
    long LastUpdateTimestamp,
    long StartTimestamp);

/// <summary>
/// The records of <c>__transaction_state</c> in Kafka's layout (<c>TransactionLogKey</c>/<c>TransactionLogValue</c>,
/// both version 0, non-flexible): key = int16 version 0, string transactional id; value = int16 version 0,
/// int64 producer id, int16 producer epoch, int32 transaction timeout ms, int8 status, array of
/// { string topic, array of int32 partition } (null when the state is Empty), int64 last update timestamp,
/// int64 transaction start timestamp. A tombstone (null value) removes the id. See
/// <c>docs/formats/transaction-state.md</c>; frozen by <c>TransactionRecordsGoldenTests</c>.
/// Thread-safe (stateless).
/// </summary>
public static class TransactionRecords
{
    public const short KeyVersion = 0;
    public const short ValueVersion = 0;

    public static byte[] Key(string transactionalId) => Encode(w =>
    {
        w.WriteInt16(KeyVersion);
        w.WriteString(transactionalId);
    });

    public static byte[] Value(TransactionRecord record) => Encode(w =>
    {
        w.WriteInt16(ValueVersion);
        w.WriteInt64(record.ProducerId);
        w.WriteInt16(record.ProducerEpoch);
        w.WriteInt32(record.TimeoutMs);
        w.WriteInt8((sbyte)record.Status);
        if (record.Status == TransactionStatus.Empty)
        {
            w.WriteArrayCount(-1);
        }
        else
        {
            var byTopic = new List<(string Topic, List<int> Partitions)>();
            foreach (var partition in record.Partitions.OrderBy(p => p.Topic, StringComparer.Ordinal).ThenBy(p => p.Partition))
            {
                if (byTopic.Count == 0 || byTopic[^1].Topic != partition.Topic)
                {
                    byTopic.Add((partition.Topic, []));
                }
                byTopic[^1].Partitions.Add(partition.Partition);
            }
            w.WriteArrayCount(byTopic.Count);
            foreach (var (topic, partitions) in byTopic)
            {
                w.WriteString(topic);
                w.WriteArrayCount(partitions.Count);
                foreach (var p in partitions)
                {
                    w.WriteInt32(p);
                }
            }
        }
        w.WriteInt64(record.LastUpdateTimestamp);
        w.WriteInt64(record.StartTimestamp);
    });

    /// <summary>
    /// Decodes a record: the transactional id and its state (null for a tombstone). Returns false for a key or
    /// value version this code does not know (skipped on replay rather than refusing to start).
    /// </summary>
    public static bool TryDecode(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte>? value, out string transactionalId, out TransactionRecord? record)
    {
        record = null;
        var k = new KafkaReader(key);
        transactionalId = "";
        if (k.ReadInt16() != KeyVersion)
        {
            return false;
        }
        transactionalId = k.ReadString();
        if (value is not { } bytes)
        {
            return true;
        }
        var v = new KafkaReader(bytes);
        if (v.ReadInt16() != ValueVersion)
        {
            return false;
        }
        var producerId = v.ReadInt64();
        var epoch = v.ReadInt16();
        var timeout = v.ReadInt32();
        var status = (TransactionStatus)v.ReadInt8();
        var partitions = new List<TopicPartition>();
        var topics = v.ReadInt32();
        for (var t = 0; t < topics; t++)
        {
            var topic = v.ReadString();
            var count = v.ReadInt32();
            for (var i = 0; i < count; i++)
            {
                partitions.Add(new TopicPartition(topic, v.ReadInt32()));
            }
        }
        record = new TransactionRecord(producerId, epoch, timeout, status, partitions, v.ReadInt64(), v.ReadInt64());
        return true;
    }

    private static byte[] Encode(Action<KafkaWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        write(new KafkaWriter(buffer));
        return buffer.WrittenSpan.ToArray();
    }
}
