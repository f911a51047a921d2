using Tributary.Broker;
using Tributary.Kafka.Security.Authorization;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// DescribeAcls (key 29). Version notes: v1 adds the pattern type filter (KIP-290; v0 means LITERAL and never sees
/// PREFIXED bindings); v2 flexible; v3 allows USER. Needs DESCRIBE on the cluster (CLUSTER_AUTHORIZATION_FAILED).
/// Bindings matching the filter, grouped by resource pattern. SECURITY_DISABLED without an authorizer.
/// </summary>
public sealed class DescribeAcls(AclAuthorizer? authorizer) : IKafkaHandler
{
    public short ApiKey => DescribeAclsRequest.ApiKey;

    public short LowestVersion => 0;

    public short HighestVersion => 3;

    public ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage message, short version, CancellationToken cancellationToken)
    {
        var request = (DescribeAclsRequest)message;
        var response = new DescribeAclsResponse();
        var filter = new AclBindingFilter((AclResourceType)request.ResourceTypeFilter, request.ResourceNameFilter, (AclPatternType)request.PatternTypeFilter,
            request.PrincipalFilter, request.HostFilter, (AclOperation)request.Operation, (AclPermission)request.PermissionType);
        if (authorizer is null)
        {
            (response.ErrorCode, response.ErrorMessage) = ((short)ErrorCode.SecurityDisabled, AclHandling.SecurityDisabledMessage);
        }
        else if (!context.AllowsCluster(AclOperation.Describe))
        {
            (response.ErrorCode, response.ErrorMessage) = ((short)ErrorCode.ClusterAuthorizationFailed, "Cluster authorization failed.");
        }
        else if (filter.Invalid() is { } invalid)
        {
            (response.ErrorCode, response.ErrorMessage) = ((short)ErrorCode.InvalidRequest, invalid);
        }
        else
        {
            foreach (var resource in authorizer.Store.Bindings.Where(b => filter.Matches(b) && AclHandling.VisibleAt(b, version)).GroupBy(b => (b.ResourceType, b.ResourceName, b.PatternType)))
            {
                var entry = new DescribeAclsResponse.DescribeAclsResource { ResourceType = (sbyte)resource.Key.ResourceType, ResourceName = resource.Key.ResourceName, PatternType = (sbyte)resource.Key.PatternType };
                foreach (var binding in resource)
                {
                    entry.Acls.Add(new DescribeAclsResponse.AclDescription { Principal = binding.Principal, Host = binding.Host, Operation = (sbyte)binding.Operation, PermissionType = (sbyte)binding.Permission });
                }
                response.Resources.Add(entry);
            }
        }
        return ValueTask.FromResult<IKafkaMessage?>(response);
    }
}
