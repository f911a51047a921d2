using Tributary.Foundation.Buffers;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Records;

namespace Tributary.Broker.Groups;

/// <summary>
/// Keeps the coordinator's state in the internal compacted topic <c>__consumer_offsets</c>: every commit, group
/// metadata change and deletion is a keyed record (<see cref="GroupRecords"/>), compaction keeps the latest per
/// key, and <see cref="Replay"/> rebuilds the state at start. A group's records all go to one partition
/// (Java's <c>String.hashCode</c> of the group id, as Kafka picks it), so they stay in order.
/// The topic is created on first use, so a broker that never sees a group never lists it.
/// </summary>
internal sealed class GroupStore(Broker broker, GroupOptions options)
{
    public const string TopicName = "__consumer_offsets";

    private readonly object _createLock = new();

    /// <summary>
    /// Appends records for one group, synchronously and in call order (see <see cref="Broker.AppendInternal"/>);
    /// the returned task completes when they are durable. Call under the group's lock, await outside it.
    /// </summary>
    public ValueTask<ErrorCode> Write(string groupId, IReadOnlyList<(byte[] Key, byte[]? Value)> records, long timestamp)
    {
        if (records.Count == 0)
        {
            return ValueTask.FromResult(ErrorCode.None);
        }
        var partitions = EnsureTopic();
        if (partitions <= 0)
        {
            return ValueTask.FromResult(ErrorCode.CoordinatorNotAvailable);
        }
        var partition = PartitionFor(groupId, partitions);
        byte[] batch;
        using (var builder = new RecordBatchBuilder(timestamp))
        {
            foreach (var (key, value) in records)
            {
                builder.Append(timestamp, key, value ?? [], hasKey: true, hasValue: value is not null);
            }
            batch = builder.ToArray(new BatchOptions());
        }
        var (error, _, endOffset) = broker.AppendInternal(TopicName, partition, batch);
        return error != ErrorCode.None ? ValueTask.FromResult(error) : broker.WaitForDurableAsync(TopicName, partition, endOffset);
    }

    /// <summary>
    /// Appends a transaction's offset commits (TxnOffsetCommit) as one transactional batch of the producer, which
    /// the transaction's COMMIT or ABORT marker on the same partition later settles. Synchronous append, durable
    /// when the task completes (as <see cref="Write"/>).
    /// </summary>
    public ValueTask<ErrorCode> WriteTransactional(string groupId, long producerId, short producerEpoch, IReadOnlyList<(byte[] Key, byte[]? Value)> records, long timestamp)
    {
        var partitions = EnsureTopic();
        if (partitions <= 0)
        {
            return ValueTask.FromResult(ErrorCode.CoordinatorNotAvailable);
        }
        var partition = PartitionFor(groupId, partitions);
        byte[] batch;
        using (var builder = new RecordBatchBuilder(timestamp))
        {
            foreach (var (key, value) in records)
            {
                builder.Append(timestamp, key, value ?? [], hasKey: true, hasValue: value is not null);
            }
            batch = builder.ToArray(new BatchOptions { ProducerId = producerId, ProducerEpoch = producerEpoch, BaseSequence = -1, AttributeFlags = RecordBatchLayout.TransactionalFlag });
        }
        var (error, _, endOffset) = broker.AppendInternal(TopicName, partition, batch);
        return error != ErrorCode.None ? ValueTask.FromResult(error) : broker.WaitForDurableAsync(TopicName, partition, endOffset);
    }

    /// <summary>The partition of <c>__consumer_offsets</c> that holds a group's records (creating the topic), or -1.</summary>
    public int PartitionOf(string groupId)
    {
        var partitions = EnsureTopic();
        return partitions <= 0 ? -1 : PartitionFor(groupId, partitions);
    }

    /// <summary>
    /// Reads every record of the topic, in log order per partition, and hands each decoded one to <paramref name="apply"/>.
    /// Records of transactional batches are held until their producer's marker: applied at COMMIT, dropped at ABORT;
    /// those of transactions still open at the end go to <paramref name="pending"/> (with the producer id and partition).
    /// </summary>
    public void Replay(Action<GroupRecord> apply, Action<long, int, GroupRecord> pending)
    {
        if (broker.GetTopic(TopicName) is not { } topic)
        {
            return;
        }
        using var scratch = new PooledBufferWriter();
        for (var partition = 0; partition < topic.PartitionCount; partition++)
        {
            var open = new Dictionary<long, List<GroupRecord>>();
            broker.ReadPartition(TopicName, partition, chunk =>
            {
                var next = 0L;
                var position = 0;
                int size;
                while ((size = RecordBatch.FirstWholeBatchSize(chunk.Span[position..])) > 0)
                {
                    var batch = chunk.Slice(position, size);
                    next = RecordBatch.NextOffset(batch.Span);
                    var producerId = RecordBatch.ProducerId(batch.Span);
                    if (!RecordBatch.IsTransactional(batch.Span))
                    {
                        ApplyBatch(batch, scratch, apply);
                    }
                    else if (RecordBatch.IsControl(batch.Span))
                    {
                        if (open.Remove(producerId, out var held) && EndTransactionMarker.TryReadType(batch.Span, out var type) && type == ControlRecordType.Commit)
                        {
                            held.ForEach(apply);
                        }
                    }
                    else
                    {
                        if (!open.TryGetValue(producerId, out var held))
                        {
                            open[producerId] = held = [];
                        }
                        ApplyBatch(batch, scratch, held.Add);
                    }
                    position += size;
                }
                return next;
            });
            foreach (var (producerId, held) in open)
            {
                foreach (var record in held)
                {
                    pending(producerId, partition, record);
                }
            }
        }
    }

    private static void ApplyBatch(ReadOnlyMemory<byte> batch, PooledBufferWriter scratch, Action<GroupRecord> apply)
    {
        scratch.Reset();
        var records = BatchRecords.Read(batch.Span, scratch);
        while (records.TryReadNext(out var record))
        {
            if (!record.HasKey)
            {
                continue;
            }
            // Decoding takes memory; the record spans point into the batch or the scratch buffer, so copy.
            // (The explicit nullable matters: a null byte[] would convert to an empty, non-null memory.)
            var value = record.HasValue ? (ReadOnlyMemory<byte>?)record.Value.ToArray() : null;
            GroupRecord? decoded;
            try
            {
                decoded = GroupRecords.Decode(record.Key.ToArray(), value);
            }
            catch (KafkaProtocolException)
            {
                // A record this version cannot read (only Tributary writes this topic): skip it rather than refuse to start.
                continue;
            }
            if (decoded is not null)
            {
                apply(decoded);
            }
        }
    }

    /// <summary>The topic's partition count, creating the topic (compacted, internal) the first time.</summary>
    private int EnsureTopic()
    {
        if (broker.GetTopic(TopicName) is { } existing)
        {
            return existing.PartitionCount;
        }
        lock (_createLock)
        {
            var configs = new Dictionary<string, string?> { ["cleanup.policy"] = "compact", ["segment.bytes"] = "104857600" };
            var (error, _, topic) = broker.CreateTopic(TopicName, options.OffsetsTopicPartitions, configs);
            return error == ErrorCode.None ? topic!.PartitionCount : broker.GetTopic(TopicName)?.PartitionCount ?? -1;
        }
    }

    /// <summary>Kafka's choice: abs(groupId.hashCode) mod partitions, with Java's String.hashCode over UTF-16 code units.</summary>
    internal static int PartitionFor(string groupId, int partitions)
    {
        var hash = 0;
        foreach (var c in groupId)
        {
            hash = unchecked((31 * hash) + c);
        }
        return (hash & 0x7fffffff) % partitions;
    }
}
