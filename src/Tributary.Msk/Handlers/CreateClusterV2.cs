using Tributary.Msk.Messages;
using Tributary.Msk.State;

namespace Tributary.Msk.Handlers;

/// <summary>
/// CreateClusterV2 (POST /api/v2/clusters): as <see cref="CreateCluster"/> with the cluster's settings under
/// <c>provisioned</c>. Serverless clusters are refused (BadRequestException): every cluster here is a broker.
/// </summary>
internal sealed class CreateClusterV2(MskRegistry registry) : IMskOperation
{
    public string Name => "CreateClusterV2";

    public Task<MskResponse> ExecuteAsync(MskRequest request)
    {
        var body = request.ReadBody<CreateClusterV2Request>();
        if (body.Serverless is not null)
        {
            throw MskException.BadRequest("Tributary runs provisioned clusters only (each its own broker); give provisioned instead of serverless.", "serverless");
        }
        if (body.Provisioned is null)
        {
            throw MskException.BadRequest("provisioned is required.", "provisioned");
        }
        var cluster = ClusterRequests.Create(registry, body.ClusterName, body.Provisioned, body.Tags);
        return Task.FromResult(MskResponse.Ok(new CreateClusterV2Response(cluster.Arn, cluster.Name, "PROVISIONED", MskRegistry.StateOf(cluster))));
    }
}
