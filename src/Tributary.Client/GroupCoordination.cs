using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Client;

/// <summary>
/// What every classic group member does the same way (the consumer, a Connect worker, a schema registry instance):
/// find the group's coordinator, and leave the group when it stops.
/// </summary>
public static class GroupCoordination
{
    private const short FindCoordinatorKey = 10, LeaveGroupKey = 13, OffsetCommitKey = 8, OffsetFetchKey = 9;

    /// <summary>FindCoordinator (key type 0, a group) through any broker, then a connection to the coordinator.</summary>
    public static async Task<KafkaConnection> FindCoordinatorAsync(KafkaClient client, string groupId, CancellationToken cancellationToken)
    {
        var any = await client.AnyConnectionAsync(cancellationToken).ConfigureAwait(false);
        var response = await any.SendNegotiatedAsync<FindCoordinatorResponse>(new FindCoordinatorRequest { Key = groupId, KeyType = 0 }, FindCoordinatorKey, 3, cancellationToken).ConfigureAwait(false);
        if (response.ErrorCode != 0)
        {
            throw new KafkaClientException(response.ErrorCode, $"FindCoordinator {groupId}: error {response.ErrorCode}.");
        }
        return await client.NodeConnectionAsync(response.NodeId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// LeaveGroup, so the group rebalances at once rather than after the session timeout. Leaving is a courtesy: an
    /// error, or no live coordinator connection, is ignored (the session timeout removes the member anyway).
    /// </summary>
    public static async Task LeaveAsync(KafkaConnection? coordinator, string groupId, string memberId)
    {
        if (coordinator is not { IsFailed: false } || memberId.Length == 0)
        {
            return;
        }
        try
        {
            await coordinator.SendNegotiatedAsync<LeaveGroupResponse>(new LeaveGroupRequest
            {
                GroupId = groupId,
                MemberId = memberId,
                Members = [new LeaveGroupRequest.MemberIdentity { MemberId = memberId }],
            }, LeaveGroupKey).ConfigureAwait(false);
        }
        catch (KafkaClientException)
        {
            // See above.
        }
    }

    /// <summary>
    /// The offset <paramref name="groupId"/> committed for one partition (OffsetFetch), or null when it committed none:
    /// what a consumer that assigns itself partitions (no group membership) resumes from.
    /// </summary>
    public static async Task<long?> CommittedOffsetAsync(KafkaConnection coordinator, string groupId, string topic, int partition, CancellationToken cancellationToken)
    {
        var response = await coordinator.SendNegotiatedAsync<OffsetFetchResponse>(new OffsetFetchRequest
        {
            GroupId = groupId,
            Topics = [new OffsetFetchRequest.OffsetFetchRequestTopic { Name = topic, PartitionIndexes = [partition] }],
        }, OffsetFetchKey, 7, cancellationToken).ConfigureAwait(false);
        if (response.ErrorCode != 0)
        {
            throw new KafkaClientException(response.ErrorCode, $"OffsetFetch for group {groupId}: error {response.ErrorCode}.");
        }
        var committed = response.Topics.Where(t => t.Name == topic).SelectMany(t => t.Partitions).FirstOrDefault(p => p.PartitionIndex == partition);
        return committed is { ErrorCode: 0, CommittedOffset: >= 0 } ? committed.CommittedOffset : null;
    }

    /// <summary>
    /// Commits <paramref name="offset"/> for one partition outside group management (generation -1, no member id), as
    /// Kafka's consumer does for partitions it assigned itself; the group must have no members.
    /// </summary>
    public static async Task CommitOffsetAsync(KafkaConnection coordinator, string groupId, string topic, int partition, long offset, CancellationToken cancellationToken)
    {
        var response = await coordinator.SendNegotiatedAsync<OffsetCommitResponse>(new OffsetCommitRequest
        {
            GroupId = groupId,
            GenerationIdOrMemberEpoch = -1,
            MemberId = "",
            Topics = [new OffsetCommitRequest.OffsetCommitRequestTopic
            {
                Name = topic,
                Partitions = [new OffsetCommitRequest.OffsetCommitRequestPartition { PartitionIndex = partition, CommittedOffset = offset }],
            }],
        }, OffsetCommitKey, 8, cancellationToken).ConfigureAwait(false);
        var error = response.Topics.SelectMany(t => t.Partitions).Select(p => p.ErrorCode).FirstOrDefault(e => e != 0);
        if (error != 0)
        {
            throw new KafkaClientException(error, $"OffsetCommit for group {groupId}: error {error}.");
        }
    }
}
