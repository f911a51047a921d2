using Tributary.Msk.Messages;
using Tributary.Msk.State;

namespace Tributary.Msk.Handlers;

/// <summary>ListClusters (GET /v1/clusters): the embedded cluster, unless clusterNameFilter (a name prefix) excludes it.</summary>
internal sealed class ListClusters(MskRegistry registry) : IMskOperation
{
    public string Name => "ListClusters";

    public Task<MskResponse> ExecuteAsync(MskRequest request)
    {
        var clusters = registry.Clusters(request.QueryValue("clusterNameFilter")).Select(c => ClusterViews.Info(registry, c)).ToList();
        var (page, next) = Paging.Page(clusters, request);
        return Task.FromResult(MskResponse.Ok(new ListClustersResponse(page, next)));
    }
}
