using Tributary.Broker;
using Tributary.Broker.Groups;
using Tributary.Kafka.Security.Authorization;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// LeaveGroup (key 13). Version notes: v0–v2 one MemberId (v1 adds ThrottleTimeMs); v3 a batch of members, each
/// by member id and/or GroupInstanceId, answered per member; v4 flexible; v5 a Reason per member.
/// </summary>
public sealed class LeaveGroup(IBrokerApi broker) : IKafkaHandler
{
    public short ApiKey => LeaveGroupRequest.ApiKey;

    public short LowestVersion => 0;

    public short HighestVersion => 5;

    public ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage message, short version, CancellationToken cancellationToken)
    {
        var request = (LeaveGroupRequest)message;
        var response = new LeaveGroupResponse();
        if (!context.Allows(AclOperation.Read, AclResourceType.Group, request.GroupId))
        {
            response.ErrorCode = (short)ErrorCode.GroupAuthorizationFailed;
            return ValueTask.FromResult<IKafkaMessage?>(response);
        }
        if (version < 3)
        {
            var (_, errors) = broker.Groups.LeaveGroup(request.GroupId, [new LeaveMember(request.MemberId, null)]);
            response.ErrorCode = (short)errors[0];
            return ValueTask.FromResult<IKafkaMessage?>(response);
        }
        var members = request.Members.Select(m => new LeaveMember(m.MemberId, m.GroupInstanceId)).ToList();
        var (error, memberErrors) = broker.Groups.LeaveGroup(request.GroupId, members);
        response.ErrorCode = (short)error;
        for (var i = 0; i < members.Count; i++)
        {
            response.Members.Add(new LeaveGroupResponse.MemberResponse
            {
                MemberId = members[i].MemberId,
                GroupInstanceId = members[i].GroupInstanceId,
                ErrorCode = (short)memberErrors[i],
            });
        }
        return ValueTask.FromResult<IKafkaMessage?>(response);
    }
}
