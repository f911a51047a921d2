using Tributary.MskConnect.Messages;
using Tributary.MskConnect.State;

namespace Tributary.MskConnect.Handlers;

/// <summary>DeleteCustomPlugin (DELETE /v1/custom-plugins/{customPluginArn}): answers DELETING; the plugin is gone at once.</summary>
internal sealed class DeleteCustomPlugin(MskConnectRegistry registry) : IMskConnectOperation
{
    public string Name => "DeleteCustomPlugin";

    public Task<MskConnectResponse> ExecuteAsync(MskConnectRequest request)
    {
        var plugin = registry.DeletePlugin(request.Label("customPluginArn"));
        return Task.FromResult(new MskConnectResponse(new DeleteCustomPluginResponse(plugin.Arn, plugin.State)));
    }
}
