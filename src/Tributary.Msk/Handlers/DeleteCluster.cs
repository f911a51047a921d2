using Tributary.Msk.State;

namespace Tributary.Msk.Handlers;

/// <summary>
/// DeleteCluster (DELETE /v1/clusters/{clusterArn}): NotFoundException for an unknown ARN; the embedded cluster is the
/// server's own broker and cannot be deleted through the API (BadRequestException).
/// </summary>
internal sealed class DeleteCluster(MskRegistry registry) : IMskOperation
{
    public string Name => "DeleteCluster";

    public Task<MskResponse> ExecuteAsync(MskRequest request)
    {
        var cluster = registry.Cluster(request.Label("clusterArn"));
        throw MskException.BadRequest($"The cluster {cluster.Arn} is Tributary's embedded broker and cannot be deleted.", "clusterArn");
    }
}
