using Tributary.MskConnect.Messages;
using Tributary.MskConnect.State;

namespace Tributary.MskConnect.Handlers;

/// <summary>
/// DescribeConnector (GET /v1/connectors/{connectorArn}). MSK's shape has no member for an autoscaled connector's
/// current worker count; it is sent as the header <c>x-tributary-worker-count</c> (with the worker process ids in
/// <c>x-tributary-worker-pids</c>) for operators and tests.
/// </summary>
internal sealed class DescribeConnector(MskConnectRegistry registry) : IMskConnectOperation
{
    public string Name => "DescribeConnector";

    public Task<MskConnectResponse> ExecuteAsync(MskConnectRequest request)
    {
        var (connector, pids) = registry.GetConnector(request.Label("connectorArn"));
        request.Http.Response.Headers["x-tributary-worker-count"] = connector.WorkerCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        request.Http.Response.Headers["x-tributary-worker-pids"] = string.Join(',', pids);
        var spec = connector.Spec;
        return Task.FromResult(new MskConnectResponse(new DescribeConnectorResponse(
            spec.Capacity!, connector.Arn, spec.ConnectorConfiguration!, spec.ConnectorDescription, connector.Name, connector.State,
            connector.CreationTime, connector.CurrentVersion, spec.KafkaCluster!, spec.KafkaClusterClientAuthentication,
            spec.KafkaClusterEncryptionInTransit, spec.KafkaConnectVersion!, spec.LogDelivery, spec.Plugins!, spec.ServiceExecutionRoleArn,
            connector.StateDescription, spec.WorkerConfiguration)));
    }
}
