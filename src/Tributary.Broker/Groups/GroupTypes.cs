namespace Tributary.Broker.Groups;

/// <summary>One protocol a classic member supports (for consumers: an assignor name and its subscription bytes).</summary>
public readonly record struct GroupProtocol(string Name, byte[] Metadata);

/// <summary>What a JoinGroup asks.</summary>
public sealed record JoinGroupParameters(
    string GroupId,
    string MemberId,
    string? GroupInstanceId,
    string ProtocolType,
    IReadOnlyList<GroupProtocol> Protocols,
    int SessionTimeoutMs,
    int RebalanceTimeoutMs,
    bool RequireKnownMemberId,
    string ClientId,
    string ClientHost);

/// <summary>A member as the leader sees it in its JoinGroup answer.</summary>
public readonly record struct JoinGroupMember(string MemberId, string? GroupInstanceId, byte[] Metadata);

/// <summary>The JoinGroup answer. <see cref="Members"/> is filled only for the leader.</summary>
public sealed record JoinGroupResult(ErrorCode Error, int GenerationId, string? ProtocolType, string? ProtocolName, string LeaderId, bool SkipAssignment, string MemberId, IReadOnlyList<JoinGroupMember> Members)
{
    public static JoinGroupResult Failed(ErrorCode error, string memberId = "") => new(error, -1, null, null, "", false, memberId, []);
}

/// <summary>The SyncGroup answer.</summary>
public sealed record SyncGroupResult(ErrorCode Error, string? ProtocolType, string? ProtocolName, byte[] Assignment)
{
    public static SyncGroupResult Failed(ErrorCode error) => new(error, null, null, []);
}

/// <summary>A member named in a LeaveGroup (v3+ may name it by instance id with an empty member id).</summary>
public readonly record struct LeaveMember(string MemberId, string? GroupInstanceId);

/// <summary>A group in a ListGroups answer.</summary>
public sealed record GroupListing(string GroupId, string ProtocolType, string State, string Type);

/// <summary>A classic-protocol view of a group member for DescribeGroups.</summary>
public sealed record GroupMemberDescription(string MemberId, string? GroupInstanceId, string ClientId, string ClientHost, byte[] Metadata, byte[] Assignment);

/// <summary>DescribeGroups' view of a group; an unknown group is described as Dead with no members.</summary>
public sealed record GroupDescription(string GroupId, ErrorCode Error, string State, string ProtocolType, string Protocol, IReadOnlyList<GroupMemberDescription> Members);

/// <summary>Committed offset vs log end of one partition a group has committed to.</summary>
public sealed record PartitionLag(TopicPartition Partition, long CommittedOffset, long LogEndOffset, long Lag);

/// <summary>A ConsumerGroupHeartbeat (KIP-848). Nullable fields are "unchanged" when null.</summary>
public sealed record ConsumerHeartbeatParameters(
    string GroupId,
    string MemberId,
    int MemberEpoch,
    string? InstanceId,
    string? RackId,
    int RebalanceTimeoutMs,
    IReadOnlyList<string>? SubscribedTopicNames,
    string? ServerAssignor,
    IReadOnlyList<(Guid TopicId, IReadOnlyList<int> Partitions)>? OwnedPartitions,
    string ClientId,
    string ClientHost);

/// <summary>The ConsumerGroupHeartbeat answer; <see cref="Assignment"/> null means unchanged.</summary>
public sealed record ConsumerHeartbeatResult(ErrorCode Error, string? ErrorMessage, string? MemberId, int MemberEpoch, int HeartbeatIntervalMs, IReadOnlyList<(Guid TopicId, IReadOnlyList<int> Partitions)>? Assignment)
{
    public static ConsumerHeartbeatResult Failed(ErrorCode error, string message) => new(error, message, null, -1, 0, null);
}

/// <summary>A KIP-848 member as ConsumerGroupDescribe shows it.</summary>
public sealed record ConsumerMemberDescription(
    string MemberId,
    string? InstanceId,
    string? RackId,
    int MemberEpoch,
    string ClientId,
    string ClientHost,
    IReadOnlyList<string> SubscribedTopicNames,
    IReadOnlyList<(Guid TopicId, string Topic, IReadOnlyList<int> Partitions)> Assignment,
    IReadOnlyList<(Guid TopicId, string Topic, IReadOnlyList<int> Partitions)> TargetAssignment);

/// <summary>ConsumerGroupDescribe's view of a KIP-848 group.</summary>
public sealed record ConsumerGroupDescription(string GroupId, ErrorCode Error, string? ErrorMessage, string State, int GroupEpoch, int AssignmentEpoch, string AssignorName, IReadOnlyList<ConsumerMemberDescription> Members);
