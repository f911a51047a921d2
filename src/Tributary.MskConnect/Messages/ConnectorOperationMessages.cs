namespace Tributary.MskConnect.Messages;

// Connector operation shapes (MSK Connect API reference: ListConnectorOperations, DescribeConnectorOperation).

public sealed record ConnectorOperationSummary(
    string ConnectorOperationArn, string ConnectorOperationType, string ConnectorOperationState, string CreationTime, string? EndTime);

public sealed record ListConnectorOperationsResponse(IReadOnlyList<ConnectorOperationSummary> ConnectorOperations, string? NextToken);

public sealed record ConnectorOperationStep(string StepType, string StepState);

public sealed record WorkerSetting(Capacity Capacity);

public sealed record DescribeConnectorOperationResponse(
    string ConnectorArn, string ConnectorOperationArn, string ConnectorOperationState, string ConnectorOperationType,
    IReadOnlyList<ConnectorOperationStep> OperationSteps, WorkerSetting? OriginWorkerSetting,
    Dictionary<string, string>? OriginConnectorConfiguration, WorkerSetting? TargetWorkerSetting,
    Dictionary<string, string>? TargetConnectorConfiguration, StateDescription? ErrorInfo, string CreationTime, string? EndTime);
