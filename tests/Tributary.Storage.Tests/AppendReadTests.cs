using System.Buffers.Binary;
using Tributary.Protocol.Records;

namespace Tributary.Storage.Tests;

public class AppendReadTests
{
    private static readonly LogConfig Fast = new() { FlushPolicy = FlushPolicy.Os };

    [Fact]
    public void Append_assigns_consecutive_offsets_by_rewriting_the_base_offset()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, Fast);
        var first = Batches.Make(3);
        var second = Batches.Make(5);
        var crcBefore = RecordBatch.Crc(second);
        var a = log.Append(first);
        var b = log.Append(second);
        Assert.Equal((0L, 2L), (a.BaseOffset, a.LastOffset));
        Assert.Equal((3L, 7L), (b.BaseOffset, b.LastOffset));
        Assert.Equal(3, RecordBatch.BaseOffset(second));
        Assert.Equal(crcBefore, RecordBatch.Crc(second));
        Assert.Equal(BatchError.None, RecordBatchValidator.Validate(second, BatchOrigin.Client));
        Assert.Equal(8, log.LogEndOffset);
        Assert.Equal(8, log.HighWatermark);

        using var read = log.Read(0, 1 << 20);
        var batches = Batches.Split(read.ToArray());
        Assert.Equal(2, batches.Count);
        Assert.Equal(first, batches[0]);
        Assert.Equal(second, batches[1]);
    }

    [Theory]
    [InlineData(BatchError.CrcMismatch)]
    [InlineData(BatchError.InvalidLength)]
    [InlineData(BatchError.UnsupportedMagic)]
    [InlineData(BatchError.RecordCountMismatch)]
    [InlineData(BatchError.Truncated)]
    public void Bad_batches_are_refused_with_a_typed_error_and_leave_the_log_unchanged(BatchError expected)
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, Fast);
        log.Append(Batches.Make(2));
        var sizeBefore = log.Size;
        var batch = Batches.Make(4);
        switch (expected)
        {
            case BatchError.CrcMismatch:
                batch[^1] ^= 0x40;
                break;
            case BatchError.InvalidLength:
                BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(8), 10);
                break;
            case BatchError.UnsupportedMagic:
                batch[16] = 1;
                break;
            case BatchError.RecordCountMismatch:
                BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatchLayout.RecordsCountOffset), 3);
                RecordBatch.WriteCrc(batch);
                break;
            case BatchError.Truncated:
                batch = batch[..^5];
                break;
        }
        var error = Assert.Throws<InvalidBatchException>(() => log.Append(batch));
        Assert.Equal(expected, error.Error);
        Assert.Equal(2, log.LogEndOffset);
        Assert.Equal(sizeBefore, log.Size);
        Assert.Equal(2, Batches.ReadAll(log).Count);
    }

    [Fact]
    public void Reads_start_at_the_batch_holding_the_offset_and_stop_at_whole_batches_within_the_limit()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, Fast);
        var sizes = new List<int>();
        for (var i = 0; i < 200; i++)
        {
            var batch = Batches.Make(10, seed: i);
            sizes.Add(batch.Length);
            log.Append(batch);
        }
        using (var read = log.Read(1234, 3 * sizes[0]))
        {
            var batches = Batches.Split(read.ToArray());
            Assert.Equal(1230, RecordBatch.BaseOffset(batches[0]));
            Assert.Equal(3, batches.Count);
        }
        using (var tiny = log.Read(1999, 10))
        {
            // At least one whole batch even when the limit is smaller.
            var batches = Batches.Split(tiny.ToArray());
            Assert.Single(batches);
            Assert.Equal(1990, RecordBatch.BaseOffset(batches[0]));
        }
        using (var atEnd = log.Read(2000, 100))
        {
            Assert.True(atEnd.IsEmpty);
        }
        Assert.Throws<OffsetOutOfRangeException>(() => log.Read(2001, 100));
        Assert.Throws<OffsetOutOfRangeException>(() => log.Read(-1, 100));
    }

    [Fact]
    public void Segments_roll_by_size_with_twenty_digit_names_and_sparse_indexes()
    {
        using var dir = new TempDirectory();
        var config = Fast with { SegmentBytes = 64 * 1024, IndexIntervalBytes = 4096 };
        using var log = PartitionLog.Open(dir.Path, config);
        var batchSize = Batches.Make(10, valueSize: 90).Length;
        for (var i = 0; i < 500; i++)
        {
            log.Append(Batches.Make(10, valueSize: 90, seed: i));
        }
        Assert.True(log.SegmentCount >= (500 * batchSize / (64 * 1024)));
        foreach (var baseOffset in log.SegmentBaseOffsets)
        {
            var name = baseOffset.ToString("D20") + ".log";
            Assert.True(File.Exists(Path.Combine(dir.Path, name)), name);
            Assert.True(new FileInfo(Path.Combine(dir.Path, name)).Length <= 64 * 1024);
        }
        // Roughly one index entry per 4 KiB of log.
        log.ForceRoll();
        var indexPath = Path.Combine(dir.Path, log.SegmentBaseOffsets[0].ToString("D20") + ".index");
        var entries = (new FileInfo(indexPath).Length - 16) / 8;
        var expected = 64 * 1024 / (4096 + batchSize);
        Assert.InRange(entries, expected - 2, expected + 3);
        // Every offset is still found after the rolls.
        for (var offset = 0L; offset < 5000; offset += 97)
        {
            using var read = log.Read(offset, 1);
            var batch = Batches.Split(read.ToArray())[0];
            Assert.InRange(offset, RecordBatch.BaseOffset(batch), RecordBatch.LastOffset(batch));
        }
    }

    [Fact]
    public void Segments_roll_when_record_time_passes_segment_ms()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, Fast with { SegmentMs = 60_000 });
        var t0 = 1_700_000_000_000L;
        log.Append(Batches.Make(1, timestamp: t0));
        log.Append(Batches.Make(1, timestamp: t0 + 30_000));
        Assert.Equal(1, log.SegmentCount);
        log.Append(Batches.Make(1, timestamp: t0 + 61_000));
        Assert.Equal(2, log.SegmentCount);
        Assert.Equal([0L, 2L], log.SegmentBaseOffsets);
    }

    [Fact]
    public async Task Readers_never_see_beyond_the_high_watermark_and_durability_waits_complete_after_fsync()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, new LogConfig { FlushPolicy = FlushPolicy.Interval, FlushIntervalMs = 60_000 });
        var result = log.Append(Batches.Make(5));
        Assert.Equal(5, log.LogEndOffset);
        Assert.Equal(0, log.HighWatermark);
        using (var read = log.Read(0, 1 << 20))
        {
            Assert.True(read.IsEmpty);
        }
        var wait = log.WaitForDurableAsync(result.EndOffset).AsTask();
        Assert.False(wait.IsCompleted);
        log.Flush();
        await wait.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(5, log.HighWatermark);
        using var after = log.Read(0, 1 << 20);
        Assert.Single(Batches.Split(after.ToArray()));
    }

    [Fact]
    public async Task Group_commit_makes_concurrent_appends_durable()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, new LogConfig { FlushPolicy = FlushPolicy.EveryAppend });
        var tasks = Enumerable.Range(0, 4).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                var result = log.Append(Batches.Make(2, seed: t * 100 + i));
                await log.WaitForDurableAsync(result.EndOffset);
                Assert.True(log.HighWatermark >= result.EndOffset);
            }
        })).ToArray();
        await Task.WhenAll(tasks);
        Assert.Equal(400, log.HighWatermark);
        Assert.Equal(400, Batches.ReadAll(log).Count);
    }

    [Fact]
    public async Task Concurrent_readers_tail_a_writer_and_only_ever_see_whole_valid_batches()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, new LogConfig { FlushPolicy = FlushPolicy.EveryAppend, SegmentBytes = 256 * 1024 });
        const int total = 3000;
        var writer = Task.Run(() =>
        {
            for (var i = 0; i < total; i++)
            {
                log.Append(Batches.Make(1 + (i % 5), seed: i));
            }
        });
        var expectedEnd = Enumerable.Range(0, total).Sum(i => 1 + (i % 5));
        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
        {
            long next = 0;
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (next < expectedEnd && DateTime.UtcNow < deadline)
            {
                using var read = log.Read(next, 16 * 1024);
                if (read.IsEmpty)
                {
                    Thread.Yield();
                    continue;
                }
                Assert.True(RecordBatch.BaseOffset(read.ToArray()) <= next);
                foreach (var batch in Batches.Split(read.ToArray()))
                {
                    Assert.True(RecordBatch.BaseOffset(batch) <= next);
                    Assert.True(RecordBatch.NextOffset(batch) <= read.HighWatermark);
                    next = RecordBatch.NextOffset(batch);
                }
            }
            return next;
        })).ToArray();
        await writer;
        var ends = await Task.WhenAll(readers);
        Assert.All(ends, end => Assert.Equal(expectedEnd, end));
    }
}
