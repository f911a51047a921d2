namespace Tributary.Firehose.Sources;

/// <summary>Decides which partitions of a topic may be read now, and where new ones start.</summary>
public interface IPartitionGate
{
    /// <summary>May <paramref name="partition"/> be read, given every partition's next read offset?</summary>
    bool CanRead(int partition, IReadOnlyDictionary<int, long> positions);

    /// <summary>Where a partition without a saved position starts, or null for the source's configured start.</summary>
    StartPosition? Start(int partition);
}

/// <summary>One Kinesis shard as the delivery source sees it (shard index = partition of the stream's topic).</summary>
public sealed record ShardLineage(int Index, int? ParentIndex, int? AdjacentParentIndex, long EndOffset, long CreatedMs)
{
    public bool IsOpen => EndOffset < 0;
}

/// <summary>
/// Reading order across resharding (KinesisStreamAsSource): a child shard is read only after each parent still
/// listed has been read to its end, so records of one partition key stay in order. Shards created after the delivery
/// stream started are read from their beginning; older ones from the stream's start time (Firehose starts a Kinesis
/// source at LATEST).
/// </summary>
public sealed class KinesisShardGate(Func<IReadOnlyList<ShardLineage>> shards, DateTimeOffset deliveryStart) : IPartitionGate
{
    public bool CanRead(int partition, IReadOnlyDictionary<int, long> positions)
    {
        var all = shards();
        var shard = all.FirstOrDefault(s => s.Index == partition);
        if (shard is null)
        {
            // Expired (past retention) or unknown: nothing to read.
            return false;
        }
        if (!shard.IsOpen && positions.TryGetValue(partition, out var position) && position >= shard.EndOffset)
        {
            return false;
        }
        return Drained(all, shard.ParentIndex, positions) && Drained(all, shard.AdjacentParentIndex, positions);
    }

    private static bool Drained(IReadOnlyList<ShardLineage> all, int? parent, IReadOnlyDictionary<int, long> positions)
    {
        if (parent is not int index || all.FirstOrDefault(s => s.Index == index) is not { } shard)
        {
            return true;
        }
        return !shard.IsOpen && positions.TryGetValue(index, out var position) && position >= shard.EndOffset;
    }

    public StartPosition? Start(int partition)
    {
        var shard = shards().FirstOrDefault(s => s.Index == partition);
        return shard is not null && shard.CreatedMs >= deliveryStart.ToUnixTimeMilliseconds() ? StartPosition.Earliest : StartPosition.At(deliveryStart);
    }
}
