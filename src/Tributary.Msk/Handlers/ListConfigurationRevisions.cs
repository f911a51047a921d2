using Tributary.Msk.Messages;
using Tributary.Msk.State;

namespace Tributary.Msk.Handlers;

/// <summary>ListConfigurationRevisions (GET /v1/configurations/{arn}/revisions): revisions oldest first, paginated.</summary>
internal sealed class ListConfigurationRevisions(MskRegistry registry) : IMskOperation
{
    public string Name => "ListConfigurationRevisions";

    public Task<MskResponse> ExecuteAsync(MskRequest request)
    {
        var revisions = registry.Configuration(request.Label("arn")).Revisions.Select(ConfigurationViews.Revision).ToList();
        var (page, next) = Paging.Page(revisions, request);
        return Task.FromResult(MskResponse.Ok(new ListConfigurationRevisionsResponse(page, next)));
    }
}
