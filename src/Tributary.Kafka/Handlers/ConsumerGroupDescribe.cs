using Tributary.Broker;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// ConsumerGroupDescribe (key 69, KIP-848). Version notes: v0 flexible from the start. Per group: state, group and
/// assignment epochs, assignor, and each member's current and target assignment. GROUP_ID_NOT_FOUND for an
/// unknown group or one that is not a consumer group.
/// </summary>
public sealed class ConsumerGroupDescribe(IBrokerApi broker) : IKafkaHandler
{
    public short ApiKey => ConsumerGroupDescribeRequest.ApiKey;

    public short LowestVersion => 0;

    public short HighestVersion => 0;

    public ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage message, short version, CancellationToken cancellationToken)
    {
        var request = (ConsumerGroupDescribeRequest)message;
        var response = new ConsumerGroupDescribeResponse();
        foreach (var groupId in request.GroupIds)
        {
            var d = broker.Groups.DescribeConsumerGroup(groupId);
            var group = new ConsumerGroupDescribeResponse.DescribedGroup
            {
                ErrorCode = (short)d.Error,
                ErrorMessage = d.ErrorMessage,
                GroupId = d.GroupId,
                GroupState = d.State,
                GroupEpoch = d.GroupEpoch,
                AssignmentEpoch = d.AssignmentEpoch,
                AssignorName = d.AssignorName,
                AuthorizedOperations = request.IncludeAuthorizedOperations ? GroupCommon.AllGroupOperations : GroupCommon.AuthorizedOperationsOmitted,
            };
            foreach (var m in d.Members)
            {
                group.Members.Add(new ConsumerGroupDescribeResponse.Member
                {
                    MemberId = m.MemberId,
                    InstanceId = m.InstanceId,
                    RackId = m.RackId,
                    MemberEpoch = m.MemberEpoch,
                    ClientId = m.ClientId,
                    ClientHost = m.ClientHost,
                    SubscribedTopicNames = [.. m.SubscribedTopicNames],
                    Assignment = ToAssignment(m.Assignment),
                    TargetAssignment = ToAssignment(m.TargetAssignment),
                });
            }
            response.Groups.Add(group);
        }
        return ValueTask.FromResult<IKafkaMessage?>(response);
    }

    private static ConsumerGroupDescribeResponse.MemberAssignment ToAssignment(IReadOnlyList<(Guid TopicId, string Topic, IReadOnlyList<int> Partitions)> partitions)
    {
        var assignment = new ConsumerGroupDescribeResponse.MemberAssignment();
        foreach (var (topicId, topic, list) in partitions)
        {
            assignment.TopicPartitions.Add(new ConsumerGroupDescribeResponse.TopicIdPartitions { TopicId = topicId, TopicName = topic, Partitions = [.. list] });
        }
        return assignment;
    }
}
