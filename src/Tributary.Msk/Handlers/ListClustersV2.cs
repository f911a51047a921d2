using Tributary.Msk.Messages;
using Tributary.Msk.State;

namespace Tributary.Msk.Handlers;

/// <summary>
/// ListClustersV2 (GET /api/v2/clusters): the embedded cluster as a PROVISIONED cluster; clusterNameFilter is a name
/// prefix, clusterTypeFilter PROVISIONED or SERVERLESS (anything else is BadRequestException).
/// </summary>
internal sealed class ListClustersV2(MskRegistry registry) : IMskOperation
{
    public string Name => "ListClustersV2";

    public Task<MskResponse> ExecuteAsync(MskRequest request)
    {
        var type = request.QueryValue("clusterTypeFilter");
        if (type is not (null or "PROVISIONED" or "SERVERLESS"))
        {
            throw MskException.BadRequest($"clusterTypeFilter must be PROVISIONED or SERVERLESS, not {type}.", "clusterTypeFilter");
        }
        var clusters = type == "SERVERLESS" ? []
            : registry.Clusters(request.QueryValue("clusterNameFilter")).Select(c => ClusterViews.V2(registry, c)).ToList();
        var (page, next) = Paging.Page(clusters, request);
        return Task.FromResult(MskResponse.Ok(new ListClustersV2Response(page, next)));
    }
}
