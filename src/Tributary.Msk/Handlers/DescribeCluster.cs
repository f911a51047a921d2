using Tributary.Msk.Messages;
using Tributary.Msk.State;

namespace Tributary.Msk.Handlers;

/// <summary>DescribeCluster (GET /v1/clusters/{clusterArn}); NotFoundException for an ARN that is not the embedded cluster.</summary>
internal sealed class DescribeCluster(MskRegistry registry) : IMskOperation
{
    public string Name => "DescribeCluster";

    public Task<MskResponse> ExecuteAsync(MskRequest request) =>
        Task.FromResult(MskResponse.Ok(new DescribeClusterResponse(ClusterViews.Info(registry, registry.Cluster(request.Label("clusterArn"))))));
}
