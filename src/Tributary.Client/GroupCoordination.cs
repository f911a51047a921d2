using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Client;

/// <summary>
/// What every classic group member does the same way (the consumer, a Connect worker, a schema registry instance):
/// find the group's coordinator, and leave the group when it stops.
/// </summary>
public static class GroupCoordination
{
    private const short FindCoordinatorKey = 10, LeaveGroupKey = 13;

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
}
