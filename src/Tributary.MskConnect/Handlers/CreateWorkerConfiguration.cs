using Tributary.MskConnect.Messages;
using Tributary.MskConnect.State;

namespace Tributary.MskConnect.Handlers;

/// <summary>CreateWorkerConfiguration (POST /v1/worker-configurations): revision 1 of a base64 worker properties file.</summary>
internal sealed class CreateWorkerConfiguration(MskConnectRegistry registry) : IMskConnectOperation
{
    public string Name => "CreateWorkerConfiguration";

    public Task<MskConnectResponse> ExecuteAsync(MskConnectRequest request)
    {
        var configuration = registry.CreateWorkerConfiguration(request.ReadBody<CreateWorkerConfigurationRequest>());
        return Task.FromResult(new MskConnectResponse(new CreateWorkerConfigurationResponse(
            configuration.CreationTime, Views.WorkerRevision(configuration.Revisions[^1]), configuration.Name, configuration.Arn, "ACTIVE")));
    }
}
