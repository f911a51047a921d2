using Tributary.Broker;
using Tributary.Broker.Groups;
using Tributary.Kafka.Security.Authorization;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// OffsetFetch (key 9). Version notes: v0/v1 a list of topic partitions (errors per partition); v2 a null list
/// means every committed partition, and a group-level ErrorCode; v3 ThrottleTimeMs; v4 same layout; v5
/// CommittedLeaderEpoch; v6 flexible; v7 RequireStable (no transactions here, so every offset is stable); v8 a
/// batch of groups; v9 MemberId and MemberEpoch of a KIP-848 member (checked: UNKNOWN_MEMBER_ID,
/// STALE_MEMBER_EPOCH). A partition without a commit answers offset -1, empty metadata, no error.
/// </summary>
public sealed class OffsetFetch(IBrokerApi broker) : IKafkaHandler
{
    public short ApiKey => OffsetFetchRequest.ApiKey;

    public short LowestVersion => 0;

    public short HighestVersion => 9;

    public ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage message, short version, CancellationToken cancellationToken)
    {
        var request = (OffsetFetchRequest)message;
        var response = new OffsetFetchResponse();
        if (version >= 8)
        {
            foreach (var group in request.Groups)
            {
                var asked = group.Topics?.SelectMany(t => t.PartitionIndexes.Select(p => new TopicPartition(t.Name, p))).ToList();
                var memberId = version >= 9 && !string.IsNullOrEmpty(group.MemberId) ? group.MemberId : null;
                var (error, offsets) = context.Allows(AclOperation.Describe, AclResourceType.Group, group.GroupId)
                    ? broker.Groups.FetchOffsets(group.GroupId, asked, memberId, group.MemberEpoch)
                    : (ErrorCode.GroupAuthorizationFailed, []);
                var answer = new OffsetFetchResponse.OffsetFetchResponseGroup { GroupId = group.GroupId, ErrorCode = (short)error };
                foreach (var topic in offsets.GroupBy(o => o.Partition.Topic).Where(t => context.Allows(AclOperation.Describe, AclResourceType.Topic, t.Key)))
                {
                    var t = new OffsetFetchResponse.OffsetFetchResponseTopics { Name = topic.Key };
                    foreach (var (partition, offset) in topic)
                    {
                        t.Partitions.Add(new OffsetFetchResponse.OffsetFetchResponsePartitions
                        {
                            PartitionIndex = partition.Partition,
                            CommittedOffset = offset?.Offset ?? -1,
                            CommittedLeaderEpoch = offset?.LeaderEpoch ?? -1,
                            Metadata = offset?.Metadata ?? "",
                        });
                    }
                    answer.Topics.Add(t);
                }
                response.Groups.Add(answer);
            }
            return ValueTask.FromResult<IKafkaMessage?>(response);
        }
        var partitions = request.Topics?.SelectMany(t => t.PartitionIndexes.Select(p => new TopicPartition(t.Name, p))).ToList();
        if (partitions is null && version < 2)
        {
            partitions = [];
        }
        var (groupError, found) = context.Allows(AclOperation.Describe, AclResourceType.Group, request.GroupId)
            ? broker.Groups.FetchOffsets(request.GroupId, partitions)
            : (ErrorCode.GroupAuthorizationFailed, []);
        response.ErrorCode = (short)groupError;
        foreach (var topic in found.GroupBy(o => o.Partition.Topic).Where(t => context.Allows(AclOperation.Describe, AclResourceType.Topic, t.Key)))
        {
            var t = new OffsetFetchResponse.OffsetFetchResponseTopic { Name = topic.Key };
            foreach (var (partition, offset) in topic)
            {
                t.Partitions.Add(new OffsetFetchResponse.OffsetFetchResponsePartition
                {
                    PartitionIndex = partition.Partition,
                    CommittedOffset = offset?.Offset ?? -1,
                    CommittedLeaderEpoch = offset?.LeaderEpoch ?? -1,
                    Metadata = offset?.Metadata ?? "",
                    ErrorCode = version < 2 ? (short)groupError : (short)0,
                });
            }
            response.Topics.Add(t);
        }
        return ValueTask.FromResult<IKafkaMessage?>(response);
    }
}
