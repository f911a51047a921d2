using Tributary.MskConnect.Messages;
using Tributary.MskConnect.State;

namespace Tributary.MskConnect.Handlers;

/// <summary>ListWorkerConfigurations (GET /v1/worker-configurations?maxResults&amp;nextToken&amp;namePrefix): in creation order.</summary>
internal sealed class ListWorkerConfigurations(MskConnectRegistry registry) : IMskConnectOperation
{
    public string Name => "ListWorkerConfigurations";

    public Task<MskConnectResponse> ExecuteAsync(MskConnectRequest request)
    {
        var prefix = request.QueryValue("namePrefix") ?? "";
        var (page, next) = Views.Page([.. registry.ListWorkerConfigurations().Where(w => w.Name.StartsWith(prefix, StringComparison.Ordinal)).Select(Views.WorkerSummary)], request);
        return Task.FromResult(new MskConnectResponse(new ListWorkerConfigurationsResponse(page, next)));
    }
}
