using Tributary.Broker;
using Tributary.Kafka.Security.Authorization;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// DeleteTopics (key 20). Version notes: v0–v5 name topics in TopicNames; v4 flexible; v5 ErrorMessage;
/// v6 names or ids in Topics.
/// </summary>
public sealed class DeleteTopics(IBrokerApi broker) : IKafkaHandler
{
    public short ApiKey => DeleteTopicsRequest.ApiKey;

    public short LowestVersion => 0;

    public short HighestVersion => 6;

    public ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage message, short version, CancellationToken cancellationToken)
    {
        var request = (DeleteTopicsRequest)message;
        var response = new DeleteTopicsResponse();
        var targets = version >= 6
            ? request.Topics.Select(t => (t.Name, t.TopicId)).ToList()
            : request.TopicNames.Select(n => ((string?)n, Guid.Empty)).ToList();
        foreach (var (name, id) in targets)
        {
            var topic = name is not null ? broker.GetTopic(name) : broker.GetTopic(id);
            var result = new DeleteTopicsResponse.DeletableTopicResult { Name = name ?? topic?.Name, TopicId = topic?.TopicId ?? id };
            if (topic is null)
            {
                result.ErrorCode = (short)(name is null ? ErrorCode.UnknownTopicId : ErrorCode.UnknownTopicOrPartition);
            }
            else if (!context.Allows(AclOperation.Delete, AclResourceType.Topic, topic.Name))
            {
                result.ErrorCode = (short)ErrorCode.TopicAuthorizationFailed;
            }
            else if (ReservedTopics.Refusal(broker, topic.Name) is { } refusal)
            {
                result.ErrorCode = (short)refusal.Error;
                result.ErrorMessage = refusal.Message;
            }
            else
            {
                result.ErrorCode = (short)broker.DeleteTopic(topic.Name);
            }
            response.Responses.Add(result);
        }
        return ValueTask.FromResult<IKafkaMessage?>(response);
    }
}
