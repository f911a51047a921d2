using Tributary.MskConnect.Messages;
using Tributary.MskConnect.State;

namespace Tributary.MskConnect.Handlers;

/// <summary>DeleteConnector (DELETE /v1/connectors/{connectorArn}?currentVersion=): answers DELETING; the workers are stopped, then the connector is gone.</summary>
internal sealed class DeleteConnector(MskConnectRegistry registry) : IMskConnectOperation
{
    public string Name => "DeleteConnector";

    public Task<MskConnectResponse> ExecuteAsync(MskConnectRequest request)
    {
        var connector = registry.DeleteConnector(request.Label("connectorArn"), request.QueryValue("currentVersion"));
        return Task.FromResult(new MskConnectResponse(new DeleteConnectorResponse(connector.Arn, connector.State)));
    }
}
