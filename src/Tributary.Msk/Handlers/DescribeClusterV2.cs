using Tributary.Msk.Messages;
using Tributary.Msk.State;

namespace Tributary.Msk.Handlers;

/// <summary>DescribeClusterV2 (GET /api/v2/clusters/{clusterArn}): the cluster as PROVISIONED; NotFoundException for an unknown ARN.</summary>
internal sealed class DescribeClusterV2(MskRegistry registry) : IMskOperation
{
    public string Name => "DescribeClusterV2";

    public Task<MskResponse> ExecuteAsync(MskRequest request) =>
        Task.FromResult(MskResponse.Ok(new DescribeClusterV2Response(ClusterViews.V2(registry, registry.Cluster(request.Label("clusterArn"))))));
}
