using Tributary.MskConnect.Messages;
using Tributary.MskConnect.State;

namespace Tributary.MskConnect.Handlers;

/// <summary>
/// UpdateConnector (PUT /v1/connectors/{connectorArn}?currentVersion=): capacity or configuration; answers UPDATING with
/// the connector operation it started (DescribeConnectorOperation).
/// </summary>
internal sealed class UpdateConnector(MskConnectRegistry registry) : IMskConnectOperation
{
    public string Name => "UpdateConnector";

    public Task<MskConnectResponse> ExecuteAsync(MskConnectRequest request)
    {
        var connector = registry.UpdateConnector(request.Label("connectorArn"), request.QueryValue("currentVersion"), request.ReadBody<UpdateConnectorRequest>());
        return Task.FromResult(new MskConnectResponse(new UpdateConnectorResponse(connector.Arn, connector.State, connector.Operations![^1].Arn)));
    }
}
