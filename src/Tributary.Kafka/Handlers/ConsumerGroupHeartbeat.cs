using Tributary.Broker;
using Tributary.Broker.Groups;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// ConsumerGroupHeartbeat (key 68, KIP-848). Version notes: v0 flexible from the start. A member joins with epoch
/// 0 (and an empty member id: the coordinator assigns one), heartbeats with its epoch, leaves with -1 (-2 for a
/// static member). Fields left null mean "unchanged". The assignment is computed on the server (assignors
/// "uniform" and "range") and sent only when it changes.
/// </summary>
public sealed class ConsumerGroupHeartbeat(IBrokerApi broker) : IKafkaHandler
{
    public short ApiKey => ConsumerGroupHeartbeatRequest.ApiKey;

    public short LowestVersion => 0;

    public short HighestVersion => 0;

    public async ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage message, short version, CancellationToken cancellationToken)
    {
        var request = (ConsumerGroupHeartbeatRequest)message;
        var parameters = new ConsumerHeartbeatParameters(
            request.GroupId,
            request.MemberId,
            request.MemberEpoch,
            request.InstanceId,
            request.RackId,
            request.RebalanceTimeoutMs,
            request.SubscribedTopicNames,
            request.ServerAssignor,
            request.TopicPartitions?.Select(t => (t.TopicId, (IReadOnlyList<int>)t.Partitions)).ToList(),
            GroupCommon.ClientId(context),
            GroupCommon.ClientHost(context));
        var result = await broker.Groups.ConsumerGroupHeartbeatAsync(parameters).ConfigureAwait(false);
        var response = new ConsumerGroupHeartbeatResponse
        {
            ErrorCode = (short)result.Error,
            ErrorMessage = result.ErrorMessage,
            MemberId = result.MemberId,
            MemberEpoch = result.MemberEpoch,
            HeartbeatIntervalMs = result.HeartbeatIntervalMs,
        };
        if (result.Assignment is { } assignment)
        {
            response.Assignment = new ConsumerGroupHeartbeatResponse.MemberAssignment();
            foreach (var (topicId, partitions) in assignment)
            {
                response.Assignment.TopicPartitions.Add(new ConsumerGroupHeartbeatResponse.TopicIdPartitions { TopicId = topicId, Partitions = [.. partitions] });
            }
        }
        return response;
    }
}
