using Tributary.Msk.Messages;
using Tributary.Msk.State;

namespace Tributary.Msk.Handlers;

/// <summary>
/// UpdateConfiguration (PUT /v1/configurations/{arn}): a new revision with the given properties, checked as at
/// creation. A cluster keeps the revision it was given until UpdateClusterConfiguration names another.
/// </summary>
internal sealed class UpdateConfiguration(MskRegistry registry) : IMskOperation
{
    public string Name => "UpdateConfiguration";

    public Task<MskResponse> ExecuteAsync(MskRequest request)
    {
        var body = request.ReadBody<UpdateConfigurationRequest>();
        var configuration = registry.AddRevision(request.Label("arn"), body.Description, ConfigurationViews.RequiredProperties(body.ServerProperties));
        return Task.FromResult(MskResponse.Ok(new UpdateConfigurationResponse(configuration.Arn, ConfigurationViews.Revision(configuration.Revisions[^1]))));
    }
}
