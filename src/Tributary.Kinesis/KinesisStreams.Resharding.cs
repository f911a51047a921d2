using Tributary.Aws;
using Tributary.Broker;

namespace Tributary.Kinesis;

public sealed partial class KinesisStreams
{
    /// <summary>
    /// SplitShard: closes <paramref name="shardId"/> and opens two children covering its range, split at
    /// <paramref name="newStartingHashKey"/>. Validated as AWS does (provisioned streams only; the key strictly
    /// inside the range, past start + 1).
    /// </summary>
    public void Split(StreamState stream, string shardId, UInt128 newStartingHashKey)
    {
        lock (stream.Lock)
        {
            EnsureActive(stream);
            EnsureProvisioned(stream, "SplitShard");
            var shard = GetOpenShard(stream, shardId);
            if (newStartingHashKey <= shard.HashStart + 1 || newStartingHashKey >= shard.HashEnd)
            {
                throw AwsErrorException.InvalidArgument($"NewStartingHashKey {HashKey.Format(newStartingHashKey)} used in SplitShard() on shard {shard.Id} in stream {stream.Name} under account {_options.AccountId} is not both greater than one plus the shard's StartingHashKey {HashKey.Format(shard.HashStart)} and less than the shard's EndingHashKey {HashKey.Format(shard.HashEnd)}.");
            }
            CheckShardLimit(stream, 1);
            GrowTopic(stream, 2);
            var now = NowMs;
            Close(stream, shard, now);
            AddShard(stream, new ShardState(stream.Shards.Count, shard.Id, null, shard.HashStart, newStartingHashKey - 1, now));
            AddShard(stream, new ShardState(stream.Shards.Count, shard.Id, null, newStartingHashKey, shard.HashEnd, now));
            stream.RefreshOpenShards();
            Persist();
        }
    }

    /// <summary>MergeShards: closes two open shards with adjacent ranges and opens one child covering both.</summary>
    public void Merge(StreamState stream, string shardId, string adjacentShardId)
    {
        lock (stream.Lock)
        {
            EnsureActive(stream);
            EnsureProvisioned(stream, "MergeShards");
            var shard = GetOpenShard(stream, shardId);
            var adjacent = GetOpenShard(stream, adjacentShardId);
            if (shard == adjacent || (!Follows(shard, adjacent) && !Follows(adjacent, shard)))
            {
                throw AwsErrorException.InvalidArgument($"Shards {shard.Id} and {adjacent.Id} in stream {stream.Name} under account {_options.AccountId} are not an adjacent pair of shards eligible for merging");
            }
            GrowTopic(stream, 1);
            MergeLocked(stream, shard, adjacent, NowMs);
            stream.RefreshOpenShards();
            Persist();
        }
    }

    /// <summary>
    /// UpdateShardCount with UNIFORM_SCALING, done the way AWS does it: a series of splits and merges, so every
    /// new shard has at most a parent and an adjacent parent and per-key order survives for consumers that
    /// follow lineage. First every open shard is split at each new uniform boundary inside it; then the pieces
    /// of each new range are merged left to right. Intermediate shards are closed at once (their parents stay
    /// readable, as with any reshard). AWS's limits apply: at most double, at least half, at most 10 scalings a day.
    /// </summary>
    public (int Current, int Target) UpdateShardCount(StreamState stream, int target)
    {
        lock (stream.Lock)
        {
            EnsureActive(stream);
            EnsureProvisioned(stream, "UpdateShardCount");
            var open = stream.OpenShards;
            var current = open.Length;
            if (target > current * 2L)
            {
                throw AwsErrorException.LimitExceeded($"UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: {current} Target shard count: {target}");
            }
            if (target * 2L < current)
            {
                throw AwsErrorException.LimitExceeded($"UpdateShardCount cannot scale down below half your current open shard count. Current open shard count: {current} Target shard count: {target}");
            }
            var now = NowMs;
            stream.ScalingEventsMs.RemoveAll(t => t <= now - 86_400_000);
            if (stream.ScalingEventsMs.Count >= 10)
            {
                throw AwsErrorException.LimitExceeded($"Exceeded the limit of 10 UpdateShardCount calls per rolling 24 hours for stream {stream.Name} under account {_options.AccountId}.");
            }
            CheckShardLimit(stream, target - current);
            var ranges = HashKey.EvenRanges(target);
            // Count the shards the plan creates, to grow the topic once, before any shard changes.
            var created = 0;
            foreach (var shard in open)
            {
                var cuts = ranges.Count(r => r.Start > shard.HashStart && r.Start <= shard.HashEnd);
                created += 2 * cuts;
            }
            var piecesPerRange = new int[target];
            foreach (var shard in open)
            {
                foreach (var piece in Pieces(shard.HashStart, shard.HashEnd, ranges))
                {
                    piecesPerRange[RangeOf(piece.Start, ranges)]++;
                }
            }
            created += piecesPerRange.Sum(p => p - 1);
            GrowTopic(stream, created);

            foreach (var shard in open)
            {
                var remaining = shard;
                foreach (var range in ranges)
                {
                    if (range.Start > remaining.HashStart && range.Start <= remaining.HashEnd)
                    {
                        Close(stream, remaining, now);
                        AddShard(stream, new ShardState(stream.Shards.Count, remaining.Id, null, remaining.HashStart, range.Start - 1, now));
                        var right = new ShardState(stream.Shards.Count, remaining.Id, null, range.Start, remaining.HashEnd, now);
                        AddShard(stream, right);
                        remaining = right;
                    }
                }
            }
            stream.RefreshOpenShards();
            for (var r = 0; r < ranges.Length; r++)
            {
                var pieces = stream.OpenShards.Where(s => s.HashStart >= ranges[r].Start && s.HashEnd <= ranges[r].End).OrderBy(s => s.HashStart).ToList();
                var accumulated = pieces[0];
                for (var i = 1; i < pieces.Count; i++)
                {
                    accumulated = MergeLocked(stream, accumulated, pieces[i], now);
                }
            }
            stream.RefreshOpenShards();
            stream.ScalingEventsMs.Add(now);
            Persist();
            return (current, target);
        }
    }

    /// <summary>UpdateStreamMode; AWS allows two switches per rolling 24 hours.</summary>
    public void UpdateMode(StreamState stream, string mode)
    {
        lock (stream.Lock)
        {
            EnsureActive(stream);
            if (stream.Mode == mode)
            {
                return;
            }
            var now = NowMs;
            stream.ModeChangesMs.RemoveAll(t => t <= now - 86_400_000);
            if (stream.ModeChangesMs.Count >= 2)
            {
                throw AwsErrorException.LimitExceeded($"Stream {stream.Name} under account {_options.AccountId} has already switched capacity mode twice in the last 24 hours.");
            }
            stream.Mode = mode;
            stream.ModeChangesMs.Add(now);
            Persist();
        }
    }

    /// <summary>
    /// The on-demand rule: an ON_DEMAND stream's open shard that took more than
    /// <see cref="KinesisOptions.OnDemandSplitBytesPerSecond"/> over the last interval is split at the middle of its
    /// range (AWS's documented trigger is a shard above 500 KB/s). Called periodically by the host.
    /// </summary>
    public int SplitHotShards(double intervalSeconds)
    {
        var splits = 0;
        foreach (var stream in ListStreams())
        {
            if (stream.Mode != StreamModes.OnDemand)
            {
                continue;
            }
            lock (stream.Lock)
            {
                if (stream.Deleted || stream.Status != "ACTIVE")
                {
                    continue;
                }
                var hot = new List<ShardState>();
                foreach (var shard in stream.OpenShards)
                {
                    var bytes = shard.TakeBytesSinceLastCheck();
                    if (bytes / intervalSeconds > _options.OnDemandSplitBytesPerSecond && shard.HashEnd - shard.HashStart > 4)
                    {
                        hot.Add(shard);
                    }
                }
                if (hot.Count == 0 || OpenShardCount() + hot.Count > _options.ShardLimit)
                {
                    continue;
                }
                GrowTopic(stream, 2 * hot.Count);
                var now = NowMs;
                foreach (var shard in hot)
                {
                    var middle = shard.HashStart + ((shard.HashEnd - shard.HashStart) / 2) + 1;
                    Close(stream, shard, now);
                    AddShard(stream, new ShardState(stream.Shards.Count, shard.Id, null, shard.HashStart, middle - 1, now));
                    AddShard(stream, new ShardState(stream.Shards.Count, shard.Id, null, middle, shard.HashEnd, now));
                    splits++;
                }
                stream.RefreshOpenShards();
                Persist();
            }
        }
        return splits;
    }

    /// <summary>True when <paramref name="next"/>'s range starts right after <paramref name="shard"/>'s (no wrap-around at 2^128 − 1).</summary>
    private static bool Follows(ShardState shard, ShardState next) => shard.HashEnd != HashKey.Max && shard.HashEnd + 1 == next.HashStart;

    private ShardState MergeLocked(StreamState stream, ShardState a, ShardState b, long now)
    {
        var (low, high) = a.HashStart < b.HashStart ? (a, b) : (b, a);
        Close(stream, a, now);
        Close(stream, b, now);
        var child = new ShardState(stream.Shards.Count, a.Id, b.Id, low.HashStart, high.HashEnd, now);
        AddShard(stream, child);
        return child;
    }

    private static IEnumerable<(UInt128 Start, UInt128 End)> Pieces(UInt128 start, UInt128 end, (UInt128 Start, UInt128 End)[] ranges)
    {
        var pieceStart = start;
        foreach (var range in ranges)
        {
            if (range.Start > pieceStart && range.Start <= end)
            {
                yield return (pieceStart, range.Start - 1);
                pieceStart = range.Start;
            }
        }
        yield return (pieceStart, end);
    }

    private static int RangeOf(UInt128 hash, (UInt128 Start, UInt128 End)[] ranges)
    {
        for (var i = 0; i < ranges.Length; i++)
        {
            if (hash >= ranges[i].Start && hash <= ranges[i].End)
            {
                return i;
            }
        }
        throw new InvalidOperationException("Hash outside the key space.");
    }

    /// <summary>Closes a shard at its current log end, under its append lock, so no record lands after the end.</summary>
    private void Close(StreamState stream, ShardState shard, long now)
    {
        lock (shard)
        {
            var offsets = _broker.GetOffsets(stream.Topic, shard.Index);
            shard.EndOffset = offsets?.LogEndOffset ?? 0;
            shard.ClosedMs = now;
        }
    }

    private static void AddShard(StreamState stream, ShardState shard) => stream.Shards.Add(shard);

    /// <summary>Grows the stream's topic so the next <paramref name="newShards"/> shard indexes have partitions.</summary>
    private void GrowTopic(StreamState stream, int newShards)
    {
        if (newShards <= 0)
        {
            return;
        }
        var needed = stream.Shards.Count + newShards;
        var topic = _broker.GetTopic(stream.Topic);
        if (topic is not null && topic.PartitionCount >= needed)
        {
            return;
        }
        var (error, message) = _broker.CreatePartitions(stream.Topic, needed);
        if (error != ErrorCode.None)
        {
            throw new AwsErrorException("InternalFailure", $"Cannot add shards to stream {stream.Name}: {error} {message}", 500);
        }
    }

    private ShardState GetOpenShard(StreamState stream, string shardId)
    {
        var shard = GetShard(stream, shardId);
        if (!shard.IsOpen)
        {
            throw AwsErrorException.ResourceInUse($"Shard {shard.Id} in stream {stream.Name} under account {_options.AccountId} has already been merged or split, and thus is not eligible for merging or splitting.");
        }
        return shard;
    }

    private void EnsureProvisioned(StreamState stream, string operation)
    {
        if (stream.Mode != StreamModes.Provisioned)
        {
            throw AwsErrorException.Validation($"{operation} is not supported for ON_DEMAND stream {stream.Name} under account {_options.AccountId}; it is only available in PROVISIONED mode.");
        }
    }

    private void CheckShardLimit(StreamState stream, int additional)
    {
        var open = OpenShardCount();
        if (additional > 0 && open + additional > _options.ShardLimit)
        {
            throw AwsErrorException.LimitExceeded($"This request would exceed the shard limit for the account {_options.AccountId} in {_options.Region}. Current shard count for the account: {open}. Limit: {_options.ShardLimit}. Number of additional shards that would have resulted from this request: {additional}. Stream: {stream.Name}.");
        }
    }
}
