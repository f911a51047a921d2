using Tributary.MskConnect.Messages;
using Tributary.MskConnect.State;

namespace Tributary.MskConnect.Handlers;

/// <summary>CreateCustomPlugin (POST /v1/custom-plugins): registered CREATING; the archive is inspected in the background.</summary>
internal sealed class CreateCustomPlugin(MskConnectRegistry registry) : IMskConnectOperation
{
    public string Name => "CreateCustomPlugin";

    public Task<MskConnectResponse> ExecuteAsync(MskConnectRequest request)
    {
        var plugin = registry.CreatePlugin(request.ReadBody<CreateCustomPluginRequest>());
        return Task.FromResult(new MskConnectResponse(new CreateCustomPluginResponse(plugin.Arn, plugin.State, plugin.Name, plugin.Revisions[^1].Revision)));
    }
}
