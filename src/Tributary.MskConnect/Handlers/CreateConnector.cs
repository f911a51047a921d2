using Tributary.MskConnect.Messages;
using Tributary.MskConnect.State;

namespace Tributary.MskConnect.Handlers;

/// <summary>CreateConnector (POST /v1/connectors): validated, stored CREATING, its worker group started.</summary>
internal sealed class CreateConnector(MskConnectRegistry registry) : IMskConnectOperation
{
    public string Name => "CreateConnector";

    public Task<MskConnectResponse> ExecuteAsync(MskConnectRequest request)
    {
        var connector = registry.CreateConnector(request.ReadBody<CreateConnectorRequest>());
        return Task.FromResult(new MskConnectResponse(new CreateConnectorResponse(connector.Arn, connector.Name, connector.State)));
    }
}
