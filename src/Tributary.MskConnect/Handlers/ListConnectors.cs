using Tributary.MskConnect.Messages;
using Tributary.MskConnect.State;

namespace Tributary.MskConnect.Handlers;

/// <summary>ListConnectors (GET /v1/connectors?connectorNamePrefix&amp;maxResults&amp;nextToken): in creation order.</summary>
internal sealed class ListConnectors(MskConnectRegistry registry) : IMskConnectOperation
{
    public string Name => "ListConnectors";

    public Task<MskConnectResponse> ExecuteAsync(MskConnectRequest request)
    {
        var prefix = request.QueryValue("connectorNamePrefix") ?? "";
        var (page, next) = Views.Page([.. registry.ListConnectors().Where(c => c.Name.StartsWith(prefix, StringComparison.Ordinal)).Select(Views.ConnectorSummary)], request);
        return Task.FromResult(new MskConnectResponse(new ListConnectorsResponse(page, next)));
    }
}
