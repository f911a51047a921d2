using Tributary.Aws.RestJson;
using Tributary.MskConnect.Handlers;
using Tributary.MskConnect.State;

namespace Tributary.MskConnect;

/// <summary>
/// MSK Connect's routes (method and path template from its API reference) → operations. A label is one raw path
/// segment, percent-decoded: clients encode an ARN's slashes as <c>%2F</c>. Immutable after construction; thread-safe.
/// </summary>
public sealed class MskConnectRouter
{
    private readonly RestJsonRouter<IMskConnectOperation> _routes;

    public MskConnectRouter(MskConnectRegistry registry)
    {
        _routes = new RestJsonRouter<IMskConnectOperation>("MSK Connect", operation => operation.Name)
            .Add("POST", "/v1/custom-plugins", new CreateCustomPlugin(registry))
            .Add("GET", "/v1/custom-plugins", new ListCustomPlugins(registry))
            .Add("GET", "/v1/custom-plugins/{customPluginArn}", new DescribeCustomPlugin(registry))
            .Add("DELETE", "/v1/custom-plugins/{customPluginArn}", new DeleteCustomPlugin(registry))
            .Add("POST", "/v1/worker-configurations", new CreateWorkerConfiguration(registry))
            .Add("GET", "/v1/worker-configurations", new ListWorkerConfigurations(registry))
            .Add("GET", "/v1/worker-configurations/{workerConfigurationArn}", new DescribeWorkerConfiguration(registry))
            .Add("DELETE", "/v1/worker-configurations/{workerConfigurationArn}", new DeleteWorkerConfiguration(registry))
            .Add("POST", "/v1/connectors", new CreateConnector(registry))
            .Add("GET", "/v1/connectors", new ListConnectors(registry))
            .Add("GET", "/v1/connectors/{connectorArn}", new DescribeConnector(registry))
            .Add("PUT", "/v1/connectors/{connectorArn}", new UpdateConnector(registry))
            .Add("DELETE", "/v1/connectors/{connectorArn}", new DeleteConnector(registry))
            .Add("GET", "/v1/connectors/{connectorArn}/operations", new ListConnectorOperations(registry))
            .Add("GET", "/v1/connectorOperations/{connectorOperationArn}", new DescribeConnectorOperation(registry))
            .Add("GET", "/v1/tags/{resourceArn}", new ListTagsForResource(registry))
            .Add("POST", "/v1/tags/{resourceArn}", new TagResource(registry))
            .Add("DELETE", "/v1/tags/{resourceArn}", new UntagResource(registry));
    }

    public IEnumerable<string> OperationNames => _routes.OperationNames;

    /// <summary>The operation for a method and raw path (no query) with its labels; NotFoundException when none matches.</summary>
    public (IMskConnectOperation Operation, Dictionary<string, string> Labels) Route(string method, string rawPath) => _routes.Route(method, rawPath);
}
