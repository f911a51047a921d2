using Tributary.Broker;
using Tributary.Kafka.Security.Authorization;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// ListOffsets (key 2). Version notes: v0 answers a list of offsets (OldStyleOffsets, up to MaxNumOffsets;
/// we give the one offset found); v1 a single Offset and Timestamp; v2 IsolationLevel (read_committed answers LATEST with the last stable offset); v4 LeaderEpoch;
/// v6 flexible; v7 accepts timestamp -3 (max timestamp, KIP-734); v8 -4 (local log start, same as -2 here).
/// A timestamp with no record at or after it answers offset -1, timestamp -1.
/// </summary>
public sealed class ListOffsets(IBrokerApi broker) : IKafkaHandler
{
    private const long LocalLogStart = -4;

    public short ApiKey => ListOffsetsRequest.ApiKey;

    public short LowestVersion => 0;

    public short HighestVersion => 8;

    public ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage message, short version, CancellationToken cancellationToken)
    {
        var request = (ListOffsetsRequest)message;
        var response = new ListOffsetsResponse();
        var isolation = version >= 2 && request.IsolationLevel == 1 ? IsolationLevel.ReadCommitted : IsolationLevel.ReadUncommitted;
        foreach (var topic in request.Topics)
        {
            var topicResponse = new ListOffsetsResponse.ListOffsetsTopicResponse { Name = topic.Name };
            response.Topics.Add(topicResponse);
            var authorized = context.Allows(AclOperation.Describe, AclResourceType.Topic, topic.Name);
            foreach (var partition in topic.Partitions)
            {
                var timestamp = partition.Timestamp == LocalLogStart ? -2 : partition.Timestamp;
                var result = authorized ? broker.ListOffset(topic.Name, partition.PartitionIndex, timestamp, isolation) : new ListOffsetResult(ErrorCode.TopicAuthorizationFailed, -1, -1);
                var partitionResponse = new ListOffsetsResponse.ListOffsetsPartitionResponse
                {
                    PartitionIndex = partition.PartitionIndex,
                    ErrorCode = (short)result.Error,
                    Timestamp = result.Error == ErrorCode.None ? result.Timestamp : -1,
                    Offset = result.Error == ErrorCode.None ? result.Offset : -1,
                    LeaderEpoch = 0,
                };
                if (version == 0 && result.Error == ErrorCode.None && result.Offset >= 0 && partition.MaxNumOffsets > 0)
                {
                    partitionResponse.OldStyleOffsets.Add(result.Offset);
                }
                topicResponse.Partitions.Add(partitionResponse);
            }
        }
        return ValueTask.FromResult<IKafkaMessage?>(response);
    }
}
