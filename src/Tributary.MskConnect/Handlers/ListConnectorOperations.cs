using Tributary.MskConnect.Messages;
using Tributary.MskConnect.State;

namespace Tributary.MskConnect.Handlers;

/// <summary>ListConnectorOperations (GET /v1/connectors/{connectorArn}/operations): the connector's UpdateConnector operations, newest first, paged.</summary>
internal sealed class ListConnectorOperations(MskConnectRegistry registry) : IMskConnectOperation
{
    public string Name => "ListConnectorOperations";

    public Task<MskConnectResponse> ExecuteAsync(MskConnectRequest request)
    {
        var operations = registry.ConnectorOperations(request.Label("connectorArn"))
            .Select(o => new ConnectorOperationSummary(o.Arn, o.Type, o.State, o.CreationTime, o.EndTime)).ToList();
        var (page, next) = Views.Page(operations, request);
        return Task.FromResult(new MskConnectResponse(new ListConnectorOperationsResponse(page, next)));
    }
}
