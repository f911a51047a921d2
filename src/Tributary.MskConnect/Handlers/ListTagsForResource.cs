using Tributary.MskConnect.Messages;
using Tributary.MskConnect.State;

namespace Tributary.MskConnect.Handlers;

/// <summary>ListTagsForResource (GET /v1/tags/{resourceArn}): a plugin's, worker configuration's or connector's tags; NotFoundException otherwise.</summary>
internal sealed class ListTagsForResource(MskConnectRegistry registry) : IMskConnectOperation
{
    public string Name => "ListTagsForResource";

    public Task<MskConnectResponse> ExecuteAsync(MskConnectRequest request) =>
        Task.FromResult(new MskConnectResponse(new ListTagsForResourceResponse(registry.Tags(request.Label("resourceArn")))));
}
