using Tributary.Msk.Messages;
using Tributary.Msk.State;

namespace Tributary.Msk.Handlers;

/// <summary>ListTagsForResource (GET /v1/tags/{resourceArn}): the cluster's or a configuration's tags; NotFoundException otherwise.</summary>
internal sealed class ListTagsForResource(MskRegistry registry) : IMskOperation
{
    public string Name => "ListTagsForResource";

    public Task<MskResponse> ExecuteAsync(MskRequest request) =>
        Task.FromResult(MskResponse.Ok(new ListTagsForResourceResponse(registry.Tags(request.Label("resourceArn")))));
}
