using Tributary.Broker;
using Tributary.Kafka.Security.Authorization;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// CreateTopics (key 19). Version notes: v1 ValidateOnly and ErrorMessage; v4 NumPartitions and
/// ReplicationFactor may be -1 (broker defaults); v5 flexible, and the response reports partitions,
/// replication factor and configs; v7 topic ids. Single node: replication factor must be 1 (or -1), and
/// manual assignments may only name broker 0.
/// </summary>
public sealed class CreateTopics(IBrokerApi broker) : IKafkaHandler
{
    public short ApiKey => CreateTopicsRequest.ApiKey;

    public short LowestVersion => 0;

    public short HighestVersion => 7;

    public ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage message, short version, CancellationToken cancellationToken)
    {
        var request = (CreateTopicsRequest)message;
        var response = new CreateTopicsResponse();
        var duplicates = request.Topics.GroupBy(t => t.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        var clusterCreate = context.AllowsCluster(AclOperation.Create);
        foreach (var topic in request.Topics)
        {
            var result = new CreateTopicsResponse.CreatableTopicResult { Name = topic.Name, NumPartitions = -1, ReplicationFactor = -1 };
            response.Topics.Add(result);
            if (!clusterCreate && !context.Allows(AclOperation.Create, AclResourceType.Topic, topic.Name))
            {
                Fail(result, ErrorCode.TopicAuthorizationFailed, "Authorization failed.");
                continue;
            }
            if (duplicates.Contains(topic.Name))
            {
                Fail(result, ErrorCode.InvalidRequest, $"Topic '{topic.Name}' appears more than once in the request.");
                continue;
            }
            if (topic.ReplicationFactor is not (1 or -1))
            {
                Fail(result, ErrorCode.InvalidReplicationFactor, $"Replication factor {topic.ReplicationFactor} is larger than the 1 available broker.");
                continue;
            }
            var partitions = topic.NumPartitions;
            if (topic.Assignments.Count > 0)
            {
                if (partitions != -1 || topic.Assignments.Any(a => a.BrokerIds.Count != 1 || a.BrokerIds[0] != broker.NodeId))
                {
                    Fail(result, ErrorCode.InvalidReplicaAssignment, "Assignments must place each partition on broker 0 alone, with NumPartitions -1.");
                    continue;
                }
                partitions = topic.Assignments.Count;
            }
            if (ReservedTopics.Refusal(broker, topic.Name) is { } refusal)
            {
                Fail(result, refusal.Error, refusal.Message);
                continue;
            }
            var configs = topic.Configs.ToDictionary(c => c.Name, c => c.Value, StringComparer.Ordinal);
            var (error, errorMessage, created) = broker.CreateTopic(topic.Name, partitions, configs, request.ValidateOnly);
            if (error != ErrorCode.None)
            {
                Fail(result, error, errorMessage);
                continue;
            }
            if (created is not null)
            {
                result.TopicId = created.TopicId;
                result.NumPartitions = created.PartitionCount;
                result.ReplicationFactor = 1;
                foreach (var (name, value) in created.Configs)
                {
                    result.Configs ??= [];
                    result.Configs.Add(new CreateTopicsResponse.CreatableTopicConfigs { Name = name, Value = value, ConfigSource = 1 });
                }
            }
        }
        return ValueTask.FromResult<IKafkaMessage?>(response);
    }

    private static void Fail(CreateTopicsResponse.CreatableTopicResult result, ErrorCode error, string? message)
    {
        result.ErrorCode = (short)error;
        result.ErrorMessage = message;
    }
}
