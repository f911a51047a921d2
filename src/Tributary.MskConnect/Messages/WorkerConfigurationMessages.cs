namespace Tributary.MskConnect.Messages;

// Worker configuration shapes of the MSK Connect API reference.

public sealed class CreateWorkerConfigurationRequest
{
    public string? Description { get; set; }
    public string? Name { get; set; }
    public string? PropertiesFileContent { get; set; }
    public Dictionary<string, string>? Tags { get; set; }
}

public sealed record WorkerConfigurationRevisionSummary(string CreationTime, string? Description, long Revision);

public sealed record WorkerConfigurationRevisionDescription(string CreationTime, string? Description, string PropertiesFileContent, long Revision);

public sealed record CreateWorkerConfigurationResponse(
    string CreationTime, WorkerConfigurationRevisionSummary LatestRevision, string Name, string WorkerConfigurationArn,
    string WorkerConfigurationState);

public sealed record DescribeWorkerConfigurationResponse(
    string CreationTime, string? Description, WorkerConfigurationRevisionDescription LatestRevision, string Name,
    string WorkerConfigurationArn, string WorkerConfigurationState);

public sealed record WorkerConfigurationSummary(
    string CreationTime, string? Description, WorkerConfigurationRevisionSummary LatestRevision, string Name,
    string WorkerConfigurationArn, string WorkerConfigurationState);

public sealed record ListWorkerConfigurationsResponse(IReadOnlyList<WorkerConfigurationSummary> WorkerConfigurations, string? NextToken);

public sealed record DeleteWorkerConfigurationResponse(string WorkerConfigurationArn, string WorkerConfigurationState);
