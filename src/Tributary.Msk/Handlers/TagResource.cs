using Tributary.Msk.Messages;
using Tributary.Msk.State;

namespace Tributary.Msk.Handlers;

/// <summary>
/// TagResource (POST /v1/tags/{resourceArn}, 204): adds or replaces tags on the cluster or a configuration. MSK's
/// limits: tags required, keys 1–128 characters, values up to 256, not starting with <c>aws:</c> (BadRequestException).
/// </summary>
internal sealed class TagResource(MskRegistry registry) : IMskOperation
{
    public string Name => "TagResource";

    public Task<MskResponse> ExecuteAsync(MskRequest request)
    {
        var tags = request.ReadBody<TagResourceRequest>().Tags;
        if (tags is null || tags.Count == 0)
        {
            throw MskException.BadRequest("tags is required.", "tags");
        }
        foreach (var (key, value) in tags)
        {
            if (key.Length is < 1 or > 128 || key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
            {
                throw MskException.BadRequest($"The tag key '{key}' is not valid: 1 to 128 characters, not starting with aws:.", "tags");
            }
            if (value is null || value.Length > 256)
            {
                throw MskException.BadRequest($"The value of tag '{key}' is not valid: at most 256 characters.", "tags");
            }
        }
        registry.Tag(request.Label("resourceArn"), tags);
        return Task.FromResult(MskResponse.NoContent);
    }
}
