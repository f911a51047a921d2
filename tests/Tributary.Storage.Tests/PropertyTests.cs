using FsCheck;
using FsCheck.Fluent;
using Tributary.Protocol.Records;

namespace Tributary.Storage.Tests;

/// <summary>Random logs: any batch sizes, segment sizes and index intervals.</summary>
[Trait("Category", "slow")]
public class PropertyTests
{
    private static Gen<(int[] Counts, int[] ValueSizes, int SegmentBytes, int IndexInterval, int[] Reads)> Logs =>
        from batchCount in Gen.Choose(1, 80)
        from counts in Gen.ArrayOf(Gen.Choose(1, 12), batchCount)
        from valueSizes in Gen.ArrayOf(Gen.Choose(0, 700), batchCount)
        from segmentBytes in Gen.Choose(1_024, 30_000)
        from indexInterval in Gen.Choose(0, 5_000)
        from reads in Gen.ArrayOf(Gen.Choose(1, 20_000), 25)
        select (counts, valueSizes, segmentBytes, indexInterval, reads);

    [Fact]
    public void Reads_at_any_offset_return_whole_batches_from_the_one_holding_it_within_the_limit()
    {
        Prop.ForAll(Logs.ToArbitrary(), input =>
        {
            var (counts, valueSizes, segmentBytes, indexInterval, reads) = input;
            using var dir = new TempDirectory();
            using var log = PartitionLog.Open(dir.Path, new LogConfig { FlushPolicy = FlushPolicy.Os, SegmentBytes = segmentBytes, IndexIntervalBytes = indexInterval });
            var written = new List<byte[]>();
            for (var i = 0; i < counts.Length; i++)
            {
                var batch = Batches.Make(counts[i], valueSize: valueSizes[i], seed: i);
                log.Append(batch);
                written.Add(batch);
            }
            var end = log.LogEndOffset;
            Assert.Equal(counts.Sum(), end);
            foreach (var read in reads)
            {
                var offset = read % end;
                var maxBytes = read % 7 == 0 ? 1 : read;
                using var result = log.Read(offset, maxBytes);
                var batches = Batches.Split(result.ToArray());
                Assert.NotEmpty(batches);
                Assert.InRange(offset, RecordBatch.BaseOffset(batches[0]), RecordBatch.LastOffset(batches[0]));
                Assert.True(batches.Count == 1 || result.Length <= maxBytes, "more than the limit beyond the first batch");
                for (var b = 0; b < batches.Count; b++)
                {
                    var index = written.FindIndex(w => RecordBatch.BaseOffset(w) == RecordBatch.BaseOffset(batches[b]));
                    Assert.Equal(written[index], batches[b]);
                    if (b > 0)
                    {
                        Assert.Equal(RecordBatch.NextOffset(batches[b - 1]), RecordBatch.BaseOffset(batches[b]));
                    }
                }
            }
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Indexes_rebuilt_from_the_log_equal_the_ones_written_while_appending()
    {
        Prop.ForAll(Logs.ToArbitrary(), input =>
        {
            var (counts, valueSizes, segmentBytes, indexInterval, _) = input;
            using var dir = new TempDirectory();
            var config = new LogConfig { FlushPolicy = FlushPolicy.Os, SegmentBytes = segmentBytes, IndexIntervalBytes = indexInterval };
            using (var log = PartitionLog.Open(dir.Path, config))
            {
                for (var i = 0; i < counts.Length; i++)
                {
                    log.Append(Batches.Make(counts[i], valueSize: valueSizes[i], timestamp: 1000 + (i * 37 % 500), seed: i));
                }
            }
            var written = Directory.GetFiles(dir.Path, "*index").Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
            foreach (var file in Directory.GetFiles(dir.Path, "*index").Append(Path.Combine(dir.Path, LogCheckpoint.FileName)))
            {
                File.Delete(file);
            }
            using (var rebuilt = PartitionLog.Open(dir.Path, config))
            {
                Assert.Equal(rebuilt.Size, rebuilt.LastRecovery.BytesScanned);
            }
            var again = Directory.GetFiles(dir.Path, "*index").Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
            Assert.Equal(written, again);
        }).QuickCheckThrowOnFailure();
    }
}
