using Tributary.Broker;
using Tributary.Broker.Groups;
using Tributary.Kafka.Security.Authorization;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// OffsetCommit (key 8). Version notes: v0 group and offsets only (a commit outside group management); v1 adds
/// the generation, member id and a per-partition commit timestamp; v2–v4 a group-wide RetentionTimeMs instead
/// (Kafka ignores it since 2.1: offsets.retention.minutes decides; so do we); v3 ThrottleTimeMs; v5 drops
/// RetentionTimeMs; v6 CommittedLeaderEpoch; v7 GroupInstanceId; v8 flexible; v9 the generation field carries
/// a KIP-848 member epoch (a stale one is STALE_MEMBER_EPOCH). The commit time is the broker's clock.
/// </summary>
public sealed class OffsetCommit(IBrokerApi broker, TimeProvider time) : IKafkaHandler
{
    public short ApiKey => OffsetCommitRequest.ApiKey;

    public short LowestVersion => 0;

    public short HighestVersion => 9;

    public async ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage message, short version, CancellationToken cancellationToken)
    {
        var request = (OffsetCommitRequest)message;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var offsets = new List<(TopicPartition, CommittedOffset)>();
        // With ACLs: READ on the group, then READ on each topic; refused partitions are answered without committing.
        var groupAllowed = context.Allows(AclOperation.Read, AclResourceType.Group, request.GroupId);
        var refused = new List<(TopicPartition Partition, ErrorCode Error)>();
        foreach (var topic in request.Topics)
        {
            var refusal = !groupAllowed ? ErrorCode.GroupAuthorizationFailed
                : !context.Allows(AclOperation.Read, AclResourceType.Topic, topic.Name) ? ErrorCode.TopicAuthorizationFailed : ErrorCode.None;
            if (refusal != ErrorCode.None)
            {
                refused.AddRange(topic.Partitions.Select(p => (new TopicPartition(topic.Name, p.PartitionIndex), refusal)));
                continue;
            }
            foreach (var p in topic.Partitions)
            {
                var leaderEpoch = version >= 6 ? p.CommittedLeaderEpoch : -1;
                offsets.Add((new TopicPartition(topic.Name, p.PartitionIndex), new CommittedOffset(p.CommittedOffset, leaderEpoch, p.CommittedMetadata ?? "", now)));
            }
        }
        var results = offsets.Count == 0 && refused.Count > 0 ? [] : await broker.Groups.CommitOffsetsAsync(
            request.GroupId,
            version >= 1 ? request.GenerationIdOrMemberEpoch : -1,
            version >= 1 ? request.MemberId : "",
            version >= 7 ? request.GroupInstanceId : null,
            memberEpochSemantics: version >= 9,
            offsets).ConfigureAwait(false);
        var response = new OffsetCommitResponse();
        foreach (var group in results.Concat(refused).GroupBy(r => r.Partition.Topic))
        {
            var topic = new OffsetCommitResponse.OffsetCommitResponseTopic { Name = group.Key };
            foreach (var (partition, error) in group)
            {
                topic.Partitions.Add(new OffsetCommitResponse.OffsetCommitResponsePartition { PartitionIndex = partition.Partition, ErrorCode = (short)error });
            }
            response.Topics.Add(topic);
        }
        return response;
    }
}
