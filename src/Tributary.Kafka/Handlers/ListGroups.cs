using Tributary.Broker;
using Tributary.Kafka.Security.Authorization;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// ListGroups (key 16). Version notes: v1 adds ThrottleTimeMs; v2 same layout; v3 flexible; v4 StatesFilter and
/// GroupState in the answer; v5 TypesFilter and GroupType ("classic" or "consumer"). Filters are case-insensitive.
/// </summary>
public sealed class ListGroups(IBrokerApi broker) : IKafkaHandler
{
    public short ApiKey => ListGroupsRequest.ApiKey;

    public short LowestVersion => 0;

    public short HighestVersion => 5;

    public ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage message, short version, CancellationToken cancellationToken)
    {
        var request = (ListGroupsRequest)message;
        var groups = broker.Groups.ListGroups(version >= 4 ? request.StatesFilter : null, version >= 5 ? request.TypesFilter : null);
        var response = new ListGroupsResponse();
        // With ACLs: DESCRIBE on the cluster lists every group; otherwise the groups the principal may DESCRIBE.
        var all = context.AllowsCluster(AclOperation.Describe);
        foreach (var group in groups.Where(g => all || context.Allows(AclOperation.Describe, AclResourceType.Group, g.GroupId)))
        {
            response.Groups.Add(new ListGroupsResponse.ListedGroup { GroupId = group.GroupId, ProtocolType = group.ProtocolType, GroupState = group.State, GroupType = group.Type });
        }
        return ValueTask.FromResult<IKafkaMessage?>(response);
    }
}
