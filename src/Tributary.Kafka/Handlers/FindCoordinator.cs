using Tributary.Broker;
using Tributary.Kafka.Security.Authorization;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// FindCoordinator (key 10). Version notes: v0 a group key only; v1 adds KeyType (0 group, 1 transaction),
/// ThrottleTimeMs and ErrorMessage; v2 same layout; v3 flexible; v4 batches keys (CoordinatorKeys, one answer per
/// key); v5 same layout (a newer transaction error). This single node coordinates every group and every
/// transactional id (key type 1); an unknown key type gets INVALID_REQUEST.
/// </summary>
public sealed class FindCoordinator(IBrokerApi broker) : IKafkaHandler
{
    public short ApiKey => FindCoordinatorRequest.ApiKey;

    public short LowestVersion => 0;

    public short HighestVersion => 5;

    public ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage message, short version, CancellationToken cancellationToken)
    {
        var request = (FindCoordinatorRequest)message;
        var response = new FindCoordinatorResponse();
        if (version >= 4)
        {
            foreach (var key in request.CoordinatorKeys)
            {
                var (error, text) = Check(context, request.KeyType, key);
                response.Coordinators.Add(new FindCoordinatorResponse.Coordinator
                {
                    Key = key,
                    ErrorCode = (short)error,
                    ErrorMessage = text,
                    NodeId = error == ErrorCode.None ? broker.NodeId : -1,
                    Host = error == ErrorCode.None ? context.Listener.Host : "",
                    Port = error == ErrorCode.None ? context.Listener.Port : -1,
                });
            }
            return ValueTask.FromResult<IKafkaMessage?>(response);
        }
        var (code, errorMessage) = Check(context, version >= 1 ? request.KeyType : (sbyte)0, request.Key);
        response.ErrorCode = (short)code;
        response.ErrorMessage = errorMessage;
        response.NodeId = code == ErrorCode.None ? broker.NodeId : -1;
        response.Host = code == ErrorCode.None ? context.Listener.Host : "";
        response.Port = code == ErrorCode.None ? context.Listener.Port : -1;
        return ValueTask.FromResult<IKafkaMessage?>(response);
    }

    /// <summary>The key type, and DESCRIBE on the group or transactional id (Kafka's authorization table).</summary>
    private static (ErrorCode Error, string? Message) Check(RequestContext context, sbyte keyType, string key) => keyType switch
    {
        0 => (context.Allows(AclOperation.Describe, AclResourceType.Group, key) ? ErrorCode.None : ErrorCode.GroupAuthorizationFailed, null),
        1 => (context.Allows(AclOperation.Describe, AclResourceType.TransactionalId, key) ? ErrorCode.None : ErrorCode.TransactionalIdAuthorizationFailed, null),
        _ => (ErrorCode.InvalidRequest, $"Unknown coordinator key type {keyType}."),
    };
}
