namespace Tributary.Broker.Groups;

/// <summary>
/// The group coordinator as front-ends and in-process callers see it: classic groups (JoinGroup, SyncGroup,
/// Heartbeat, LeaveGroup), KIP-848 consumer groups (ConsumerGroupHeartbeat), committed offsets and group
/// administration. Every member is thread-safe and answers in Kafka error codes, never by throwing, except for
/// programming errors. The state behind it is a replayable record stream (<c>__consumer_offsets</c>), so another
/// implementation (a coordinator whose state lives elsewhere) can stand behind the same calls.
/// </summary>
public interface IGroupCoordinator
{
    /// <summary>ListGroups, optionally filtered by state and by type (classic, consumer).</summary>
    IReadOnlyList<GroupListing> ListGroups(IReadOnlyCollection<string>? states = null, IReadOnlyCollection<string>? types = null);

    /// <summary>DescribeGroups for one group; an unknown group is described as Dead with no members.</summary>
    GroupDescription DescribeGroup(string groupId);

    /// <summary>DeleteGroups for one group: only an empty (or dead) group with no active members.</summary>
    ValueTask<ErrorCode> DeleteGroupAsync(string groupId);

    /// <summary>JoinGroup: completes when the rebalance this join takes part in completes (or the member must rejoin).</summary>
    Task<JoinGroupResult> JoinGroupAsync(JoinGroupParameters parameters);

    /// <summary>SyncGroup: the leader brings the assignments; every member waits for its own.</summary>
    Task<SyncGroupResult> SyncGroupAsync(string groupId, int generation, string memberId, string? groupInstanceId, string? protocolType, string? protocolName, IReadOnlyList<(string MemberId, byte[] Assignment)> assignments);

    /// <summary>Heartbeat of a classic group member; REBALANCE_IN_PROGRESS tells it to rejoin.</summary>
    ErrorCode Heartbeat(string groupId, int generation, string memberId, string? groupInstanceId);

    /// <summary>LeaveGroup for one or more members (v3+ batches them); one error per member.</summary>
    (ErrorCode Error, IReadOnlyList<ErrorCode> Members) LeaveGroup(string groupId, IReadOnlyList<LeaveMember> members);

    /// <summary>ConsumerGroupHeartbeat (KIP-848): joins, heartbeats and leaves; the assignment is computed here.</summary>
    ValueTask<ConsumerHeartbeatResult> ConsumerGroupHeartbeatAsync(ConsumerHeartbeatParameters parameters);

    /// <summary>ConsumerGroupDescribe for one group.</summary>
    ConsumerGroupDescription DescribeConsumerGroup(string groupId);

    /// <summary>
    /// OffsetCommit: durable (in <c>__consumer_offsets</c>) before it completes. <paramref name="memberEpochSemantics"/>
    /// selects KIP-848's member-epoch check instead of the classic generation check.
    /// </summary>
    ValueTask<IReadOnlyList<(TopicPartition Partition, ErrorCode Error)>> CommitOffsetsAsync(
        string groupId,
        int generationOrEpoch,
        string memberId,
        string? groupInstanceId,
        bool memberEpochSemantics,
        IReadOnlyList<(TopicPartition Partition, CommittedOffset Offset)> offsets);

    /// <summary>OffsetFetch: the committed offsets of the given partitions (all of the group's when null).</summary>
    (ErrorCode Error, IReadOnlyList<(TopicPartition Partition, CommittedOffset? Offset)> Offsets) FetchOffsets(string groupId, IReadOnlyList<TopicPartition>? partitions, string? memberId = null, int memberEpoch = -1);

    /// <summary>OffsetDelete: refused per partition while the group consumes that topic.</summary>
    ValueTask<(ErrorCode Error, IReadOnlyList<(TopicPartition Partition, ErrorCode Error)> Partitions)> DeleteOffsetsAsync(string groupId, IReadOnlyList<TopicPartition> partitions);

    /// <summary>Lag per committed partition (high watermark minus committed offset), for metrics; null for an unknown group.</summary>
    IReadOnlyList<PartitionLag>? Lag(string groupId);
}
