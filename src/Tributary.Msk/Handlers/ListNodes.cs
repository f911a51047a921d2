using Tributary.Msk.Messages;
using Tributary.Msk.State;

namespace Tributary.Msk.Handlers;

/// <summary>
/// ListNodes (GET /v1/clusters/{clusterArn}/nodes): the cluster's one broker (BadRequestException while a created cluster is not ACTIVE), with the Kafka node id clients see in metadata and
/// the advertised listener's host as its endpoint.
/// </summary>
internal sealed class ListNodes(MskRegistry registry) : IMskOperation
{
    public string Name => "ListNodes";

    public Task<MskResponse> ExecuteAsync(MskRequest request)
    {
        var cluster = registry.Cluster(request.Label("clusterArn"));
        var bootstrap = registry.BootstrapBrokers(cluster.Arn);
        var nodeId = registry.BrokerNodeId(cluster.Arn);
        var colon = bootstrap.LastIndexOf(':');
        var host = colon > 0 ? bootstrap[..colon] : bootstrap;
        var node = new NodeInfo
        {
            AddedToClusterTime = cluster.CreationTime,
            BrokerNodeInfo = new BrokerNodeInfo
            {
                BrokerId = nodeId,
                ClientVpcIpAddress = host,
                CurrentBrokerSoftwareInfo = ClusterViews.Software(registry, cluster),
                Endpoints = [host],
            },
            InstanceType = ClusterViews.InstanceType(registry, cluster),
            NodeARN = $"arn:aws:kafka:{registry.Options.Region}:{registry.Options.AccountId}:broker/{cluster.Name}/{MskRegistry.ClusterId(cluster.Arn)}/{nodeId}",
            NodeType = "BROKER",
        };
        var (page, next) = Paging.Page<NodeInfo>([node], request);
        return Task.FromResult(MskResponse.Ok(new ListNodesResponse(page, next)));
    }
}
