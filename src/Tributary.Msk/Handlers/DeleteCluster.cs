using Tributary.Msk.Messages;
using Tributary.Msk.State;

namespace Tributary.Msk.Handlers;

/// <summary>
/// DeleteCluster (DELETE /v1/clusters/{clusterArn}, optional <c>currentVersion</c> query): a created cluster becomes
/// DELETING, its broker is closed (its port with it) and its data removed, then it is gone (NotFoundException).
/// NotFoundException for an unknown ARN; the embedded cluster is the server's own broker and is refused
/// (BadRequestException), as is a stale currentVersion.
/// </summary>
internal sealed class DeleteCluster(MskRegistry registry) : IMskOperation
{
    public string Name => "DeleteCluster";

    public Task<MskResponse> ExecuteAsync(MskRequest request)
    {
        var cluster = registry.DeleteCluster(request.Label("clusterArn"), request.QueryValue("currentVersion"));
        return Task.FromResult(MskResponse.Ok(new DeleteClusterResponse(cluster.Arn, MskRegistry.StateOf(cluster))));
    }
}
