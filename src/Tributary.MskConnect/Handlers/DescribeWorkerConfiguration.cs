using Tributary.MskConnect.Messages;
using Tributary.MskConnect.State;

namespace Tributary.MskConnect.Handlers;

/// <summary>DescribeWorkerConfiguration (GET /v1/worker-configurations/{workerConfigurationArn}): with the latest revision's file.</summary>
internal sealed class DescribeWorkerConfiguration(MskConnectRegistry registry) : IMskConnectOperation
{
    public string Name => "DescribeWorkerConfiguration";

    public Task<MskConnectResponse> ExecuteAsync(MskConnectRequest request)
    {
        var configuration = registry.GetWorkerConfiguration(request.Label("workerConfigurationArn"));
        var latest = configuration.Revisions[^1];
        return Task.FromResult(new MskConnectResponse(new DescribeWorkerConfigurationResponse(
            configuration.CreationTime, configuration.Description,
            new WorkerConfigurationRevisionDescription(latest.CreationTime, latest.Description, latest.PropertiesFileContent, latest.Revision),
            configuration.Name, configuration.Arn, "ACTIVE")));
    }
}
