using Tributary.Protocol.Compression;

namespace Tributary.Storage.Tests;

public class CompactionTests
{
    private static readonly LogConfig Compacted = new()
    {
        FlushPolicy = FlushPolicy.Os,
        SegmentBytes = 4096,
        CleanupPolicy = CleanupPolicy.Compact,
        DeleteRetentionMs = 1000,
    };

    public static TheoryData<CompressionCodec> Codecs => new() { CompressionCodec.None, CompressionCodec.Gzip, CompressionCodec.Snappy, CompressionCodec.Lz4, CompressionCodec.Zstd };

    [Theory]
    [MemberData(nameof(Codecs))]
    public void Compaction_keeps_the_latest_record_per_key_with_offsets_unchanged(CompressionCodec codec)
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, Compacted);
        var expected = new Dictionary<string, (long Offset, string Value)>();
        var random = new Random(42);
        for (var i = 0; i < 120; i++)
        {
            var records = Enumerable.Range(0, 5).Select(r => ($"k{random.Next(20)}", (string?)$"v{i}-{r}-{new string('p', 30)}")).ToList();
            var result = log.Append(Batches.Keyed(records, 1000 + i, codec));
            for (var r = 0; r < records.Count; r++)
            {
                expected[records[r].Item1] = (result.BaseOffset + r, records[r].Item2!);
            }
        }
        var before = Batches.ReadAll(log);
        var activeBase = log.SegmentBaseOffsets[^1];
        var result2 = log.Compact(nowMs: 2000);
        Assert.True(result2.SegmentsCleaned > 0);
        Assert.True(result2.BytesAfter < result2.BytesBefore);
        var after = Batches.ReadAll(log);

        // The active segment is untouched; below it, exactly the latest record of each key survives.
        Assert.Equal(before.Where(r => r.Offset >= activeBase), after.Where(r => r.Offset >= activeBase));
        // (The cleaner sees only the segments below the active one, so "latest" means latest among those.)
        var latestBelowActive = before.Where(r => r.Offset < activeBase).GroupBy(r => r.Key).Select(g => g.Max(r => r.Offset)).Order();
        Assert.Equal(latestBelowActive, after.Where(r => r.Offset < activeBase).Select(r => r.Offset));
        // Every record that survived is byte-for-byte the one written at that offset.
        var byOffset = before.ToDictionary(r => r.Offset);
        Assert.All(after, r => Assert.Equal(byOffset[r.Offset], r));
        // Reading by key gives the latest value for every key.
        var latest = after.GroupBy(r => r.Key!).ToDictionary(g => g.Key, g => g.Last());
        foreach (var (key, (offset, value)) in expected)
        {
            Assert.Equal(offset, latest[key].Offset);
            Assert.Equal(value, latest[key].Value);
        }
        Assert.Equal(log.LogEndOffset, before[^1].Offset + 1);
        // A reopen finds the same records (indexes of the rewritten segments were rebuilt).
        log.Dispose();
        using var reopened = PartitionLog.Open(dir.Path, Compacted);
        Assert.Equal(after, Batches.ReadAll(reopened));
    }

    [Fact]
    public void Tombstones_stay_until_delete_retention_passes_then_go()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, Compacted);
        log.Append(Batches.Keyed([("a", "1"), ("b", "1")], 1000));
        log.Append(Batches.Keyed([("a", null)], 1001));
        for (var i = 0; i < 40; i++)
        {
            log.Append(Batches.Keyed([($"filler{i}", new string('f', 100))], 1002));
        }
        log.Compact(nowMs: 1500, force: true);
        var afterFirst = Batches.ReadAll(log);
        Assert.DoesNotContain(afterFirst, r => r.Key == "a" && r.Value == "1");
        Assert.Contains(afterFirst, r => r.Key == "a" && r.Value is null && r.Offset == 2);
        Assert.Contains(afterFirst, r => r.Key == "b");

        log.Compact(nowMs: 1_000_000, force: true);
        var afterSecond = Batches.ReadAll(log);
        Assert.DoesNotContain(afterSecond, r => r.Key == "a");
        Assert.Contains(afterSecond, r => r.Key == "b" && r.Offset == 1);
    }

    [Fact]
    public void Compaction_waits_for_the_dirty_ratio_and_does_not_run_for_delete_policy()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, Compacted with { CleanupPolicy = CleanupPolicy.Delete });
        for (var i = 0; i < 60; i++)
        {
            log.Append(Batches.Keyed([("same", new string('x', 100))], 1000));
        }
        Assert.Equal(0, log.Compact(5000).SegmentsCleaned);
        log.UpdateConfig(log.Config with { CleanupPolicy = CleanupPolicy.Compact });
        Assert.True(log.Compact(5000).SegmentsCleaned > 0);
        // Nothing new since: below the dirty ratio.
        Assert.Equal(0, log.Compact(5000).SegmentsCleaned);
    }

    [Fact]
    public async Task Appends_and_reads_continue_while_compaction_runs()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, Compacted);
        for (var i = 0; i < 200; i++)
        {
            log.Append(Batches.Keyed([($"k{i % 10}", new string('x', 100))], 1000));
        }
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var writer = Task.Run(() =>
        {
            for (var i = 0; i < 500; i++)
            {
                log.Append(Batches.Keyed([($"k{i % 10}", new string('y', 100))], 2000));
            }
        });
        var compactions = 0;
        while (!writer.IsCompleted && !cts.IsCancellationRequested)
        {
            compactions += log.Compact(3000, force: true).SegmentsCleaned;
            Batches.ReadAll(log);
        }
        await writer;
        log.Compact(3000, force: true);
        var records = Batches.ReadAll(log);
        Assert.Equal(700, log.LogEndOffset);
        Assert.Equal(records.Select(r => r.Offset).Order(), records.Select(r => r.Offset));
        Assert.True(compactions > 0);
    }
}
