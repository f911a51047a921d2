namespace Tributary.Msk.Messages;

// DescribeClusterOperation's shapes (MSK API reference: ClusterOperationInfo, MutableClusterInfo).

public sealed record DescribeClusterOperationResponse(ClusterOperationInfo ClusterOperationInfo);

public sealed record ClusterOperationInfo
{
    public required string ClusterArn { get; init; }
    public required string CreationTime { get; init; }
    public string? EndTime { get; init; }
    public required string OperationArn { get; init; }
    public required string OperationState { get; init; }
    public required string OperationType { get; init; }
    public MutableClusterInfo? SourceClusterInfo { get; init; }
    public MutableClusterInfo? TargetClusterInfo { get; init; }
}

public sealed record MutableClusterInfo(ConfigurationInfoOut? ConfigurationInfo);

public sealed record ConfigurationInfoOut(string Arn, long Revision);
