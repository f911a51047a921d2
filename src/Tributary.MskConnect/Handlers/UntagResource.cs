using Tributary.MskConnect.Messages;
using Tributary.MskConnect.State;

namespace Tributary.MskConnect.Handlers;

/// <summary>UntagResource (DELETE /v1/tags/{resourceArn}?tagKeys=…): removes the named keys (at least one); answers <c>{}</c>.</summary>
internal sealed class UntagResource(MskConnectRegistry registry) : IMskConnectOperation
{
    public string Name => "UntagResource";

    public Task<MskConnectResponse> ExecuteAsync(MskConnectRequest request)
    {
        var keys = request.Http.Request.Query["tagKeys"].Where(k => !string.IsNullOrEmpty(k)).Select(k => k!).ToList();
        if (keys.Count == 0)
        {
            throw MskConnectException.BadRequest("tagKeys is required.");
        }
        registry.Untag(request.Label("resourceArn"), keys);
        return Task.FromResult(new MskConnectResponse(new EmptyResponse()));
    }
}
