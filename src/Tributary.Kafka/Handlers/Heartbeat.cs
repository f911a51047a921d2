using Tributary.Broker;
using Tributary.Kafka.Security.Authorization;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// Heartbeat (key 12). Version notes: v1 adds ThrottleTimeMs; v2 same layout; v3 GroupInstanceId; v4 flexible.
/// REBALANCE_IN_PROGRESS tells a member to rejoin; UNKNOWN_MEMBER_ID and ILLEGAL_GENERATION that it was removed
/// or is behind; FENCED_INSTANCE_ID that another process took its static identity.
/// </summary>
public sealed class Heartbeat(Broker.IBrokerApi broker) : IKafkaHandler
{
    public short ApiKey => HeartbeatRequest.ApiKey;

    public short LowestVersion => 0;

    public short HighestVersion => 4;

    public ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage message, short version, CancellationToken cancellationToken)
    {
        var request = (HeartbeatRequest)message;
        var error = !context.Allows(AclOperation.Read, AclResourceType.Group, request.GroupId) ? ErrorCode.GroupAuthorizationFailed : broker.Groups.Heartbeat(request.GroupId, request.GenerationId, request.MemberId, version >= 3 ? request.GroupInstanceId : null);
        return ValueTask.FromResult<IKafkaMessage?>(new HeartbeatResponse { ErrorCode = (short)error });
    }
}
