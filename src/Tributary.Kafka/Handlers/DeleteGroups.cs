using Tributary.Broker;
using Tributary.Kafka.Security.Authorization;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// DeleteGroups (key 42). Version notes: v1 same layout; v2 flexible. Per group: NONE, GROUP_ID_NOT_FOUND, or
/// NON_EMPTY_GROUP while it has members; a deleted group's committed offsets go with it.
/// </summary>
public sealed class DeleteGroups(IBrokerApi broker) : IKafkaHandler
{
    public short ApiKey => DeleteGroupsRequest.ApiKey;

    public short LowestVersion => 0;

    public short HighestVersion => 2;

    public async ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage message, short version, CancellationToken cancellationToken)
    {
        var request = (DeleteGroupsRequest)message;
        var response = new DeleteGroupsResponse();
        foreach (var groupId in request.GroupsNames)
        {
            var error = context.Allows(AclOperation.Delete, AclResourceType.Group, groupId)
                ? await broker.Groups.DeleteGroupAsync(groupId).ConfigureAwait(false)
                : ErrorCode.GroupAuthorizationFailed;
            response.Results.Add(new DeleteGroupsResponse.DeletableGroupResult { GroupId = groupId, ErrorCode = (short)error });
        }
        return response;
    }
}
