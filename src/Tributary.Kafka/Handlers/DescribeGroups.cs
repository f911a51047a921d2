using Tributary.Broker;
using Tributary.Kafka.Security.Authorization;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// DescribeGroups (key 15). Version notes: v1 adds ThrottleTimeMs; v2 same layout; v3 AuthorizedOperations
/// (when asked; all group operations, as there are no ACLs yet); v4 GroupInstanceId of members; v5 flexible.
/// An unknown group is described as Dead with no error, as Kafka does.
/// </summary>
public sealed class DescribeGroups(IBrokerApi broker) : IKafkaHandler
{
    public short ApiKey => DescribeGroupsRequest.ApiKey;

    public short LowestVersion => 0;

    public short HighestVersion => 5;

    public ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage message, short version, CancellationToken cancellationToken)
    {
        var request = (DescribeGroupsRequest)message;
        var response = new DescribeGroupsResponse();
        foreach (var groupId in request.Groups)
        {
            if (!context.Allows(AclOperation.Describe, AclResourceType.Group, groupId))
            {
                response.Groups.Add(new DescribeGroupsResponse.DescribedGroup { GroupId = groupId, ErrorCode = (short)ErrorCode.GroupAuthorizationFailed });
                continue;
            }
            var description = broker.Groups.DescribeGroup(groupId);
            var group = new DescribeGroupsResponse.DescribedGroup
            {
                ErrorCode = (short)description.Error,
                GroupId = description.GroupId,
                GroupState = description.State,
                ProtocolType = description.ProtocolType,
                ProtocolData = description.Protocol,
                AuthorizedOperations = request.IncludeAuthorizedOperations ? GroupCommon.AllGroupOperations : GroupCommon.AuthorizedOperationsOmitted,
            };
            foreach (var member in description.Members)
            {
                group.Members.Add(new DescribeGroupsResponse.DescribedGroupMember
                {
                    MemberId = member.MemberId,
                    GroupInstanceId = member.GroupInstanceId,
                    ClientId = member.ClientId,
                    ClientHost = member.ClientHost,
                    MemberMetadata = member.Metadata,
                    MemberAssignment = member.Assignment,
                });
            }
            response.Groups.Add(group);
        }
        return ValueTask.FromResult<IKafkaMessage?>(response);
    }
}
