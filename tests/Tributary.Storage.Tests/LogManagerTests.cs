namespace Tributary.Storage.Tests;

public class LogManagerTests
{
    [Fact]
    public async Task Opens_every_log_of_a_data_directory_in_parallel_and_keeps_them_across_restarts()
    {
        using var dir = new TempDirectory();
        await using (var manager = await LogManager.OpenAsync(dir.Path, new LogManagerOptions { DefaultLogConfig = new LogConfig { FlushPolicy = FlushPolicy.Os } }))
        {
            for (var p = 0; p < 24; p++)
            {
                var log = manager.GetOrCreate($"topic-{p}");
                for (var i = 0; i <= p; i++)
                {
                    log.Append(Batches.Make(2, seed: i));
                }
            }
            Assert.Same(manager.GetOrCreate("topic-3"), manager.GetOrCreate("topic-3"));
        }
        await using (var reopened = await LogManager.OpenAsync(dir.Path))
        {
            Assert.Equal(24, reopened.Logs.Count);
            for (var p = 0; p < 24; p++)
            {
                Assert.True(reopened.TryGet($"topic-{p}", out var log));
                Assert.Equal(2 * (p + 1), log.LogEndOffset);
                Assert.Equal(0, log.LastRecovery.BytesScanned);
            }
            Assert.True(reopened.Delete("topic-5"));
            Assert.False(reopened.Delete("topic-5"));
            Assert.False(Directory.Exists(Path.Combine(dir.Path, "topic-5")));
            Assert.Throws<ArgumentException>(() => reopened.GetOrCreate("../escape"));
            Assert.Throws<ArgumentException>(() => reopened.GetOrCreate(".hidden"));
        }
    }

    [Fact]
    public async Task A_second_manager_on_the_same_directory_is_refused()
    {
        using var dir = new TempDirectory();
        await using var first = await LogManager.OpenAsync(dir.Path);
        var error = await Assert.ThrowsAsync<IOException>(() => LogManager.OpenAsync(dir.Path));
        Assert.Contains("in use by another process", error.Message);
    }

    [Fact]
    public async Task The_schedule_applies_retention_and_compaction_in_the_background()
    {
        using var dir = new TempDirectory();
        var old = DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeMilliseconds();
        var options = new LogManagerOptions
        {
            DefaultLogConfig = new LogConfig { FlushPolicy = FlushPolicy.Os, SegmentBytes = 2048, RetentionMs = 60_000 },
            RetentionCheckIntervalMs = 100,
            CleanerBackoffMs = 100,
            CheckpointIntervalMs = 100,
        };
        await using var manager = await LogManager.OpenAsync(dir.Path, options);
        var expiring = manager.GetOrCreate("expiring-0");
        var compacted = manager.GetOrCreate("compacted-0", options.DefaultLogConfig with { CleanupPolicy = CleanupPolicy.Compact, RetentionMs = -1 });
        for (var i = 0; i < 40; i++)
        {
            expiring.Append(Batches.Make(3, timestamp: old, valueSize: 60, seed: i));
            compacted.Append(Batches.Keyed([("same-key", new string('v', 60))], old));
        }
        var segmentsBefore = expiring.SegmentCount;
        var compactedSizeBefore = compacted.Size;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((expiring.SegmentCount == segmentsBefore || compacted.Size == compactedSizeBefore) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        Assert.Equal(1, expiring.SegmentCount);
        Assert.Equal(expiring.SegmentBaseOffsets[0], expiring.LogStartOffset);
        Assert.True(expiring.LogStartOffset > 0);
        Assert.True(compacted.Size < compactedSizeBefore);
    }
}
