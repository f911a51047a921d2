using System.Globalization;
using System.Net;
using Tributary.Broker;
using Tributary.Broker.Groups;
using Tributary.Kafka;
using Tributary.Storage;

namespace Tributary.Server;

/// <summary>Maps the configuration onto the settings of the log engine, the broker and the Kafka listener.</summary>
public static class StorageSettings
{
    private static readonly Dictionary<string, FlushPolicy> FlushPolicies = new(StringComparer.Ordinal)
    {
        ["every-append"] = FlushPolicy.EveryAppend,
        ["interval"] = FlushPolicy.Interval,
        ["os"] = FlushPolicy.Os,
    };

    private static readonly Dictionary<string, CleanupPolicy> CleanupPolicies = new(StringComparer.Ordinal)
    {
        ["delete"] = CleanupPolicy.Delete,
        ["compact"] = CleanupPolicy.Compact,
        ["compact,delete"] = CleanupPolicy.Compact | CleanupPolicy.Delete,
        ["delete,compact"] = CleanupPolicy.Compact | CleanupPolicy.Delete,
    };

    public static LogManagerOptions FromConfiguration(ServerConfiguration configuration)
    {
        var log = new LogConfig
        {
            SegmentBytes = configuration.GetInt32(ServerConfiguration.Keys.SegmentBytes, 1024, int.MaxValue),
            SegmentMs = configuration.GetInt64(ServerConfiguration.Keys.RollMs, 1),
            IndexIntervalBytes = configuration.GetInt32(ServerConfiguration.Keys.IndexIntervalBytes, 0),
            RetentionMs = configuration.GetInt64(ServerConfiguration.Keys.RetentionMs, -1),
            RetentionBytes = configuration.GetInt64(ServerConfiguration.Keys.RetentionBytes, -1),
            CleanupPolicy = configuration.GetChoice(ServerConfiguration.Keys.CleanupPolicy, CleanupPolicies),
            DeleteRetentionMs = configuration.GetInt64(ServerConfiguration.Keys.DeleteRetentionMs, 0),
            MinCleanableDirtyRatio = configuration.GetDouble(ServerConfiguration.Keys.MinCleanableRatio, 0, 1),
            FlushPolicy = configuration.GetChoice(ServerConfiguration.Keys.FlushPolicy, FlushPolicies),
            FlushIntervalMs = configuration.GetInt32(ServerConfiguration.Keys.FlushIntervalMs, 0),
        };
        log.Validate();
        var parallelism = configuration.GetInt32(ServerConfiguration.Keys.OpenParallelism, 0, 1024);
        return new LogManagerOptions
        {
            DefaultLogConfig = log,
            RetentionCheckIntervalMs = configuration.GetInt32(ServerConfiguration.Keys.RetentionCheckIntervalMs, 1),
            CleanerBackoffMs = configuration.GetInt32(ServerConfiguration.Keys.CleanerBackoffMs, 1),
            CheckpointIntervalMs = configuration.GetInt32(ServerConfiguration.Keys.CheckpointIntervalMs, 1),
            OpenParallelism = parallelism == 0 ? Math.Max(2, Environment.ProcessorCount * 2) : parallelism,
        };
    }

    /// <summary>
    /// Broker settings: the log.* options become the broker-wide defaults of the matching topic configs
    /// (log.retention.ms → retention.ms, ...), as in Kafka.
    /// </summary>
    public static BrokerOptions BrokerFromConfiguration(ServerConfiguration configuration)
    {
        var logs = FromConfiguration(configuration);
        var log = logs.DefaultLogConfig;
        var invariant = CultureInfo.InvariantCulture;
        return new BrokerOptions
        {
            DataDirectory = Path.GetFullPath(configuration.GetString(ServerConfiguration.Keys.DataDir)),
            NumPartitions = configuration.GetInt32(ServerConfiguration.Keys.NumPartitions, 1, 100_000),
            AutoCreateTopics = configuration.GetBool(ServerConfiguration.Keys.AutoCreateTopics),
            MessageMaxBytes = configuration.GetInt32(ServerConfiguration.Keys.MessageMaxBytes, 1024, int.MaxValue),
            FlushPolicy = log.FlushPolicy,
            FlushIntervalMs = log.FlushIntervalMs,
            IndexIntervalBytes = log.IndexIntervalBytes,
            LogManager = logs,
            Groups = GroupsFromConfiguration(configuration),
            DefaultTopicConfigs = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["retention.ms"] = log.RetentionMs.ToString(invariant),
                ["retention.bytes"] = log.RetentionBytes.ToString(invariant),
                ["segment.bytes"] = log.SegmentBytes.ToString(invariant),
                ["segment.ms"] = log.SegmentMs.ToString(invariant),
                ["cleanup.policy"] = configuration.GetString(ServerConfiguration.Keys.CleanupPolicy),
                ["delete.retention.ms"] = log.DeleteRetentionMs.ToString(invariant),
                ["min.cleanable.dirty.ratio"] = log.MinCleanableDirtyRatio.ToString(invariant),
            },
        };
    }

    public static GroupOptions GroupsFromConfiguration(ServerConfiguration configuration)
    {
        var minSession = configuration.GetInt32(ServerConfiguration.Keys.GroupMinSessionTimeoutMs, 1, int.MaxValue);
        var maxSession = configuration.GetInt32(ServerConfiguration.Keys.GroupMaxSessionTimeoutMs, 1, int.MaxValue);
        if (maxSession < minSession)
        {
            throw new ConfigurationException($"Option '{ServerConfiguration.Keys.GroupMaxSessionTimeoutMs}' ({maxSession}) must not be below '{ServerConfiguration.Keys.GroupMinSessionTimeoutMs}' ({minSession}).");
        }
        var maxSize = configuration.GetInt32(ServerConfiguration.Keys.GroupMaxSize, 0, int.MaxValue);
        return new GroupOptions
        {
            MinSessionTimeoutMs = minSession,
            MaxSessionTimeoutMs = maxSession,
            InitialRebalanceDelayMs = configuration.GetInt32(ServerConfiguration.Keys.GroupInitialRebalanceDelayMs, 0, int.MaxValue),
            MaxGroupSize = maxSize == 0 ? int.MaxValue : maxSize,
            ConsumerSessionTimeoutMs = configuration.GetInt32(ServerConfiguration.Keys.ConsumerSessionTimeoutMs, 1, int.MaxValue),
            ConsumerHeartbeatIntervalMs = configuration.GetInt32(ServerConfiguration.Keys.ConsumerHeartbeatIntervalMs, 1, int.MaxValue),
            OffsetsRetentionMs = configuration.GetInt32(ServerConfiguration.Keys.OffsetsRetentionMinutes, 1, int.MaxValue) * 60_000L,
            OffsetsRetentionCheckIntervalMs = configuration.GetInt32(ServerConfiguration.Keys.OffsetsRetentionCheckIntervalMs, 1, int.MaxValue),
            OffsetMetadataMaxBytes = configuration.GetInt32(ServerConfiguration.Keys.OffsetMetadataMaxBytes, 0, int.MaxValue),
        };
    }

    public static KafkaListenerOptions KafkaFromConfiguration(ServerConfiguration configuration)
    {
        var host = configuration.GetString(ServerConfiguration.Keys.KafkaHost);
        if (!IPAddress.TryParse(host, out _))
        {
            throw new ConfigurationException($"Option 'kafka.host' must be an IP address to bind, such as 127.0.0.1 or 0.0.0.0; got '{host}'.");
        }
        var advertised = configuration.GetString(ServerConfiguration.Keys.KafkaAdvertisedHost);
        return new KafkaListenerOptions
        {
            Host = host,
            Port = configuration.GetInt32(ServerConfiguration.Keys.KafkaPort, 0, 65535),
            AdvertisedHost = advertised == "auto" ? (host == "0.0.0.0" ? System.Net.Dns.GetHostName() : host) : advertised,
            MaxRequestBytes = configuration.GetInt32(ServerConfiguration.Keys.SocketRequestMaxBytes, 1024, int.MaxValue),
        };
    }
}
