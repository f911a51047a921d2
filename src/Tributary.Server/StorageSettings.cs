using Tributary.Storage;

namespace Tributary.Server;

/// <summary>Maps the configuration onto the log engine's settings.</summary>
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
}
