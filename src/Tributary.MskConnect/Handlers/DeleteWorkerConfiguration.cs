using Tributary.MskConnect.Messages;
using Tributary.MskConnect.State;

namespace Tributary.MskConnect.Handlers;

/// <summary>DeleteWorkerConfiguration (DELETE /v1/worker-configurations/{workerConfigurationArn}): answers DELETING.</summary>
internal sealed class DeleteWorkerConfiguration(MskConnectRegistry registry) : IMskConnectOperation
{
    public string Name => "DeleteWorkerConfiguration";

    public Task<MskConnectResponse> ExecuteAsync(MskConnectRequest request)
    {
        var configuration = registry.DeleteWorkerConfiguration(request.Label("workerConfigurationArn"));
        return Task.FromResult(new MskConnectResponse(new DeleteWorkerConfigurationResponse(configuration.Arn, "DELETING")));
    }
}
