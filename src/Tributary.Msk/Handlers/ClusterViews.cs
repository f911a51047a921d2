using Tributary.Msk.Messages;
using Tributary.Msk.State;

namespace Tributary.Msk.Handlers;

/// <summary>
/// The embedded cluster in MSK's shapes: one broker node, plaintext and unauthenticated (what the Kafka listener
/// serves), storage and subnets as labels. Shared by the describe and list handlers.
/// </summary>
internal static class ClusterViews
{
    public static ClusterInfo Info(MskRegistry registry, StoredCluster cluster) => new()
    {
        BrokerNodeGroupInfo = NodeGroup(registry),
        ClientAuthentication = Authentication,
        ClusterArn = cluster.Arn,
        ClusterName = cluster.Name,
        CreationTime = cluster.CreationTime,
        CurrentBrokerSoftwareInfo = Software(registry, cluster),
        CurrentVersion = cluster.CurrentVersion,
        EncryptionInfo = Encryption,
        EnhancedMonitoring = "DEFAULT",
        NumberOfBrokerNodes = 1,
        State = "ACTIVE",
        Tags = cluster.Tags,
        StorageMode = "LOCAL",
    };

    public static Cluster V2(MskRegistry registry, StoredCluster cluster) => new()
    {
        ClusterType = "PROVISIONED",
        ClusterArn = cluster.Arn,
        ClusterName = cluster.Name,
        CreationTime = cluster.CreationTime,
        CurrentVersion = cluster.CurrentVersion,
        State = "ACTIVE",
        Tags = cluster.Tags,
        Provisioned = new Provisioned
        {
            BrokerNodeGroupInfo = NodeGroup(registry),
            CurrentBrokerSoftwareInfo = Software(registry, cluster),
            ClientAuthentication = Authentication,
            EncryptionInfo = Encryption,
            EnhancedMonitoring = "DEFAULT",
            NumberOfBrokerNodes = 1,
            StorageMode = "LOCAL",
        },
    };

    public static BrokerSoftwareInfo Software(MskRegistry registry, StoredCluster cluster) => new()
    {
        ConfigurationArn = cluster.ConfigurationArn,
        ConfigurationRevision = cluster.ConfigurationRevision,
        KafkaVersion = registry.Options.KafkaVersion,
    };

    private static BrokerNodeGroupInfo NodeGroup(MskRegistry registry) => new()
    {
        BrokerAZDistribution = "DEFAULT",
        ClientSubnets = ["local"],
        InstanceType = registry.Options.InstanceType,
        SecurityGroups = [],
        StorageInfo = new StorageInfo(new EbsStorageInfo(VolumeSize: 1)),
    };

    private static readonly ClientAuthentication Authentication = new(new UnauthenticatedInfo(true));

    private static readonly EncryptionInfo Encryption = new(new EncryptionInTransit("PLAINTEXT", InCluster: false));
}
