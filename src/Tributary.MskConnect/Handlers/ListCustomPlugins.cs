using Tributary.MskConnect.Messages;
using Tributary.MskConnect.State;

namespace Tributary.MskConnect.Handlers;

/// <summary>ListCustomPlugins (GET /v1/custom-plugins?maxResults&amp;nextToken&amp;namePrefix): in creation order.</summary>
internal sealed class ListCustomPlugins(MskConnectRegistry registry) : IMskConnectOperation
{
    public string Name => "ListCustomPlugins";

    public Task<MskConnectResponse> ExecuteAsync(MskConnectRequest request)
    {
        var prefix = request.QueryValue("namePrefix") ?? "";
        var (page, next) = Views.Page([.. registry.ListPlugins().Where(p => p.Name.StartsWith(prefix, StringComparison.Ordinal)).Select(Views.PluginSummary)], request);
        return Task.FromResult(new MskConnectResponse(new ListCustomPluginsResponse(page, next)));
    }
}
