using Tributary.MskConnect.Messages;
using Tributary.MskConnect.State;

namespace Tributary.MskConnect.Handlers;

/// <summary>
/// DescribeConnectorOperation (GET /v1/connectorOperations/{connectorOperationArn}): one UpdateConnector, with the
/// capacity or configuration before and after, and its steps as MSK names them: INITIALIZE_UPDATE, the update itself
/// (UPDATE_WORKER_SETTING or UPDATE_CONNECTOR_CONFIGURATION; in progress until the workers report the connector RUNNING
/// or FAILED), VALIDATE_UPDATE and FINALIZE_UPDATE. A failed update names the failure in errorInfo.
/// </summary>
internal sealed class DescribeConnectorOperation(MskConnectRegistry registry) : IMskConnectOperation
{
    public string Name => "DescribeConnectorOperation";

    public Task<MskConnectResponse> ExecuteAsync(MskConnectRequest request)
    {
        var (connectorArn, operation) = registry.ConnectorOperation(request.Label("connectorOperationArn"));
        return Task.FromResult(new MskConnectResponse(new DescribeConnectorOperationResponse(
            connectorArn, operation.Arn, operation.State, operation.Type, Steps(operation),
            operation.OriginCapacity is { } origin ? new WorkerSetting(origin) : null, operation.OriginConfiguration,
            operation.TargetCapacity is { } target ? new WorkerSetting(target) : null, operation.TargetConfiguration,
            operation.ErrorInfo, operation.CreationTime, operation.EndTime)));
    }

    private static List<ConnectorOperationStep> Steps(StoredConnectorOperation operation)
    {
        var (update, validate, finalize) = operation.State switch
        {
            "UPDATE_COMPLETE" => ("COMPLETED", "COMPLETED", "COMPLETED"),
            "UPDATE_FAILED" => ("FAILED", "FAILED", "CANCELLED"),
            _ => ("IN_PROGRESS", "PENDING", "PENDING"),
        };
        return
        [
            new("INITIALIZE_UPDATE", "COMPLETED"),
            new(operation.Type, update),
            new("VALIDATE_UPDATE", validate),
            new("FINALIZE_UPDATE", finalize),
        ];
    }
}
