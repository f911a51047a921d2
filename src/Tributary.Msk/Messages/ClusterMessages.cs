namespace Tributary.Msk.Messages;

// MSK's cluster shapes (API reference: ClusterInfo for the v1 operations, Cluster with Provisioned for the v2 ones).
// Member names become camelCase on the wire (MskJson); null members are left out.

/// <summary>DescribeCluster's and ListClusters' ClusterInfo.</summary>
public sealed record ClusterInfo
{
    public string? ActiveOperationArn { get; init; }
    public required BrokerNodeGroupInfo BrokerNodeGroupInfo { get; init; }
    public required ClientAuthentication ClientAuthentication { get; init; }
    public required string ClusterArn { get; init; }
    public required string ClusterName { get; init; }
    public required string CreationTime { get; init; }
    public required BrokerSoftwareInfo CurrentBrokerSoftwareInfo { get; init; }
    public required string CurrentVersion { get; init; }
    public required EncryptionInfo EncryptionInfo { get; init; }
    public required string EnhancedMonitoring { get; init; }
    public required int NumberOfBrokerNodes { get; init; }
    public required string State { get; init; }
    public StateInfo? StateInfo { get; init; }
    public required IReadOnlyDictionary<string, string> Tags { get; init; }
    public required string StorageMode { get; init; }
}

/// <summary>Why a cluster is FAILED (MSK's StateInfo).</summary>
public sealed record StateInfo(string Code, string Message);

/// <summary>DescribeClusterV2's and ListClustersV2' Cluster.</summary>
public sealed record Cluster
{
    public string? ActiveOperationArn { get; init; }
    public required string ClusterType { get; init; }
    public required string ClusterArn { get; init; }
    public required string ClusterName { get; init; }
    public required string CreationTime { get; init; }
    public required string CurrentVersion { get; init; }
    public required string State { get; init; }
    public StateInfo? StateInfo { get; init; }
    public required IReadOnlyDictionary<string, string> Tags { get; init; }
    public required Provisioned Provisioned { get; init; }
}

public sealed record Provisioned
{
    public required BrokerNodeGroupInfo BrokerNodeGroupInfo { get; init; }
    public required BrokerSoftwareInfo CurrentBrokerSoftwareInfo { get; init; }
    public required ClientAuthentication ClientAuthentication { get; init; }
    public required EncryptionInfo EncryptionInfo { get; init; }
    public required string EnhancedMonitoring { get; init; }
    public required int NumberOfBrokerNodes { get; init; }
    public required string StorageMode { get; init; }
}

public sealed record BrokerNodeGroupInfo
{
    public required string BrokerAZDistribution { get; init; }
    public required IReadOnlyList<string> ClientSubnets { get; init; }
    public required string InstanceType { get; init; }
    public required IReadOnlyList<string> SecurityGroups { get; init; }
    public required StorageInfo StorageInfo { get; init; }
}

public sealed record StorageInfo(EbsStorageInfo EbsStorageInfo);

public sealed record EbsStorageInfo(int VolumeSize);

public sealed record BrokerSoftwareInfo
{
    public string? ConfigurationArn { get; init; }
    public long? ConfigurationRevision { get; init; }
    public required string KafkaVersion { get; init; }
}

/// <summary>Unauthenticated plaintext: what the embedded listener serves.</summary>
public sealed record ClientAuthentication(UnauthenticatedInfo Unauthenticated);

public sealed record UnauthenticatedInfo(bool Enabled);

public sealed record EncryptionInfo(EncryptionInTransit EncryptionInTransit);

public sealed record EncryptionInTransit(string ClientBroker, bool InCluster);

public sealed record ListClustersResponse(IReadOnlyList<ClusterInfo> ClusterInfoList, string? NextToken);

public sealed record ListClustersV2Response(IReadOnlyList<Cluster> ClusterInfoList, string? NextToken);

public sealed record DescribeClusterResponse(ClusterInfo ClusterInfo);

public sealed record DescribeClusterV2Response(Cluster ClusterInfo);

public sealed record GetBootstrapBrokersResponse(string BootstrapBrokerString);

public sealed record DeleteClusterResponse(string ClusterArn, string State);

/// <summary>UpdateClusterConfiguration's body.</summary>
public sealed class UpdateClusterConfigurationRequest
{
    public ConfigurationInfo? ConfigurationInfo { get; set; }
    public string? CurrentVersion { get; set; }
}

public sealed class ConfigurationInfo
{
    public string? Arn { get; set; }
    public long? Revision { get; set; }
}

public sealed record UpdateClusterConfigurationResponse(string ClusterArn, string ClusterOperationArn);
