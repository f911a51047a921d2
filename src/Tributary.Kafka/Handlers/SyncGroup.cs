using Tributary.Broker;
using Tributary.Kafka.Security.Authorization;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// SyncGroup (key 14). Version notes: v1 adds ThrottleTimeMs; v2 same layout; v3 GroupInstanceId; v4 flexible;
/// v5 ProtocolType and ProtocolName in both directions (checked against the group's). Followers wait for the
/// leader's assignment; the answer is sent once it is durable.
/// </summary>
public sealed class SyncGroup(IBrokerApi broker) : IKafkaHandler
{
    public short ApiKey => SyncGroupRequest.ApiKey;

    public short LowestVersion => 0;

    public short HighestVersion => 5;

    public async ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage message, short version, CancellationToken cancellationToken)
    {
        var request = (SyncGroupRequest)message;
        if (!context.Allows(AclOperation.Read, AclResourceType.Group, request.GroupId))
        {
            return new SyncGroupResponse { ErrorCode = (short)ErrorCode.GroupAuthorizationFailed };
        }
        var result = await broker.Groups.SyncGroupAsync(
            request.GroupId,
            request.GenerationId,
            request.MemberId,
            version >= 3 ? request.GroupInstanceId : null,
            version >= 5 ? request.ProtocolType : null,
            version >= 5 ? request.ProtocolName : null,
            [.. request.Assignments.Select(a => (a.MemberId, a.Assignment.ToArray()))]).WaitAsync(cancellationToken).ConfigureAwait(false);
        return new SyncGroupResponse
        {
            ErrorCode = (short)result.Error,
            ProtocolType = result.ProtocolType,
            ProtocolName = result.ProtocolName,
            Assignment = result.Assignment,
        };
    }
}
