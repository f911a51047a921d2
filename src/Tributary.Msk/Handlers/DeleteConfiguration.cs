using Tributary.Msk.Messages;
using Tributary.Msk.State;

namespace Tributary.Msk.Handlers;

/// <summary>
/// DeleteConfiguration (DELETE /v1/configurations/{arn}): removes the configuration and answers state DELETING, as
/// MSK does; refused with BadRequestException while the cluster uses it, NotFoundException for an unknown ARN.
/// </summary>
internal sealed class DeleteConfiguration(MskRegistry registry) : IMskOperation
{
    public string Name => "DeleteConfiguration";

    public Task<MskResponse> ExecuteAsync(MskRequest request)
    {
        var arn = request.Label("arn");
        registry.DeleteConfiguration(arn);
        return Task.FromResult(MskResponse.Ok(new DeleteConfigurationResponse(arn, "DELETING")));
    }
}
