using Tributary.Msk.Messages;
using Tributary.Msk.State;

namespace Tributary.Msk.Handlers;

/// <summary>
/// CreateCluster (POST /v1/clusters): a further cluster on this server, its own broker with its own data directory,
/// listener port and configuration (<see cref="MskRegistry.CreateCluster"/>). Answers at once with state CREATING; the
/// cluster is ACTIVE once its broker listens. The request is checked as MSK checks it (<see cref="ClusterRequests"/>).
/// </summary>
internal sealed class CreateCluster(MskRegistry registry) : IMskOperation
{
    public string Name => "CreateCluster";

    public Task<MskResponse> ExecuteAsync(MskRequest request)
    {
        var body = request.ReadBody<CreateClusterRequest>();
        var cluster = ClusterRequests.Create(registry, body.ClusterName, body, body.Tags);
        return Task.FromResult(MskResponse.Ok(new CreateClusterResponse(cluster.Arn, cluster.Name, MskRegistry.StateOf(cluster))));
    }
}
