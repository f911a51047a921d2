using Tributary.Msk.Messages;
using Tributary.Msk.State;

namespace Tributary.Msk.Handlers;

/// <summary>ListConfigurations (GET /v1/configurations): every configuration in creation order, paginated.</summary>
internal sealed class ListConfigurations(MskRegistry registry) : IMskOperation
{
    public string Name => "ListConfigurations";

    public Task<MskResponse> ExecuteAsync(MskRequest request)
    {
        var configurations = registry.Configurations().Select(ConfigurationViews.Describe).ToList();
        var (page, next) = Paging.Page(configurations, request);
        return Task.FromResult(MskResponse.Ok(new ListConfigurationsResponse(page, next)));
    }
}
