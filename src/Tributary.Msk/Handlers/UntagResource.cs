using Tributary.Msk.State;

namespace Tributary.Msk.Handlers;

/// <summary>UntagResource (DELETE /v1/tags/{resourceArn}?tagKeys=…, 204): removes the named keys; at least one is required.</summary>
internal sealed class UntagResource(MskRegistry registry) : IMskOperation
{
    public string Name => "UntagResource";

    public Task<MskResponse> ExecuteAsync(MskRequest request)
    {
        var keys = request.Query["tagKeys"].Where(k => !string.IsNullOrEmpty(k)).Select(k => k!).ToList();
        if (keys.Count == 0)
        {
            throw MskException.BadRequest("tagKeys is required.", "tagKeys");
        }
        registry.Untag(request.Label("resourceArn"), keys);
        return Task.FromResult(MskResponse.NoContent);
    }
}
