using Tributary.Broker;
using Tributary.Kafka.Security.Authorization;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// CreatePartitions (key 37). Version notes: v0/v1 same layout; v2 flexible; v3 same as v2. Grows a topic;
/// manual assignments may only name broker 0 (single node).
/// </summary>
public sealed class CreatePartitions(IBrokerApi broker) : IKafkaHandler
{
    public short ApiKey => CreatePartitionsRequest.ApiKey;

    public short LowestVersion => 0;

    public short HighestVersion => 3;

    public ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage message, short version, CancellationToken cancellationToken)
    {
        var request = (CreatePartitionsRequest)message;
        var response = new CreatePartitionsResponse();
        foreach (var topic in request.Topics)
        {
            var result = new CreatePartitionsResponse.CreatePartitionsTopicResult { Name = topic.Name };
            response.Results.Add(result);
            if (topic.Assignments is { } assignments && assignments.Any(a => a.BrokerIds.Count != 1 || a.BrokerIds[0] != broker.NodeId))
            {
                result.ErrorCode = (short)ErrorCode.InvalidReplicaAssignment;
                result.ErrorMessage = "Assignments may only place partitions on broker 0.";
                continue;
            }
            var (error, errorMessage) = !context.Allows(AclOperation.Alter, AclResourceType.Topic, topic.Name) ? (ErrorCode.TopicAuthorizationFailed, null)
                : ReservedTopics.Refusal(broker, topic.Name) ?? broker.CreatePartitions(topic.Name, topic.Count, request.ValidateOnly);
            result.ErrorCode = (short)error;
            result.ErrorMessage = errorMessage;
        }
        return ValueTask.FromResult<IKafkaMessage?>(response);
    }
}
