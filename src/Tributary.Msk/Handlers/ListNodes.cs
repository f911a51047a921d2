using Tributary.Msk.Messages;
using Tributary.Msk.State;

namespace Tributary.Msk.Handlers;

/// <summary>
/// ListNodes (GET /v1/clusters/{clusterArn}/nodes): the one broker, with the Kafka node id clients see in metadata and
/// the advertised listener's host as its endpoint.
/// </summary>
internal sealed class ListNodes(MskRegistry registry) : IMskOperation
{
    public string Name => "ListNodes";

    public Task<MskResponse> ExecuteAsync(MskRequest request)
    {
        var cluster = registry.Cluster(request.Label("clusterArn"));
        var bootstrap = registry.BootstrapBrokers;
        var colon = bootstrap.LastIndexOf(':');
        var host = colon > 0 ? bootstrap[..colon] : bootstrap;
        var node = new NodeInfo
        {
            AddedToClusterTime = cluster.CreationTime,
            BrokerNodeInfo = new BrokerNodeInfo
            {
                BrokerId = registry.BrokerNodeId,
                ClientVpcIpAddress = host,
                CurrentBrokerSoftwareInfo = ClusterViews.Software(registry, cluster),
                Endpoints = [host],
            },
            InstanceType = registry.Options.InstanceType,
            NodeARN = $"arn:aws:kafka:{registry.Options.Region}:{registry.Options.AccountId}:broker/{cluster.Name}/{MskRegistry.ClusterId(cluster.Arn)}/{registry.BrokerNodeId}",
            NodeType = "BROKER",
        };
        var (page, next) = Paging.Page<NodeInfo>([node], request);
        return Task.FromResult(MskResponse.Ok(new ListNodesResponse(page, next)));
    }
}
