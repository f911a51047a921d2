using System.Text;

namespace Tributary.Broker.Groups;

/// <summary>
/// Transactional offset commits (TxnOffsetCommit): written to <c>__consumer_offsets</c> as a transactional batch
/// of the producer, held aside per producer id, and applied to the group only when the transaction's COMMIT
/// marker lands on the group's offsets partition (dropped at ABORT), as Kafka does.
/// </summary>
internal sealed partial class GroupCoordinator
{
    /// <summary>Offsets committed by open transactions: producer id → (offsets partition, the offset record).</summary>
    private readonly Dictionary<long, List<(int Partition, GroupRecord.Offset Record)>> _pendingTransactionalOffsets = [];

    /// <summary>The offsets partition of a group (AddOffsetsToTxn adds it to the transaction), or -1 when the topic cannot be made.</summary>
    internal int OffsetsPartitionOf(string groupId) => _store.PartitionOf(groupId);

    /// <summary>
    /// TxnOffsetCommit after the transaction coordinator verified the producer: checks each partition and, when a
    /// member identity is given (v3+, KIP-447), the generation; writes the offsets durably as part of the
    /// transaction. They become committed at the COMMIT marker (<see cref="CompleteTransaction"/>).
    /// </summary>
    internal async ValueTask<IReadOnlyList<(TopicPartition Partition, ErrorCode Error)>> CommitTransactionalOffsetsAsync(
        string groupId,
        long producerId,
        short producerEpoch,
        int generation,
        string memberId,
        string? groupInstanceId,
        IReadOnlyList<(TopicPartition Partition, CommittedOffset Offset)> offsets)
    {
        IReadOnlyList<(TopicPartition, ErrorCode)> AllFailed(ErrorCode error) => [.. offsets.Select(o => (o.Partition, error))];
        if (groupId.Length == 0)
        {
            return AllFailed(ErrorCode.InvalidGroupId);
        }
        if (generation >= 0 || memberId.Length > 0)
        {
            if (!_groups.TryGetValue(groupId, out var group))
            {
                return AllFailed(ErrorCode.IllegalGeneration);
            }
            lock (group)
            {
                var check = ValidateCommit(group, generation, memberId, groupInstanceId, memberEpochSemantics: group is ConsumerGroup);
                if (check != ErrorCode.None)
                {
                    return AllFailed(check);
                }
            }
        }
        var results = new (TopicPartition Partition, ErrorCode Error)[offsets.Count];
        var records = new List<(byte[] Key, byte[]? Value)>(offsets.Count);
        var accepted = new List<GroupRecord.Offset>(offsets.Count);
        for (var i = 0; i < offsets.Count; i++)
        {
            var (partition, offset) = offsets[i];
            var error = ErrorCode.None;
            if (Encoding.UTF8.GetByteCount(offset.Metadata) > _options.OffsetMetadataMaxBytes)
            {
                error = ErrorCode.OffsetMetadataTooLarge;
            }
            else if (_broker.GetTopic(partition.Topic) is not { } topic || partition.Partition < 0 || partition.Partition >= topic.PartitionCount)
            {
                error = ErrorCode.UnknownTopicOrPartition;
            }
            results[i] = (partition, error);
            if (error == ErrorCode.None)
            {
                records.Add((GroupRecords.OffsetKey(groupId, partition.Topic, partition.Partition), GroupRecords.OffsetValue(offset)));
                accepted.Add(new GroupRecord.Offset(groupId, partition, offset));
            }
        }
        if (records.Count == 0)
        {
            return results;
        }
        var offsetsPartition = _store.PartitionOf(groupId);
        var stored = await _store.WriteTransactional(groupId, producerId, producerEpoch, records, Now()).ConfigureAwait(false);
        if (stored != ErrorCode.None)
        {
            return stored == ErrorCode.InvalidProducerEpoch ? AllFailed(ErrorCode.ProducerFenced) : AllFailed(ErrorCode.CoordinatorNotAvailable);
        }
        foreach (var record in accepted)
        {
            AddPendingOffset(producerId, offsetsPartition, record);
        }
        return results;
    }

    private void AddPendingOffset(long producerId, int partition, GroupRecord.Offset record)
    {
        lock (_pendingTransactionalOffsets)
        {
            if (!_pendingTransactionalOffsets.TryGetValue(producerId, out var list))
            {
                _pendingTransactionalOffsets[producerId] = list = [];
            }
            list.Add((partition, record));
        }
    }

    /// <summary>
    /// The transaction of <paramref name="producerId"/> ended on offsets partition <paramref name="partition"/>
    /// (its marker is written): applies its offsets there at COMMIT, drops them at ABORT.
    /// </summary>
    internal void CompleteTransaction(int partition, long producerId, bool commit)
    {
        List<GroupRecord.Offset> settled = [];
        lock (_pendingTransactionalOffsets)
        {
            if (!_pendingTransactionalOffsets.TryGetValue(producerId, out var list))
            {
                return;
            }
            list.RemoveAll(entry =>
            {
                if (entry.Partition != partition)
                {
                    return false;
                }
                settled.Add(entry.Record);
                return true;
            });
            if (list.Count == 0)
            {
                _pendingTransactionalOffsets.Remove(producerId);
            }
        }
        if (!commit)
        {
            return;
        }
        foreach (var record in settled)
        {
            while (true)
            {
                var group = _groups.TryGetValue(record.GroupId, out var existing) ? existing : Resolve<ClassicGroup>(record.GroupId, create: true, out _);
                if (group is null)
                {
                    break;
                }
                lock (group)
                {
                    if (group.Deleted)
                    {
                        continue;
                    }
                    group.ApplyOffset(record.Partition, record.Value, group.NextSequence++);
                    break;
                }
            }
        }
    }
}
