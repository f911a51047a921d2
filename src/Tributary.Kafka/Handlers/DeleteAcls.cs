using Tributary.Broker;
using Tributary.Kafka.Security.Authorization;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// DeleteAcls (key 31). Version notes: v1 adds the pattern type filter (KIP-290; v0 means LITERAL); v2 flexible; v3
/// allows USER. Needs ALTER on the cluster (CLUSTER_AUTHORIZATION_FAILED per filter). Every binding a filter matches is
/// removed, durably, and listed in that filter's result. SECURITY_DISABLED without an authorizer.
/// </summary>
public sealed class DeleteAcls(AclAuthorizer? authorizer) : IKafkaHandler
{
    public short ApiKey => DeleteAclsRequest.ApiKey;

    public short LowestVersion => 0;

    public short HighestVersion => 3;

    public ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage message, short version, CancellationToken cancellationToken)
    {
        var request = (DeleteAclsRequest)message;
        var response = new DeleteAclsResponse();
        var (code, refusal) = authorizer is null ? (ErrorCode.SecurityDisabled, AclHandling.SecurityDisabledMessage)
            : !context.AllowsCluster(AclOperation.Alter) ? (ErrorCode.ClusterAuthorizationFailed, "Cluster authorization failed.")
            : (ErrorCode.None, null);
        var filters = request.Filters.Select(f => new AclBindingFilter((AclResourceType)f.ResourceTypeFilter, f.ResourceNameFilter, (AclPatternType)f.PatternTypeFilter,
            f.PrincipalFilter, f.HostFilter, (AclOperation)f.Operation, (AclPermission)f.PermissionType)).ToList();
        var usable = code == ErrorCode.None ? filters.Where(f => f.Invalid() is null).ToList() : [];
        var removed = usable.Count > 0 ? authorizer!.Store.Delete(usable) : [];
        var next = 0;
        foreach (var filter in filters)
        {
            var result = new DeleteAclsResponse.DeleteAclsFilterResult();
            response.FilterResults.Add(result);
            if (code != ErrorCode.None)
            {
                (result.ErrorCode, result.ErrorMessage) = ((short)code, refusal);
                continue;
            }
            if (filter.Invalid() is { } invalid)
            {
                (result.ErrorCode, result.ErrorMessage) = ((short)ErrorCode.InvalidRequest, invalid);
                continue;
            }
            foreach (var binding in removed[next++].Where(b => AclHandling.VisibleAt(b, version)))
            {
                result.MatchingAcls.Add(new DeleteAclsResponse.DeleteAclsMatchingAcl
                {
                    ResourceType = (sbyte)binding.ResourceType,
                    ResourceName = binding.ResourceName,
                    PatternType = (sbyte)binding.PatternType,
                    Principal = binding.Principal,
                    Host = binding.Host,
                    Operation = (sbyte)binding.Operation,
                    PermissionType = (sbyte)binding.Permission,
                });
            }
        }
        return ValueTask.FromResult<IKafkaMessage?>(response);
    }
}
