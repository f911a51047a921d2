using Tributary.Aws.RestJson;
using Tributary.Msk.Messages;
using Tributary.Msk.State;

namespace Tributary.Msk.Handlers;

/// <summary>
/// TagResource (POST /v1/tags/{resourceArn}, 204): adds or replaces tags on the cluster or a configuration. MSK's
/// limits (<see cref="ResourceTags"/>): tags required, keys 1–128 characters not starting with <c>aws:</c>, values up
/// to 256 (BadRequestException).
/// </summary>
internal sealed class TagResource(MskRegistry registry) : IMskOperation
{
    public string Name => "TagResource";

    public Task<MskResponse> ExecuteAsync(MskRequest request)
    {
        var tags = request.ReadBody<TagResourceRequest>().Tags;
        if (ResourceTags.Problem(tags) is { } problem)
        {
            throw MskException.BadRequest(problem, "tags");
        }
        registry.Tag(request.Label("resourceArn"), tags!);
        return Task.FromResult(MskResponse.NoContent);
    }
}
