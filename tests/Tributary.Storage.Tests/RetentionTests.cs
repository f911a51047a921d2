namespace Tributary.Storage.Tests;

public class RetentionTests
{
    private static readonly LogConfig Small = new() { FlushPolicy = FlushPolicy.Os, SegmentBytes = 4096 };

    private static PartitionLog Fill(string path, LogConfig config, int batches, Func<int, long> timestamp)
    {
        var log = PartitionLog.Open(path, config);
        for (var i = 0; i < batches; i++)
        {
            log.Append(Batches.Make(5, timestamp: timestamp(i), valueSize: 50, seed: i));
        }
        return log;
    }

    [Fact]
    public void Time_retention_deletes_old_segments_oldest_first_never_the_active_one()
    {
        using var dir = new TempDirectory();
        var now = 10_000_000L;
        using var log = Fill(dir.Path, Small with { RetentionMs = 1000 }, 100, i => i < 60 ? now - 5000 : now);
        var before = log.SegmentCount;
        var deleted = log.ApplyRetention(now);
        Assert.True(deleted > 0);
        Assert.Equal(before - deleted, log.SegmentCount);
        Assert.True(log.LogStartOffset > 0);
        Assert.Equal(log.SegmentBaseOffsets[0], log.LogStartOffset);
        var records = Batches.ReadAll(log);
        Assert.Equal(log.LogStartOffset, records[0].Offset);
        Assert.Equal(500, records[^1].Offset + 1);
        // Everything expired: only the active segment remains.
        Assert.True(log.ApplyRetention(now + 1_000_000) > 0);
        Assert.Equal(1, log.SegmentCount);
        Assert.Equal(500, log.LogEndOffset);
        Assert.Throws<OffsetOutOfRangeException>(() => log.Read(0, 100));
        Assert.False(File.Exists(Path.Combine(dir.Path, "00000000000000000000.log")));
    }

    [Fact]
    public void Size_retention_keeps_the_log_within_retention_bytes()
    {
        using var dir = new TempDirectory();
        using var log = Fill(dir.Path, Small with { RetentionBytes = 20_000, RetentionMs = -1 }, 200, _ => 1);
        Assert.True(log.Size > 20_000);
        log.ApplyRetention(long.MaxValue);
        // Kafka's rule: delete the oldest segment while the rest still holds at least retention.bytes.
        Assert.InRange(log.Size, 20_000, 20_000 + 4096);
        Assert.Equal(1000, log.LogEndOffset);
    }

    [Fact]
    public void Retention_minus_one_and_compact_only_policies_keep_everything()
    {
        using var dir = new TempDirectory();
        using var log = Fill(dir.Path, Small with { RetentionMs = -1 }, 50, _ => 1);
        Assert.Equal(0, log.ApplyRetention(long.MaxValue / 2));
        log.UpdateConfig(log.Config with { RetentionMs = 1, CleanupPolicy = CleanupPolicy.Compact });
        Assert.Equal(0, log.ApplyRetention(long.MaxValue / 2));
    }

    [Fact]
    public void Delete_records_advances_the_log_start_offset_and_removes_whole_segments_below_it()
    {
        using var dir = new TempDirectory();
        using (var log = Fill(dir.Path, Small, 100, _ => 1))
        {
            var second = log.SegmentBaseOffsets[2];
            Assert.Equal(second + 1, log.AdvanceLogStartOffset(second + 1));
            Assert.Equal(second, log.SegmentBaseOffsets[0]);
            Assert.Equal(second + 1, Batches.ReadAll(log)[0].Offset);
            Assert.Equal(second + 1, log.AdvanceLogStartOffset(3));
            Assert.Throws<OffsetOutOfRangeException>(() => log.AdvanceLogStartOffset(501));
            Assert.Throws<OffsetOutOfRangeException>(() => log.Read(second, 10));
        }
        using var reopened = PartitionLog.Open(dir.Path, Small);
        Assert.True(reopened.LogStartOffset > 0);
        Assert.Equal(reopened.LogStartOffset, Batches.ReadAll(reopened)[0].Offset);
    }

    [Fact]
    public void A_reader_keeps_reading_a_segment_that_retention_deleted()
    {
        using var dir = new TempDirectory();
        using var log = Fill(dir.Path, Small with { RetentionMs = 1 }, 50, _ => 1);
        using var read = log.Read(0, 2000);
        Assert.True(log.ApplyRetention(1_000_000) > 0);
        var batches = Batches.Split(read.ToArray());
        Assert.NotEmpty(batches);
    }
}
