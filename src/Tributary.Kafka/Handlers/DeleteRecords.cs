using Tributary.Broker;
using Tributary.Kafka.Security.Authorization;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// DeleteRecords (key 21). Version notes: v0/v1 same layout; v2 flexible. Moves each partition's log start
/// offset forward (offset -1 means the high watermark) and answers the new low watermark.
/// </summary>
public sealed class DeleteRecords(IBrokerApi broker) : IKafkaHandler
{
    public short ApiKey => DeleteRecordsRequest.ApiKey;

    public short LowestVersion => 0;

    public short HighestVersion => 2;

    public ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage message, short version, CancellationToken cancellationToken)
    {
        var request = (DeleteRecordsRequest)message;
        var response = new DeleteRecordsResponse();
        foreach (var topic in request.Topics)
        {
            var topicResult = new DeleteRecordsResponse.DeleteRecordsTopicResult { Name = topic.Name };
            response.Topics.Add(topicResult);
            foreach (var partition in topic.Partitions)
            {
                var (error, lowWatermark) = !context.Allows(AclOperation.Delete, AclResourceType.Topic, topic.Name) ? (ErrorCode.TopicAuthorizationFailed, -1L)
                    : ReservedTopics.Refusal(broker, topic.Name) is { } refusal
                    ? (refusal.Error, -1L)
                    : broker.DeleteRecords(topic.Name, partition.PartitionIndex, partition.Offset);
                topicResult.Partitions.Add(new DeleteRecordsResponse.DeleteRecordsPartitionResult { PartitionIndex = partition.PartitionIndex, ErrorCode = (short)error, LowWatermark = lowWatermark });
            }
        }
        return ValueTask.FromResult<IKafkaMessage?>(response);
    }
}
