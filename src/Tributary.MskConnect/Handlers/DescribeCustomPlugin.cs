using Tributary.MskConnect.Messages;
using Tributary.MskConnect.State;

namespace Tributary.MskConnect.Handlers;

/// <summary>DescribeCustomPlugin (GET /v1/custom-plugins/{customPluginArn}): state, why it failed, the latest revision.</summary>
internal sealed class DescribeCustomPlugin(MskConnectRegistry registry) : IMskConnectOperation
{
    public string Name => "DescribeCustomPlugin";

    public Task<MskConnectResponse> ExecuteAsync(MskConnectRequest request)
    {
        var plugin = registry.GetPlugin(request.Label("customPluginArn"));
        return Task.FromResult(new MskConnectResponse(new DescribeCustomPluginResponse(
            plugin.CreationTime, plugin.Arn, plugin.State, plugin.Description, Views.Revision(plugin.Revisions[^1]), plugin.Name, plugin.StateDescription)));
    }
}
