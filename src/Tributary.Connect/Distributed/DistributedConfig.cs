using Tributary.Connect.Config;

namespace Tributary.Connect.Runtime.Distributed;

/// <summary>
/// The distributed-mode worker keys (Kafka's <c>DistributedConfig</c>), read from the same worker.properties as
/// <see cref="Config.WorkerConfig"/>: the group, the three internal topics and the group timings. Immutable.
/// </summary>
public sealed class DistributedConfig : AbstractConfig
{
    public const string GroupIdKey = "group.id";
    public const string ConfigStorageTopic = "config.storage.topic";
    public const string OffsetStorageTopic = "offset.storage.topic";
    public const string OffsetStoragePartitions = "offset.storage.partitions";
    public const string StatusStorageTopic = "status.storage.topic";
    public const string StatusStoragePartitions = "status.storage.partitions";
    public const string SessionTimeoutMs = "session.timeout.ms";
    public const string HeartbeatIntervalMs = "heartbeat.interval.ms";
    public const string RebalanceTimeoutMs = "rebalance.timeout.ms";
    public const string ConnectProtocolKey = "connect.protocol";
    public const string ScheduledRebalanceMaxDelayMs = "scheduled.rebalance.max.delay.ms";
    public const string ExactlyOnceSourceSupportKey = "exactly.once.source.support";

    public static ConfigDef Keys { get; } = new ConfigDef()
        .DefineRequired(GroupIdKey, ConfigType.String, Importance.High, "A unique string that identifies the Connect cluster group this worker belongs to.")
        .DefineRequired(ConfigStorageTopic, ConfigType.String, Importance.High, "The name of the Kafka topic where connector configurations are stored (one partition, compacted).")
        .DefineRequired(OffsetStorageTopic, ConfigType.String, Importance.High, "The name of the Kafka topic where source connector offsets are stored (compacted).")
        .Define(OffsetStoragePartitions, ConfigType.Int, 25, Importance.Low, "The number of partitions used when creating the offset storage topic.")
        .DefineRequired(StatusStorageTopic, ConfigType.String, Importance.High, "The name of the Kafka topic where connector and task status are stored (compacted).")
        .Define(StatusStoragePartitions, ConfigType.Int, 5, Importance.Low, "The number of partitions used when creating the status storage topic.")
        .Define(SessionTimeoutMs, ConfigType.Int, 10000, Importance.High, "The timeout used to detect worker failures.")
        .Define(HeartbeatIntervalMs, ConfigType.Int, 3000, Importance.High, "The expected time between heartbeats to the group coordinator.")
        .Define(RebalanceTimeoutMs, ConfigType.Int, 60000, Importance.High, "The maximum allowed time for each worker to join the group once a rebalance has begun.")
        .Define(ConnectProtocolKey, ConfigType.String, "sessioned", Importance.Low, "Compatibility mode for Kafka Connect Protocol.", Validators.InIgnoreCase("eager", "compatible", "sessioned"))
        .Define(ScheduledRebalanceMaxDelayMs, ConfigType.Int, 300000, Importance.Low, "The maximum delay that is scheduled in order to wait for the return of one or more departed workers before rebalancing and reassigning their connectors and tasks to the group.")
        .Define(ExactlyOnceSourceSupportKey, ConfigType.String, "disabled", Importance.High, "Whether to enable exactly-once support for source connectors in the cluster by using transactions to write source records and their source offsets, and by proactively fencing out old task generations before bringing up new ones (KIP-618). To enable it on an existing cluster, first set it to 'preparing' on every worker, then to 'enabled'.", Validators.InIgnoreCase("disabled", "preparing", "enabled"));

    /// <summary>Variables of the worker's config providers are resolved as in <see cref="Config.WorkerConfig"/>.</summary>
    public DistributedConfig(IReadOnlyDictionary<string, string> properties)
        : base(Keys, Config.ConfigTransformer.From(properties).Transform(properties))
    {
    }

    public string GroupId => GetString(GroupIdKey)!;

    public string ConfigTopic => GetString(ConfigStorageTopic)!;

    public string OffsetTopic => GetString(OffsetStorageTopic)!;

    public int OffsetPartitions => GetInt(OffsetStoragePartitions);

    public string StatusTopic => GetString(StatusStorageTopic)!;

    public int StatusPartitions => GetInt(StatusStoragePartitions);

    public TimeSpan SessionTimeout => TimeSpan.FromMilliseconds(GetInt(SessionTimeoutMs));

    public TimeSpan HeartbeatInterval => TimeSpan.FromMilliseconds(GetInt(HeartbeatIntervalMs));

    public TimeSpan RebalanceTimeout => TimeSpan.FromMilliseconds(GetInt(RebalanceTimeoutMs));

    public string ConnectProtocol => GetString(ConnectProtocolKey)!.ToLowerInvariant();

    public TimeSpan ScheduledRebalanceMaxDelay => TimeSpan.FromMilliseconds(GetInt(ScheduledRebalanceMaxDelayMs));

    /// <summary><c>exactly.once.source.support=enabled</c>: source tasks write in transactions, offsets are read read_committed.</summary>
    public bool ExactlyOnceSourceEnabled => string.Equals(GetString(ExactlyOnceSourceSupportKey), "enabled", StringComparison.OrdinalIgnoreCase);
}
