namespace Tributary.Broker.Groups;

/// <summary>
/// Settings of the group coordinator. Defaults are Kafka's broker defaults (the <c>group.*</c> and
/// <c>offsets.*</c> broker configs of the same meaning); the server maps its configuration onto these.
/// </summary>
public sealed record GroupOptions
{
    /// <summary><c>group.min.session.timeout.ms</c>: the smallest session timeout a classic member may ask for.</summary>
    public int MinSessionTimeoutMs { get; init; } = 6000;

    /// <summary><c>group.max.session.timeout.ms</c>.</summary>
    public int MaxSessionTimeoutMs { get; init; } = 1_800_000;

    /// <summary>
    /// <c>group.initial.rebalance.delay.ms</c>: how long the first rebalance of an empty classic group waits for
    /// more members, extended by each new member up to the rebalance timeout.
    /// </summary>
    public int InitialRebalanceDelayMs { get; init; } = 3000;

    /// <summary><c>group.max.size</c>: members per group (classic and consumer).</summary>
    public int MaxGroupSize { get; init; } = int.MaxValue;

    /// <summary><c>offsets.retention.minutes</c> in ms: how long the offsets of an empty group are kept.</summary>
    public long OffsetsRetentionMs { get; init; } = 7L * 24 * 60 * 60 * 1000;

    /// <summary><c>offsets.retention.check.interval.ms</c>.</summary>
    public long OffsetsRetentionCheckIntervalMs { get; init; } = 600_000;

    /// <summary><c>offset.metadata.max.bytes</c>: the longest metadata string a commit may carry.</summary>
    public int OffsetMetadataMaxBytes { get; init; } = 4096;

    /// <summary><c>group.consumer.session.timeout.ms</c> (KIP-848 groups: the server decides it).</summary>
    public int ConsumerSessionTimeoutMs { get; init; } = 45_000;

    /// <summary><c>group.consumer.heartbeat.interval.ms</c>.</summary>
    public int ConsumerHeartbeatIntervalMs { get; init; } = 5000;

    /// <summary><c>group.consumer.assignors</c>: server-side assignors, the first is the default.</summary>
    public IReadOnlyList<string> ConsumerAssignors { get; init; } = ["uniform", "range"];

    /// <summary>Partitions of <c>__consumer_offsets</c> when the coordinator creates it.</summary>
    public int OffsetsTopicPartitions { get; init; } = 1;

    /// <summary>How often expiries (sessions, rebalance and join timeouts) are checked.</summary>
    public int TickIntervalMs { get; init; } = 100;
}
