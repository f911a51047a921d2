using Tributary.Broker;
using Tributary.Kafka.Security.Authorization;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// CreateAcls (key 30). Version notes: v1 adds the pattern type (KIP-290; v0 means LITERAL); v2 flexible; v3 allows the
/// USER resource type. Needs ALTER on the cluster (CLUSTER_AUTHORIZATION_FAILED per creation otherwise). Each creation
/// is checked as Kafka checks it (INVALID_REQUEST with a message for an unknown type, a bad principal, a non-LITERAL/
/// PREFIXED pattern, a cluster name other than kafka-cluster); the valid ones are stored together, durably, before the
/// answer. Without an authorizer every creation gets SECURITY_DISABLED.
/// </summary>
public sealed class CreateAcls(AclAuthorizer? authorizer) : IKafkaHandler
{
    public short ApiKey => CreateAclsRequest.ApiKey;

    public short LowestVersion => 0;

    public short HighestVersion => 3;

    public ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage message, short version, CancellationToken cancellationToken)
    {
        var request = (CreateAclsRequest)message;
        var response = new CreateAclsResponse();
        var (code, refusal) = authorizer is null ? (ErrorCode.SecurityDisabled, AclHandling.SecurityDisabledMessage)
            : !context.AllowsCluster(AclOperation.Alter) ? (ErrorCode.ClusterAuthorizationFailed, "Cluster authorization failed.")
            : (ErrorCode.None, null);
        var valid = new List<AclBinding>();
        foreach (var creation in request.Creations)
        {
            var result = new CreateAclsResponse.AclCreationResult();
            response.Results.Add(result);
            if (code != ErrorCode.None)
            {
                (result.ErrorCode, result.ErrorMessage) = ((short)code, refusal);
                continue;
            }
            var binding = new AclBinding((AclResourceType)creation.ResourceType, creation.ResourceName, (AclPatternType)creation.ResourcePatternType,
                creation.Principal, creation.Host, (AclOperation)creation.Operation, (AclPermission)creation.PermissionType);
            if (binding.Invalid() is { } error)
            {
                (result.ErrorCode, result.ErrorMessage) = ((short)ErrorCode.InvalidRequest, error);
                continue;
            }
            valid.Add(binding);
        }
        if (valid.Count > 0)
        {
            authorizer!.Store.Add(valid);
        }
        return ValueTask.FromResult<IKafkaMessage?>(response);
    }
}
