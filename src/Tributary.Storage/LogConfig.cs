namespace Tributary.Storage;

/// <summary>When the log calls fsync. See docs/architecture.md, "Durability contract".</summary>
public enum FlushPolicy
{
    /// <summary>
    /// Group commit: a flusher fsyncs as soon as anything is unflushed; appends that arrive during an
    /// fsync share the next one. Consumers see a batch once it is durable.
    /// </summary>
    EveryAppend,

    /// <summary>fsync at most every <see cref="LogConfig.FlushIntervalMs"/> while there is unflushed data.</summary>
    Interval,

    /// <summary>Never fsync on the write path (Kafka's default); data is durable when the OS writes it back.
    /// The high watermark follows the log end at once.</summary>
    Os,
}

/// <summary>Which cleanup a log gets: <c>cleanup.policy</c>, a set of delete and/or compact.</summary>
[Flags]
public enum CleanupPolicy
{
    None = 0,
    Delete = 1,
    Compact = 2,
}

/// <summary>
/// Settings of one partition log. Defaults match Kafka's where Kafka has the setting; the broker maps
/// per-topic configs onto this. Immutable; change a log's settings with <see cref="PartitionLog.UpdateConfig"/>.
/// </summary>
public sealed record LogConfig
{
    public static readonly LogConfig Default = new();

    /// <summary><c>segment.bytes</c>: roll to a new segment beyond this size (1 GiB). Positions are int32.</summary>
    public int SegmentBytes { get; init; } = 1024 * 1024 * 1024;

    /// <summary><c>segment.ms</c>: roll when the segment's first batch is older than this (7 days), by record timestamps.</summary>
    public long SegmentMs { get; init; } = 7L * 24 * 60 * 60 * 1000;

    /// <summary><c>index.interval.bytes</c>: bytes between two sparse index entries (4 KiB).</summary>
    public int IndexIntervalBytes { get; init; } = 4096;

    /// <summary><c>retention.ms</c>: delete whole segments whose newest record is older (7 days); -1 keeps forever.</summary>
    public long RetentionMs { get; init; } = 7L * 24 * 60 * 60 * 1000;

    /// <summary><c>retention.bytes</c>: delete oldest segments while the log is larger; -1 is no limit.</summary>
    public long RetentionBytes { get; init; } = -1;

    /// <summary><c>cleanup.policy</c>.</summary>
    public CleanupPolicy CleanupPolicy { get; init; } = CleanupPolicy.Delete;

    /// <summary><c>delete.retention.ms</c>: how long compaction keeps tombstones (1 day).</summary>
    public long DeleteRetentionMs { get; init; } = 24L * 60 * 60 * 1000;

    /// <summary><c>min.cleanable.dirty.ratio</c>: compact when this share of the cleanable bytes is new (0.5).</summary>
    public double MinCleanableDirtyRatio { get; init; } = 0.5;

    public FlushPolicy FlushPolicy { get; init; } = FlushPolicy.EveryAppend;

    /// <summary>For <see cref="FlushPolicy.Interval"/>: the longest time unflushed data waits (ms).</summary>
    public int FlushIntervalMs { get; init; } = 5;

    public void Validate()
    {
        if (SegmentBytes < 1024)
        {
            throw new ArgumentException("segment.bytes must be at least 1024.");
        }
        if (SegmentMs < 1)
        {
            throw new ArgumentException("segment.ms must be positive.");
        }
        if (IndexIntervalBytes < 0)
        {
            throw new ArgumentException("index.interval.bytes must not be negative.");
        }
        if (RetentionMs < -1 || RetentionBytes < -1)
        {
            throw new ArgumentException("retention.ms and retention.bytes must be -1 or more.");
        }
        if (DeleteRetentionMs < 0)
        {
            throw new ArgumentException("delete.retention.ms must not be negative.");
        }
        if (MinCleanableDirtyRatio is < 0 or > 1)
        {
            throw new ArgumentException("min.cleanable.dirty.ratio must be between 0 and 1.");
        }
        if (FlushIntervalMs < 0)
        {
            throw new ArgumentException("flush interval must not be negative.");
        }
    }
}
