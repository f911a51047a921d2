namespace Tributary.Msk.State;

/// <summary>How the MSK API names and describes the embedded cluster.</summary>
public sealed record MskOptions
{
    /// <summary>Region and account named in ARNs (aws.region, aws.account.id); requests signed for any region are accepted.</summary>
    public string Region { get; init; } = "us-east-1";

    public string AccountId { get; init; } = "000000000000";

    /// <summary>The embedded cluster's name, the second part of its ARN's resource.</summary>
    public string ClusterName { get; init; } = "tributary";

    /// <summary>
    /// The Kafka version reported for the cluster and by ListKafkaVersions: the protocol level the Kafka listener and
    /// the Connect runtime implement (Apache Kafka 3.9), in MSK's spelling for a minor line.
    /// </summary>
    public string KafkaVersion { get; init; } = "3.9.x";

    /// <summary>The instance type reported in brokerNodeGroupInfo; a label only (there is no instance).</summary>
    public string InstanceType { get; init; } = "kafka.m5.large";

    /// <summary>Operations kept for DescribeClusterOperation; older ones are forgotten.</summary>
    public int MaxOperations { get; init; } = 100;
}
