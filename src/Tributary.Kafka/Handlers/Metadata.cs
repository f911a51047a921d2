using Tributary.Broker;
using Tributary.Kafka.Security.Authorization;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// Metadata (key 3). Version notes: v0 — an empty topic list means all topics and topics are created
/// automatically (no AllowAutoTopicCreation field; kafka-python probes with v0 and reads with v1);
/// v1 — null topic list means all, empty means none, adds ControllerId, IsInternal, Rack; v2 ClusterId;
/// v3 ThrottleTimeMs; v4 AllowAutoTopicCreation; v5 OfflineReplicas; v7 LeaderEpoch; v8 authorized
/// operations (not computed: left at the "not requested" value); v9 flexible; v10 topic ids; v12 topics
/// may be asked by id only. Single node: broker 0 leads every partition. With ACLs: the all-topics list leaves out
/// topics the principal may not DESCRIBE (as Kafka); a named one it may not describe gets TOPIC_AUTHORIZATION_FAILED;
/// auto-creation needs CREATE on the cluster or the topic.
/// </summary>
public sealed class Metadata(IBrokerApi broker) : IKafkaHandler
{
    public short ApiKey => MetadataRequest.ApiKey;

    public short LowestVersion => 0;

    public short HighestVersion => 12;

    public ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage message, short version, CancellationToken cancellationToken)
    {
        var request = (MetadataRequest)message;
        var response = new MetadataResponse
        {
            ClusterId = broker.ClusterId,
            ControllerId = broker.NodeId,
        };
        response.Brokers.Add(new MetadataResponse.MetadataResponseBroker { NodeId = broker.NodeId, Host = context.Listener.Host, Port = context.Listener.Port });

        var all = request.Topics is null || (version == 0 && request.Topics.Count == 0);
        if (all)
        {
            foreach (var topic in broker.ListTopics(includeInternal: true))
            {
                if (context.Allows(AclOperation.Describe, AclResourceType.Topic, topic.Name))
                {
                    response.Topics.Add(Describe(topic, ErrorCode.None));
                }
            }
        }
        else
        {
            var allowAutoCreate = version < 4 || request.AllowAutoTopicCreation;
            foreach (var requested in request.Topics!)
            {
                if (requested.Name is null)
                {
                    var byId = broker.GetTopic(requested.TopicId);
                    if (byId is not null && !context.Allows(AclOperation.Describe, AclResourceType.Topic, byId.Name))
                    {
                        response.Topics.Add(new MetadataResponse.MetadataResponseTopic { TopicId = requested.TopicId, ErrorCode = (short)ErrorCode.TopicAuthorizationFailed });
                        continue;
                    }
                    response.Topics.Add(byId is null
                        ? new MetadataResponse.MetadataResponseTopic { TopicId = requested.TopicId, ErrorCode = (short)ErrorCode.UnknownTopicId }
                        : Describe(byId, ErrorCode.None));
                    continue;
                }
                if (!context.Allows(AclOperation.Describe, AclResourceType.Topic, requested.Name))
                {
                    response.Topics.Add(new MetadataResponse.MetadataResponseTopic { Name = requested.Name, ErrorCode = (short)ErrorCode.TopicAuthorizationFailed });
                    continue;
                }
                // A reserved name is never auto-created by a Kafka client (only its owner creates such topics).
                var mayCreate = context.AllowsCluster(AclOperation.Create) || context.Allows(AclOperation.Create, AclResourceType.Topic, requested.Name);
                var (error, topic) = broker.GetOrAutoCreateTopic(requested.Name, allowAutoCreate && mayCreate && broker.TopicOwner(requested.Name) is null);
                response.Topics.Add(topic is null
                    ? new MetadataResponse.MetadataResponseTopic { Name = requested.Name, ErrorCode = (short)error }
                    : Describe(topic, error));
            }
        }
        return ValueTask.FromResult<IKafkaMessage?>(response);
    }

    private MetadataResponse.MetadataResponseTopic Describe(TopicInfo topic, ErrorCode error)
    {
        var result = new MetadataResponse.MetadataResponseTopic
        {
            Name = topic.Name,
            TopicId = topic.TopicId,
            IsInternal = topic.IsInternal,
            ErrorCode = (short)error,
        };
        for (var partition = 0; partition < topic.PartitionCount; partition++)
        {
            result.Partitions.Add(new MetadataResponse.MetadataResponsePartition
            {
                PartitionIndex = partition,
                LeaderId = broker.NodeId,
                LeaderEpoch = 0,
                ReplicaNodes = [broker.NodeId],
                IsrNodes = [broker.NodeId],
            });
        }
        return result;
    }
}
