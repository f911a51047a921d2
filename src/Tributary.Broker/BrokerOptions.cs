using Tributary.Broker.Groups;
using Tributary.Storage;

namespace Tributary.Broker;

/// <summary>Settings of a single-node broker. Defaults follow Kafka's broker defaults.</summary>
public sealed record BrokerOptions
{
    /// <summary><c>log.dirs</c>: holds the partition logs and the broker's metadata (<c>__cluster/</c>).</summary>
    public required string DataDirectory { get; init; }

    /// <summary><c>num.partitions</c>: partitions of a topic created with -1 or by auto-creation.</summary>
    public int NumPartitions { get; init; } = 1;

    /// <summary><c>auto.create.topics.enable</c>.</summary>
    public bool AutoCreateTopics { get; init; } = true;

    /// <summary>
    /// Broker-wide defaults for topic configs, by topic config name (<c>retention.ms</c>, …); a topic's own
    /// overrides win. Validated at start like topic configs.
    /// </summary>
    public IReadOnlyDictionary<string, string> DefaultTopicConfigs { get; init; } = new Dictionary<string, string>();

    /// <summary><c>message.max.bytes</c>: the default of the topic config <c>max.message.bytes</c>.</summary>
    public int MessageMaxBytes { get; init; } = 1048588;

    /// <summary>
    /// The cluster id to expect. Null: use the persisted one, or generate one at first start. A persisted id
    /// that differs makes the broker refuse to start (the data belongs to another cluster).
    /// </summary>
    public string? ClusterId { get; init; }

    /// <summary>When the logs fsync (not a topic config); see <see cref="FlushPolicy"/>.</summary>
    public FlushPolicy FlushPolicy { get; init; } = FlushPolicy.EveryAppend;

    /// <summary><c>log.index.interval.bytes</c>: bytes between sparse index entries (not a topic config here).</summary>
    public int IndexIntervalBytes { get; init; } = 4096;

    /// <summary>The transaction coordinator's settings.</summary>
    public Transactions.TransactionOptions Transactions { get; init; } = new();

    /// <summary>For <see cref="FlushPolicy.Interval"/>: <c>log.flush.interval.ms</c>.</summary>
    public int FlushIntervalMs { get; init; } = 5;

    /// <summary>Schedules of the log manager (retention, cleaner, checkpoints); its DefaultLogConfig is ignored.</summary>
    public LogManagerOptions LogManager { get; init; } = new();

    /// <summary>The group coordinator's settings (<c>group.*</c>, <c>offsets.*</c>).</summary>
    public GroupOptions Groups { get; init; } = new();

    /// <summary>Clock for LogAppendTime and the group coordinator's timeouts (tests substitute it).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
