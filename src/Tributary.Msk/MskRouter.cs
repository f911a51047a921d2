using Tributary.Aws.RestJson;
using Tributary.Msk.Handlers;
using Tributary.Msk.State;

namespace Tributary.Msk;

/// <summary>
/// MSK's routes (method and path template, as its API reference and the service model list them) → operations. A
/// label (<c>{clusterArn}</c>) is one raw path segment, percent-decoded: clients encode an ARN's slashes as
/// <c>%2F</c>. Immutable after construction; thread-safe.
/// </summary>
public sealed class MskRouter
{
    private readonly RestJsonRouter<IMskOperation> _routes;

    public MskRouter(MskRegistry registry)
    {
        _routes = new RestJsonRouter<IMskOperation>("MSK", operation => operation.Name)
            .Add("GET", "/v1/clusters", new ListClusters(registry))
            .Add("POST", "/v1/clusters", new CreateCluster(registry))
            .Add("GET", "/api/v2/clusters", new ListClustersV2(registry))
            .Add("POST", "/api/v2/clusters", new CreateClusterV2(registry))
            .Add("GET", "/v1/clusters/{clusterArn}", new DescribeCluster(registry))
            .Add("DELETE", "/v1/clusters/{clusterArn}", new DeleteCluster(registry))
            .Add("GET", "/api/v2/clusters/{clusterArn}", new DescribeClusterV2(registry))
            .Add("GET", "/v1/clusters/{clusterArn}/bootstrap-brokers", new GetBootstrapBrokers(registry))
            .Add("GET", "/v1/clusters/{clusterArn}/nodes", new ListNodes(registry))
            .Add("PUT", "/v1/clusters/{clusterArn}/configuration", new UpdateClusterConfiguration(registry))
            .Add("GET", "/v1/operations/{clusterOperationArn}", new DescribeClusterOperation(registry))
            .Add("GET", "/v1/kafka-versions", new ListKafkaVersions(registry))
            .Add("GET", "/v1/configurations", new ListConfigurations(registry))
            .Add("POST", "/v1/configurations", new CreateConfiguration(registry))
            .Add("GET", "/v1/configurations/{arn}", new DescribeConfiguration(registry))
            .Add("PUT", "/v1/configurations/{arn}", new UpdateConfiguration(registry))
            .Add("DELETE", "/v1/configurations/{arn}", new DeleteConfiguration(registry))
            .Add("GET", "/v1/configurations/{arn}/revisions", new ListConfigurationRevisions(registry))
            .Add("GET", "/v1/configurations/{arn}/revisions/{revision}", new DescribeConfigurationRevision(registry))
            .Add("GET", "/v1/tags/{resourceArn}", new ListTagsForResource(registry))
            .Add("POST", "/v1/tags/{resourceArn}", new TagResource(registry))
            .Add("DELETE", "/v1/tags/{resourceArn}", new UntagResource(registry));
    }

    public IEnumerable<string> OperationNames => _routes.OperationNames;

    /// <summary>The operation for a method and raw path (no query) with its labels; NotFoundException when none matches.</summary>
    public (IMskOperation Operation, Dictionary<string, string> Labels) Route(string method, string rawPath) => _routes.Route(method, rawPath);
}
