using Tributary.Broker;
using Tributary.Kafka.Security.Authorization;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// DescribeCluster (key 60). Version notes: v0 flexible from the start; v1 adds EndpointType (1 = brokers;
/// 2 = controllers, which this single node also is).
/// </summary>
public sealed class DescribeCluster(IBrokerApi broker) : IKafkaHandler
{
    public short ApiKey => DescribeClusterRequest.ApiKey;

    public short LowestVersion => 0;

    public short HighestVersion => 1;

    public ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage message, short version, CancellationToken cancellationToken)
    {
        var request = (DescribeClusterRequest)message;
        var response = new DescribeClusterResponse
        {
            EndpointType = request.EndpointType,
            ClusterId = broker.ClusterId,
            ControllerId = broker.NodeId,
        };
        if (!context.AllowsCluster(AclOperation.Describe))
        {
            response.ErrorCode = (short)ErrorCode.ClusterAuthorizationFailed;
            return ValueTask.FromResult<IKafkaMessage?>(response);
        }
        if (request.EndpointType is not (1 or 2))
        {
            response.ErrorCode = (short)ErrorCode.InvalidRequest;
            response.ErrorMessage = $"Unknown endpoint type {request.EndpointType}.";
            return ValueTask.FromResult<IKafkaMessage?>(response);
        }
        response.Brokers.Add(new DescribeClusterResponse.DescribeClusterBroker { BrokerId = broker.NodeId, Host = context.Listener.Host, Port = context.Listener.Port });
        return ValueTask.FromResult<IKafkaMessage?>(response);
    }
}
