using Tributary.Broker;
using Tributary.Broker.Groups;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// OffsetDelete (key 47). Version notes: v0 only. Deletes a group's committed offsets for partitions it does not
/// consume: GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP (a non-consumer group with members) at the top level;
/// GROUP_SUBSCRIBED_TO_TOPIC or UNKNOWN_TOPIC_OR_PARTITION per partition.
/// </summary>
public sealed class OffsetDelete(IBrokerApi broker) : IKafkaHandler
{
    public short ApiKey => OffsetDeleteRequest.ApiKey;

    public short LowestVersion => 0;

    public short HighestVersion => 0;

    public async ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage message, short version, CancellationToken cancellationToken)
    {
        var request = (OffsetDeleteRequest)message;
        var partitions = request.Topics.SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Name, p.PartitionIndex))).ToList();
        var (error, results) = await broker.Groups.DeleteOffsetsAsync(request.GroupId, partitions).ConfigureAwait(false);
        var response = new OffsetDeleteResponse { ErrorCode = (short)error };
        foreach (var topic in results.GroupBy(r => r.Partition.Topic))
        {
            var t = new OffsetDeleteResponse.OffsetDeleteResponseTopic { Name = topic.Key };
            foreach (var (partition, partitionError) in topic)
            {
                t.Partitions.Add(new OffsetDeleteResponse.OffsetDeleteResponsePartition { PartitionIndex = partition.Partition, ErrorCode = (short)partitionError });
            }
            response.Topics.Add(t);
        }
        return response;
    }
}
