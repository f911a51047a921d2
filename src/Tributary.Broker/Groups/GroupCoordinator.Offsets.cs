using System.Text;
using Tributary.Protocol.Kafka;

namespace Tributary.Broker.Groups;

/// <summary>OffsetCommit, OffsetFetch, OffsetDelete, offset retention and lag.</summary>
internal sealed partial class GroupCoordinator
{
    /// <summary>
    /// Commits offsets for a group after Kafka's checks: a commit outside group management (generation -1,
    /// empty member id) is allowed only while the group has no members, and creates the group if needed; a
    /// member's commit must carry the current generation (classic) or member epoch (KIP-848; stale →
    /// STALE_MEMBER_EPOCH when <paramref name="memberEpochSemantics"/>, OffsetCommit v9+). Answered once the
    /// records are durable; per partition: NONE, OFFSET_METADATA_TOO_LARGE, UNKNOWN_TOPIC_OR_PARTITION, or the
    /// group-level error.
    /// </summary>
    public async ValueTask<IReadOnlyList<(TopicPartition Partition, ErrorCode Error)>> CommitOffsetsAsync(
        string groupId,
        int generationOrEpoch,
        string memberId,
        string? groupInstanceId,
        bool memberEpochSemantics,
        IReadOnlyList<(TopicPartition Partition, CommittedOffset Offset)> offsets)
    {
        IReadOnlyList<(TopicPartition, ErrorCode)> AllFailed(ErrorCode error) => [.. offsets.Select(o => (o.Partition, error))];
        if (groupId.Length == 0)
        {
            return AllFailed(ErrorCode.InvalidGroupId);
        }
        var results = new (TopicPartition Partition, ErrorCode Error)[offsets.Count];
        var records = new List<(byte[] Key, byte[]? Value)>(offsets.Count);
        var accepted = new List<(TopicPartition Partition, CommittedOffset Offset)>(offsets.Count);
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
                accepted.Add((partition, offset));
            }
        }
        while (true)
        {
            var simple = generationOrEpoch < 0 && memberId.Length == 0;
            // An existing group of either protocol; a commit outside group management may create a classic one.
            var group = _groups.TryGetValue(groupId, out var existing) ? existing : simple ? Resolve<ClassicGroup>(groupId, create: true, out _) : null;
            if (group is null)
            {
                return AllFailed(simple ? ErrorCode.CoordinatorNotAvailable : ErrorCode.IllegalGeneration);
            }
            ValueTask<ErrorCode> durable;
            long sequence;
            lock (group)
            {
                if (group.Deleted)
                {
                    continue;
                }
                var check = ValidateCommit(group, generationOrEpoch, memberId, groupInstanceId, memberEpochSemantics);
                if (check != ErrorCode.None)
                {
                    return AllFailed(check);
                }
                sequence = group.NextSequence++;
                durable = Persist(group, records);
            }
            var stored = await durable.ConfigureAwait(false);
            if (stored != ErrorCode.None)
            {
                // Kafka maps a failed append of the offsets topic to COORDINATOR_NOT_AVAILABLE (the client retries).
                return AllFailed(ErrorCode.CoordinatorNotAvailable);
            }
            lock (group)
            {
                foreach (var (partition, offset) in accepted)
                {
                    group.ApplyOffset(partition, offset, sequence);
                }
            }
            return results;
        }
    }

    private ErrorCode ValidateCommit(Group group, int generationOrEpoch, string memberId, string? groupInstanceId, bool memberEpochSemantics)
    {
        var now = Now();
        switch (group)
        {
            case ClassicGroup classic:
                if (classic.IsFencedStatic(groupInstanceId, memberId))
                {
                    return ErrorCode.FencedInstanceId;
                }
                if (generationOrEpoch < 0 && classic.Members.Count == 0)
                {
                    return ErrorCode.None;
                }
                if (classic.State == ClassicGroupState.CompletingRebalance)
                {
                    return ErrorCode.RebalanceInProgress;
                }
                if (classic.Find(memberId) is not { } member)
                {
                    return ErrorCode.UnknownMemberId;
                }
                if (generationOrEpoch != classic.Generation)
                {
                    return ErrorCode.IllegalGeneration;
                }
                member.SessionDeadline = now + member.SessionTimeoutMs;
                return ErrorCode.None;
            case ConsumerGroup consumer:
                if (generationOrEpoch < 0 && memberId.Length == 0 && consumer.Members.Count == 0)
                {
                    return ErrorCode.None;
                }
                if (!consumer.Members.TryGetValue(memberId, out var consumerMember))
                {
                    return ErrorCode.UnknownMemberId;
                }
                if (generationOrEpoch != consumerMember.MemberEpoch)
                {
                    return memberEpochSemantics ? ErrorCode.StaleMemberEpoch : ErrorCode.IllegalGeneration;
                }
                return ErrorCode.None;
            default:
                return ErrorCode.UnknownServerError;
        }
    }

    /// <summary>
    /// OffsetFetch for one group: the committed offset of each asked partition (null when none), or of every
    /// committed partition when <paramref name="partitions"/> is null. With a member id (OffsetFetch v9 from a
    /// KIP-848 member) the member and epoch are checked first.
    /// </summary>
    public (ErrorCode Error, IReadOnlyList<(TopicPartition Partition, CommittedOffset? Offset)> Offsets) FetchOffsets(string groupId, IReadOnlyList<TopicPartition>? partitions, string? memberId = null, int memberEpoch = -1)
    {
        _groups.TryGetValue(groupId, out var group);
        if (group is null)
        {
            return (ErrorCode.None, partitions is null ? [] : [.. partitions.Select(p => (p, (CommittedOffset?)null))]);
        }
        lock (group)
        {
            if (memberId is not null && group is ConsumerGroup consumer)
            {
                if (!consumer.Members.TryGetValue(memberId, out var member))
                {
                    return (ErrorCode.UnknownMemberId, []);
                }
                if (member.MemberEpoch != memberEpoch)
                {
                    return (ErrorCode.StaleMemberEpoch, []);
                }
            }
            if (partitions is null)
            {
                return (ErrorCode.None, [.. group.Offsets.OrderBy(o => o.Key.Topic, StringComparer.Ordinal).ThenBy(o => o.Key.Partition).Select(o => (o.Key, (CommittedOffset?)o.Value.Offset))]);
            }
            return (ErrorCode.None, [.. partitions.Select(p => (p, group.Offsets.TryGetValue(p, out var entry) ? entry.Offset : null))]);
        }
    }

    /// <summary>
    /// OffsetDelete: removes committed offsets of partitions the group is not consuming. Unknown group →
    /// GROUP_ID_NOT_FOUND; a non-empty group of another protocol type than "consumer" → NON_EMPTY_GROUP;
    /// a subscribed topic's partitions → GROUP_SUBSCRIBED_TO_TOPIC each.
    /// </summary>
    public async ValueTask<(ErrorCode Error, IReadOnlyList<(TopicPartition Partition, ErrorCode Error)> Partitions)> DeleteOffsetsAsync(string groupId, IReadOnlyList<TopicPartition> partitions)
    {
        while (true)
        {
            if (!_groups.TryGetValue(groupId, out var group))
            {
                return (ErrorCode.GroupIdNotFound, []);
            }
            var results = new List<(TopicPartition, ErrorCode)>(partitions.Count);
            var deleted = new List<TopicPartition>();
            ValueTask<ErrorCode> durable;
            long sequence;
            lock (group)
            {
                if (group.Deleted)
                {
                    continue;
                }
                HashSet<string> subscribed;
                switch (group)
                {
                    case ClassicGroup classic when classic.Members.Count > 0 && classic.GroupProtocolType != "consumer":
                        return (ErrorCode.NonEmptyGroup, []);
                    case ClassicGroup classic:
                        subscribed = classic.Protocol is null ? [] : [.. classic.Members.SelectMany(m => ConsumerProtocol.SubscribedTopics(m.MetadataFor(classic.Protocol)))];
                        break;
                    case ConsumerGroup consumer:
                        subscribed = [.. consumer.Members.Values.SelectMany(m => m.SubscribedTopics)];
                        break;
                    default:
                        subscribed = [];
                        break;
                }
                foreach (var partition in partitions)
                {
                    if (subscribed.Contains(partition.Topic))
                    {
                        results.Add((partition, ErrorCode.GroupSubscribedToTopic));
                    }
                    else if (_broker.GetTopic(partition.Topic) is null)
                    {
                        results.Add((partition, ErrorCode.UnknownTopicOrPartition));
                    }
                    else
                    {
                        results.Add((partition, ErrorCode.None));
                        if (group.Offsets.ContainsKey(partition))
                        {
                            deleted.Add(partition);
                        }
                    }
                }
                sequence = group.NextSequence++;
                durable = Persist(group, [.. deleted.Select(p => (GroupRecords.OffsetKey(groupId, p.Topic, p.Partition), (byte[]?)null))]);
            }
            if (await durable.ConfigureAwait(false) != ErrorCode.None)
            {
                return (ErrorCode.CoordinatorNotAvailable, []);
            }
            lock (group)
            {
                foreach (var partition in deleted)
                {
                    group.ApplyOffset(partition, null, sequence);
                }
            }
            return (ErrorCode.None, results);
        }
    }

    /// <summary>Per committed partition of a group: committed offset, log end (high watermark) and lag; null for an unknown group.</summary>
    public IReadOnlyList<PartitionLag>? Lag(string groupId)
    {
        var (_, offsets) = FetchOffsets(groupId, null);
        if (!_groups.ContainsKey(groupId))
        {
            return null;
        }
        var lags = new List<PartitionLag>(offsets.Count);
        foreach (var (partition, committed) in offsets)
        {
            var end = _broker.GetOffsets(partition.Topic, partition.Partition)?.HighWatermark ?? -1;
            var offset = committed!.Offset;
            lags.Add(new PartitionLag(partition, offset, end, end < 0 ? -1 : Math.Max(0, end - offset)));
        }
        return lags;
    }

    /// <summary>
    /// Kafka's offset retention: the offsets of a group that has been empty for offsets.retention.minutes
    /// expire (for a group that never had members, counted from each commit); expired offsets are tombstoned,
    /// and a group left with nothing is removed.
    /// </summary>
    private void ExpireOffsets(long now)
    {
        foreach (var group in _groups.Values)
        {
            lock (group)
            {
                if (group.Deleted || !group.IsEmpty)
                {
                    continue;
                }
                var offsetsOnly = group is ClassicGroup { GroupProtocolType: null };
                var expired = group.Offsets
                    .Where(o => now - (offsetsOnly ? o.Value.Offset.CommitTimestamp : Math.Max(group.EmptySince, o.Value.Offset.CommitTimestamp)) >= _options.OffsetsRetentionMs)
                    .Select(o => o.Key)
                    .ToList();
                if (expired.Count == 0)
                {
                    continue;
                }
                var sequence = group.NextSequence++;
                var records = expired.Select(p => (GroupRecords.OffsetKey(group.Id, p.Topic, p.Partition), (byte[]?)null)).ToList();
                foreach (var partition in expired)
                {
                    group.ApplyOffset(partition, null, sequence);
                }
                if (group.Offsets.Count == 0)
                {
                    records.Add(group is ConsumerGroup ? (GroupRecords.ConsumerGroupKey(group.Id), null) : (GroupRecords.ClassicGroupKey(group.Id), null));
                    group.Deleted = true;
                    _groups.TryRemove(new KeyValuePair<string, Group>(group.Id, group));
                }
                _ = Persist(group, records);
            }
        }
    }
}
