using Tributary.Msk.Messages;
using Tributary.Msk.State;

namespace Tributary.Msk.Handlers;

/// <summary>DescribeClusterOperation (GET /v1/operations/{clusterOperationArn}): one of the last operations kept.</summary>
internal sealed class DescribeClusterOperation(MskRegistry registry) : IMskOperation
{
    public string Name => "DescribeClusterOperation";

    public Task<MskResponse> ExecuteAsync(MskRequest request)
    {
        var operation = registry.Operation(request.Label("clusterOperationArn"));
        var info = new ClusterOperationInfo
        {
            ClusterArn = registry.ClusterArn,
            CreationTime = operation.CreationTime,
            EndTime = operation.EndTime,
            OperationArn = operation.Arn,
            OperationState = operation.State,
            OperationType = operation.Type,
            SourceClusterInfo = new MutableClusterInfo(Info(operation.SourceConfigurationArn, operation.SourceConfigurationRevision)),
            TargetClusterInfo = new MutableClusterInfo(Info(operation.TargetConfigurationArn, operation.TargetConfigurationRevision)),
        };
        return Task.FromResult(MskResponse.Ok(new DescribeClusterOperationResponse(info)));
    }

    private static ConfigurationInfoOut? Info(string? arn, long? revision) =>
        arn is not null && revision is { } r ? new ConfigurationInfoOut(arn, r) : null;
}
