using FsCheck;
using FsCheck.Fluent;
using Tributary.Protocol.Records;

namespace Tributary.Storage.Tests;

public class TimestampTests
{
    [Fact]
    public void Earliest_latest_and_max_timestamp_follow_list_offsets_semantics()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, new LogConfig { FlushPolicy = FlushPolicy.Os });
        log.Append(Batches.Make(3, timestamp: 1000));
        log.Append(Batches.Make(3, timestamp: 5000));
        log.Append(Batches.Make(3, timestamp: 2000));
        Assert.Equal(new TimestampOffset(0, -1), log.FindOffset(ListOffsetsTimestamp.Earliest));
        Assert.Equal(new TimestampOffset(9, -1), log.FindOffset(ListOffsetsTimestamp.Latest));
        Assert.Equal(new TimestampOffset(5, 5002), log.FindOffset(ListOffsetsTimestamp.MaxTimestamp));
        Assert.Equal(new TimestampOffset(0, 1000), log.FindOffset(0));
        Assert.Equal(new TimestampOffset(3, 5000), log.FindOffset(1003));
        Assert.Equal(new TimestampOffset(5, 5002), log.FindOffset(5002));
        Assert.Null(log.FindOffset(5003));
        log.AdvanceLogStartOffset(4);
        Assert.Equal(new TimestampOffset(4, 5001), log.FindOffset(0));
        Assert.Equal(new TimestampOffset(4, -1), log.FindOffset(ListOffsetsTimestamp.Earliest));
    }

    [Fact]
    public void Log_append_time_batches_answer_with_the_batch_time()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, new LogConfig { FlushPolicy = FlushPolicy.Os });
        var batch = Batches.Make(4, timestamp: 10);
        RecordBatch.SetLogAppendTime(batch, 9_000);
        log.Append(batch);
        Assert.Equal(new TimestampOffset(0, 9_000), log.FindOffset(500));
    }

    /// <summary>For any timestamps (not ordered) and any segment/index sizes, the lookup equals a brute-force scan.</summary>
    [Trait("Category", "slow")]
    [Fact]
    public void Timestamp_lookup_matches_a_linear_scan_for_random_logs()
    {
        var gen =
            from batchCount in Gen.Choose(1, 60)
            from stamps in Gen.ArrayOf(Gen.Choose(0, 10_000), batchCount)
            from counts in Gen.ArrayOf(Gen.Choose(1, 8), batchCount)
            from segmentBytes in Gen.Choose(2_000, 20_000)
            from indexInterval in Gen.Choose(0, 2_000)
            from targets in Gen.ArrayOf(Gen.Choose(-1, 11_000), 20)
            select (stamps, counts, segmentBytes, indexInterval, targets);
        Prop.ForAll(gen.ToArbitrary(), input =>
        {
            var (stamps, counts, segmentBytes, indexInterval, targets) = input;
            using var dir = new TempDirectory();
            var config = new LogConfig { FlushPolicy = FlushPolicy.Os, SegmentBytes = segmentBytes, IndexIntervalBytes = indexInterval };
            var all = new List<(long Offset, long Timestamp)>();
            using (var log = PartitionLog.Open(dir.Path, config))
            {
                for (var i = 0; i < stamps.Length; i++)
                {
                    var result = log.Append(Batches.Make(counts[i], timestamp: stamps[i], seed: i));
                    for (var r = 0; r < counts[i]; r++)
                    {
                        all.Add((result.BaseOffset + r, stamps[i] + r));
                    }
                }
            }
            // Reopen so that the lookup also exercises indexes loaded from disk.
            using var reopened = PartitionLog.Open(dir.Path, config);
            foreach (var target in targets.Where(t => t >= 0))
            {
                var expected = all.FirstOrDefault(r => r.Timestamp >= target);
                var actual = reopened.FindOffset(target);
                if (expected == default && all.All(r => r.Timestamp < target))
                {
                    Assert.Null(actual);
                }
                else
                {
                    Assert.Equal(new TimestampOffset(expected.Offset, expected.Timestamp), actual);
                }
            }
        }).QuickCheckThrowOnFailure();
    }
}
