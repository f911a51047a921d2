using Tributary.Aws.RestJson;
using Tributary.MskConnect.Messages;
using Tributary.MskConnect.State;

namespace Tributary.MskConnect.Handlers;

/// <summary>
/// TagResource (POST /v1/tags/{resourceArn}): adds or replaces tags on a custom plugin, worker configuration or
/// connector; answers <c>{}</c>. The limits of <see cref="ResourceTags"/> (BadRequestException); NotFoundException for
/// an unknown ARN.
/// </summary>
internal sealed class TagResource(MskConnectRegistry registry) : IMskConnectOperation
{
    public string Name => "TagResource";

    public Task<MskConnectResponse> ExecuteAsync(MskConnectRequest request)
    {
        var tags = request.ReadBody<TagResourceRequest>().Tags;
        if (ResourceTags.Problem(tags) is { } problem)
        {
            throw MskConnectException.BadRequest(problem);
        }
        registry.Tag(request.Label("resourceArn"), tags!);
        return Task.FromResult(new MskConnectResponse(new EmptyResponse()));
    }
}
