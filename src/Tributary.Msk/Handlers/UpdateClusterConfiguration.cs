using Tributary.Msk.Messages;
using Tributary.Msk.State;

namespace Tributary.Msk.Handlers;

/// <summary>
/// UpdateClusterConfiguration (PUT /v1/clusters/{clusterArn}/configuration): applies a configuration revision to the
/// broker as its topic defaults (<see cref="MskRegistry.UpdateClusterConfiguration"/>). MSK's checks: the cluster
/// exists (NotFoundException), currentVersion and configurationInfo are given and the version is the cluster's
/// (BadRequestException). The change is applied before the answer, so the operation is already UPDATE_COMPLETE.
/// </summary>
internal sealed class UpdateClusterConfiguration(MskRegistry registry) : IMskOperation
{
    public string Name => "UpdateClusterConfiguration";

    public Task<MskResponse> ExecuteAsync(MskRequest request)
    {
        var clusterArn = request.Label("clusterArn");
        var body = request.ReadBody<UpdateClusterConfigurationRequest>();
        if (string.IsNullOrEmpty(body.CurrentVersion))
        {
            throw MskException.BadRequest("currentVersion is required.", "currentVersion");
        }
        if (body.ConfigurationInfo is not { Arn: { Length: > 0 } arn, Revision: { } revision })
        {
            throw MskException.BadRequest("configurationInfo with arn and revision is required.", "configurationInfo");
        }
        registry.Cluster(clusterArn);
        var operationArn = registry.UpdateClusterConfiguration(clusterArn, body.CurrentVersion, arn, revision);
        return Task.FromResult(MskResponse.Ok(new UpdateClusterConfigurationResponse(clusterArn, operationArn)));
    }
}
