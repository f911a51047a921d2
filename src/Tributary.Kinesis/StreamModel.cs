namespace Tributary.Kinesis;

/// <summary>Stream capacity modes (AWS's StreamMode values).</summary>
public static class StreamModes
{
    public const string Provisioned = "PROVISIONED";
    public const string OnDemand = "ON_DEMAND";
    public static readonly IReadOnlyList<string> All = [Provisioned, OnDemand];
}

/// <summary>
/// One shard: a partition of the stream's topic (partition number = shard index). Open shards accept writes;
/// a split or merge closes a shard at its current log end, after which it is read-only and, once the stream's
/// retention has passed since it closed, expired (no longer listed). Mutable fields change only under the
/// shard's lock (the object itself), which is also held while a record batch is appended to it, so a closed
/// shard never receives another record.
/// </summary>
public sealed class ShardState(int index, string? parentShardId, string? adjacentParentShardId, UInt128 hashStart, UInt128 hashEnd, long createdMs)
{
    public int Index { get; } = index;

    public string Id { get; } = ShardId.Format(index);

    public string? ParentShardId { get; } = parentShardId;

    public string? AdjacentParentShardId { get; } = adjacentParentShardId;

    public UInt128 HashStart { get; } = hashStart;

    public UInt128 HashEnd { get; } = hashEnd;

    public long CreatedMs { get; } = createdMs;

    /// <summary>When the shard closed (epoch ms), or null while open.</summary>
    public long? ClosedMs { get; set; }

    /// <summary>Log end offset at closing (exclusive: every record of the shard is below it), or -1 while open.</summary>
    public long EndOffset { get; set; } = -1;

    public bool IsOpen => EndOffset < 0;

    public bool Contains(UInt128 hash) => hash >= HashStart && hash <= HashEnd;

    private long _bytesSinceCheck;

    /// <summary>Counts written bytes for the on-demand split rule.</summary>
    public void CountWrite(long bytes) => Interlocked.Add(ref _bytesSinceCheck, bytes);

    public long TakeBytesSinceLastCheck() => Interlocked.Exchange(ref _bytesSinceCheck, 0);

    /// <summary>Per-second write accounting for the optional AWS limits; changed under the shard's lock.</summary>
    public long LimitWindowSecond { get; set; }

    public int LimitWindowRecords { get; set; }

    public long LimitWindowBytes { get; set; }

    /// <summary>Per-second read accounting (GetRecords calls and bytes) for the optional AWS limits; changed under the shard's lock.</summary>
    public long ReadWindowSecond { get; set; }

    public int ReadWindowCalls { get; set; }

    public long ReadWindowBytes { get; set; }
}

/// <summary>
/// One shard's place in its stream's lineage, as a reader that follows resharding needs it
/// (<see cref="KinesisStreams.ShardLineage"/>): its index (= partition of the stream's topic), its parents' indexes,
/// the offset it ended at (-1 while open) and when it was created (epoch ms).
/// </summary>
public readonly record struct ShardLineageEntry(int Index, int? ParentIndex, int? AdjacentParentIndex, long EndOffset, long CreatedMs);

/// <summary>A registered enhanced fan-out consumer.</summary>
public sealed record ConsumerState(string Name, long CreatedMs, string Arn);

/// <summary>
/// A stream. Control-plane fields change under <see cref="Lock"/> (and are then persisted); the data plane
/// reads <see cref="OpenShards"/>, an immutable array (sorted by hash range) replaced whole on resharding.
/// </summary>
public sealed class StreamState(string name, string arn, string topic, long createdMs)
{
    /// <summary>
    /// The control-plane lock. <see cref="KinesisStreams"/> gives every stream its one metadata lock: changes are
    /// rare, and persisting serialises all streams, so one lock keeps that snapshot consistent and rules out
    /// lock-order deadlocks. Shard locks are taken inside it, never the other way round.
    /// </summary>
    internal object Lock { get; set; } = new();

    public string Name { get; } = name;

    public string Arn { get; } = arn;

    /// <summary>The broker topic holding the shards (partition i = shard i).</summary>
    public string Topic { get; } = topic;

    public long CreatedMs { get; } = createdMs;

    /// <summary>Stream creation in epoch seconds: the epoch field of sequence numbers and iterators.</summary>
    public long SequenceEpoch => CreatedMs / 1000;

    public string Status { get; set; } = "ACTIVE";

    public string Mode { get; set; } = StreamModes.Provisioned;

    public int RetentionHours { get; set; } = 24;

    public string EncryptionType { get; set; } = "NONE";

    public string? KeyId { get; set; }

    public int MaxRecordSizeKiB { get; set; } = 1024;

    public List<string> ShardLevelMetrics { get; } = [];

    public Dictionary<string, string> Tags { get; } = new(StringComparer.Ordinal);

    public List<ConsumerState> Consumers { get; } = [];

    /// <summary>Every shard ever created, by index.</summary>
    public List<ShardState> Shards { get; } = [];

    /// <summary>UpdateShardCount calls and stream-mode changes in the last 24 h (AWS limits both).</summary>
    public List<long> ScalingEventsMs { get; } = [];

    public List<long> ModeChangesMs { get; } = [];

    public volatile ShardState[] OpenShards = [];

    public volatile bool Deleted;

    public long RetentionMs => RetentionHours * 3_600_000L;

    public int MaxRecordBytes => MaxRecordSizeKiB * 1024;

    /// <summary>Recomputes <see cref="OpenShards"/>; call under <see cref="Lock"/> after shards open or close.</summary>
    public void RefreshOpenShards() =>
        OpenShards = [.. Shards.Where(s => s.IsOpen).OrderBy(s => s.HashStart)];

    /// <summary>A shard is listed until it has been closed for longer than the retention period.</summary>
    public bool IsVisible(ShardState shard, long nowMs) => shard.ClosedMs is not { } closed || closed + RetentionMs > nowMs;

    /// <summary>The open shard owning <paramref name="hash"/> (binary search over the sorted open shards).</summary>
    public static ShardState Route(ShardState[] open, UInt128 hash)
    {
        int low = 0, high = open.Length - 1;
        while (low < high)
        {
            var middle = (low + high + 1) >> 1;
            if (open[middle].HashStart <= hash)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }
        return open[low];
    }
}
