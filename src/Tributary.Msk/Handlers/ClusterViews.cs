using Tributary.Msk.Messages;
using Tributary.Msk.State;

namespace Tributary.Msk.Handlers;

/// <summary>
/// A cluster in MSK's shapes: one broker node, plaintext and unauthenticated (what a Kafka listener here serves),
/// storage and subnets as labels; a created cluster's state (CREATING, ACTIVE, DELETING, FAILED with stateInfo), the
/// embedded one always ACTIVE. Shared by the describe and list handlers.
/// </summary>
internal static class ClusterViews
{
    public static ClusterInfo Info(MskRegistry registry, StoredCluster cluster) => new()
    {
        BrokerNodeGroupInfo = NodeGroup(registry, cluster),
        ClientAuthentication = Authentication,
        ClusterArn = cluster.Arn,
        ClusterName = cluster.Name,
        CreationTime = cluster.CreationTime,
        CurrentBrokerSoftwareInfo = Software(registry, cluster),
        CurrentVersion = cluster.CurrentVersion,
        EncryptionInfo = Encryption,
        EnhancedMonitoring = "DEFAULT",
        NumberOfBrokerNodes = 1,
        State = MskRegistry.StateOf(cluster),
        StateInfo = Failure(cluster),
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
        State = MskRegistry.StateOf(cluster),
        StateInfo = Failure(cluster),
        Tags = cluster.Tags,
        Provisioned = new Provisioned
        {
            BrokerNodeGroupInfo = NodeGroup(registry, cluster),
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
        KafkaVersion = cluster.KafkaVersion ?? registry.Options.KafkaVersion,
    };

    /// <summary>The instance type a cluster was created with (a label), the options' for the embedded one.</summary>
    public static string InstanceType(MskRegistry registry, StoredCluster cluster) => cluster.InstanceType ?? registry.Options.InstanceType;

    private static StateInfo? Failure(StoredCluster cluster) =>
        cluster is { State: "FAILED", StateMessage: { } message } ? new StateInfo("BrokerStartFailed", message) : null;

    private static BrokerNodeGroupInfo NodeGroup(MskRegistry registry, StoredCluster cluster) => new()
    {
        BrokerAZDistribution = "DEFAULT",
        ClientSubnets = ["local"],
        InstanceType = InstanceType(registry, cluster),
        SecurityGroups = [],
        StorageInfo = new StorageInfo(new EbsStorageInfo(VolumeSize: 1)),
    };

    private static readonly ClientAuthentication Authentication = new(new UnauthenticatedInfo(true));

    private static readonly EncryptionInfo Encryption = new(new EncryptionInTransit("PLAINTEXT", InCluster: false));
}
