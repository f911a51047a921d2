using Tributary.Broker;
using Tributary.Broker.Groups;
using Tributary.Kafka.Security.Authorization;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// JoinGroup (key 11). Version notes: v0 has no rebalance timeout (the session timeout is used); v1 adds
/// RebalanceTimeoutMs; v2 ThrottleTimeMs; v3 same layout; v4 requires a known member id (a first join is answered
/// MEMBER_ID_REQUIRED with the id to come back with); v5 GroupInstanceId (static membership); v6 flexible; v7
/// ProtocolType in the answer; v8 Reason; v9 SkipAssignment. The answer waits until the rebalance completes.
/// </summary>
public sealed class JoinGroup(IBrokerApi broker) : IKafkaHandler
{
    public short ApiKey => JoinGroupRequest.ApiKey;

    public short LowestVersion => 0;

    public short HighestVersion => 9;

    public async ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage message, short version, CancellationToken cancellationToken)
    {
        var request = (JoinGroupRequest)message;
        if (!context.Allows(AclOperation.Read, AclResourceType.Group, request.GroupId))
        {
            return new JoinGroupResponse { ErrorCode = (short)ErrorCode.GroupAuthorizationFailed };
        }
        var parameters = new JoinGroupParameters(
            request.GroupId,
            request.MemberId,
            version >= 5 ? request.GroupInstanceId : null,
            request.ProtocolType,
            [.. request.Protocols.Select(p => new GroupProtocol(p.Name, p.Metadata.ToArray()))],
            request.SessionTimeoutMs,
            version >= 1 ? request.RebalanceTimeoutMs : -1,
            RequireKnownMemberId: version >= 4,
            GroupCommon.ClientId(context),
            GroupCommon.ClientHost(context));
        var result = await broker.Groups.JoinGroupAsync(parameters).WaitAsync(cancellationToken).ConfigureAwait(false);
        var response = new JoinGroupResponse
        {
            ErrorCode = (short)result.Error,
            GenerationId = result.GenerationId,
            ProtocolType = result.ProtocolType,
            // Before v7 the protocol name is not nullable.
            ProtocolName = result.ProtocolName ?? (version >= 7 ? null : ""),
            Leader = result.LeaderId,
            SkipAssignment = result.SkipAssignment,
            MemberId = result.MemberId,
        };
        foreach (var member in result.Members)
        {
            response.Members.Add(new JoinGroupResponse.JoinGroupResponseMember
            {
                MemberId = member.MemberId,
                GroupInstanceId = member.GroupInstanceId,
                Metadata = member.Metadata,
            });
        }
        return response;
    }
}
