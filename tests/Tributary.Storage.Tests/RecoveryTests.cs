using Tributary.Protocol.Records;

namespace Tributary.Storage.Tests;

/// <summary>Reopening after clean shutdowns and after damage: what survives, what is cut, what is rebuilt.</summary>
public class RecoveryTests
{
    private static readonly LogConfig Config = new() { FlushPolicy = FlushPolicy.EveryAppend, SegmentBytes = 16 * 1024 };

    private static List<(long, string?, string?, long)> FillAndClose(string path, int batches = 60)
    {
        using var log = PartitionLog.Open(path, Config);
        for (var i = 0; i < batches; i++)
        {
            log.Append(Batches.Make(4, valueSize: 64, seed: i));
        }
        log.Flush();
        return Batches.ReadAll(log);
    }

    /// <summary>Copies the files of an open log, as a crash would leave them (no close, no final checkpoint).</summary>
    private static void CopyFiles(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }

    private static string LastSegment(string path) => Directory.GetFiles(path, "*.log").Order(StringComparer.Ordinal).Last();

    [Fact]
    public void A_clean_reopen_scans_nothing_and_serves_the_same_records()
    {
        using var dir = new TempDirectory();
        var records = FillAndClose(dir.Path);
        using var log = PartitionLog.Open(dir.Path, Config);
        Assert.Equal(0, log.LastRecovery.BytesScanned);
        Assert.Equal(records, Batches.ReadAll(log));
        Assert.Equal(240, log.LogEndOffset);
        Assert.Equal(240, log.Append(Batches.Make(1)).BaseOffset);
    }

    [Fact]
    public void After_a_crash_only_the_tail_after_the_checkpoint_is_scanned()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.File("live"), Config);
        for (var i = 0; i < 50; i++)
        {
            log.Append(Batches.Make(4, valueSize: 64, seed: i));
        }
        log.WriteCheckpoint();
        long tailBytes = 0;
        for (var i = 0; i < 10; i++)
        {
            tailBytes += log.Append(Batches.Make(4, valueSize: 64, seed: 100 + i)) is var _ ? Batches.Make(4, valueSize: 64).Length : 0;
        }
        log.Flush();
        var expected = Batches.ReadAll(log);
        CopyFiles(dir.File("live"), dir.File("crashed"));
        using var recovered = PartitionLog.Open(dir.File("crashed"), Config);
        Assert.Equal(tailBytes, recovered.LastRecovery.BytesScanned);
        Assert.Equal(0, recovered.LastRecovery.BytesTruncated);
        Assert.Equal(expected, Batches.ReadAll(recovered));
    }

    [Fact]
    public void A_roll_after_the_checkpoint_does_not_force_a_rescan_of_the_checkpointed_prefix()
    {
        // Regression: the index of a segment rolled after the checkpoint holds entries beyond the checkpoint
        // position; recovery must cut them back, not throw the whole index away and rescan the segment.
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.File("live"), Config);
        var batchSize = Batches.Make(4, valueSize: 64).Length;
        for (var i = 0; i < 20; i++)
        {
            log.Append(Batches.Make(4, valueSize: 64, seed: i));
        }
        log.WriteCheckpoint();
        var segmentsAtCheckpoint = log.SegmentCount;
        var tail = 0;
        while (log.SegmentCount == segmentsAtCheckpoint || tail < 5)
        {
            log.Append(Batches.Make(4, valueSize: 64, seed: 1000 + tail));
            tail++;
        }
        log.Flush();
        var expected = Batches.ReadAll(log);
        CopyFiles(dir.File("live"), dir.File("crashed"));
        using var recovered = PartitionLog.Open(dir.File("crashed"), Config);
        Assert.Equal((long)tail * batchSize, recovered.LastRecovery.BytesScanned);
        Assert.Equal(expected, Batches.ReadAll(recovered));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(30)]
    [InlineData(61)]
    [InlineData(200)]
    public void A_torn_tail_is_cut_to_the_last_whole_batch(int bytesCut)
    {
        using var dir = new TempDirectory();
        var records = FillAndClose(dir.Path);
        var last = LastSegment(dir.Path);
        using (var stream = new FileStream(last, FileMode.Open))
        {
            stream.SetLength(stream.Length - bytesCut);
        }
        File.Delete(Path.Combine(dir.Path, LogCheckpoint.FileName));
        using var log = PartitionLog.Open(dir.Path, Config);
        var survived = Batches.ReadAll(log);
        Assert.True(log.LastRecovery.BytesTruncated > 0);
        Assert.Equal(records.Take(survived.Count), survived);
        Assert.Equal(records.Count - 4, survived.Count);
        Assert.Equal(log.LogEndOffset, survived[^1].Item1 + 1);
        // The log accepts appends right after the cut.
        Assert.Equal(log.LogEndOffset, log.Append(Batches.Make(1)).BaseOffset);
    }

    [Fact]
    public void A_flipped_byte_in_the_unflushed_tail_cuts_the_log_there_and_drops_later_segments()
    {
        using var dir = new TempDirectory();
        var records = FillAndClose(dir.Path, 200);
        var segments = Directory.GetFiles(dir.Path, "*.log").Order(StringComparer.Ordinal).ToArray();
        Assert.True(segments.Length >= 3);
        var victim = segments[1];
        var bytes = File.ReadAllBytes(victim);
        bytes[500] ^= 0xFF;
        File.WriteAllBytes(victim, bytes);
        File.Delete(Path.Combine(dir.Path, LogCheckpoint.FileName));
        using var log = PartitionLog.Open(dir.Path, Config);
        var survived = Batches.ReadAll(log);
        Assert.True(survived.Count < records.Count);
        Assert.Equal(records.Take(survived.Count), survived);
        Assert.True(log.LastRecovery.SegmentsRemoved >= 1);
        Assert.Equal(2, log.SegmentCount);
        // Every byte served verifies.
        using var read = log.Read(0, int.MaxValue);
        Assert.NotEmpty(Batches.Split(read.ToArray()));
    }

    [Fact]
    public void Garbage_after_the_last_batch_is_cut()
    {
        using var dir = new TempDirectory();
        var records = FillAndClose(dir.Path);
        File.AppendAllText(LastSegment(dir.Path), new string('x', 300));
        using var log = PartitionLog.Open(dir.Path, Config);
        Assert.Equal(300, log.LastRecovery.BytesTruncated);
        Assert.Equal(records, Batches.ReadAll(log));
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("garbage")]
    [InlineData("wrong-positions")]
    [InlineData("empty")]
    public void Missing_or_corrupt_index_files_are_rebuilt_from_the_log(string damage)
    {
        using var dir = new TempDirectory();
        var records = FillAndClose(dir.Path, 120);
        foreach (var index in Directory.GetFiles(dir.Path, "*.index").Concat(Directory.GetFiles(dir.Path, "*.timeindex")))
        {
            switch (damage)
            {
                case "missing":
                    File.Delete(index);
                    break;
                case "garbage":
                    File.WriteAllBytes(index, Enumerable.Range(0, 100).Select(i => (byte)(i * 7)).ToArray());
                    break;
                case "wrong-positions":
                    var bytes = File.ReadAllBytes(index);
                    for (var i = 16; i < bytes.Length; i++)
                    {
                        bytes[i] = (byte)(bytes[i] + 3);
                    }
                    File.WriteAllBytes(index, bytes);
                    break;
                case "empty":
                    File.WriteAllBytes(index, []);
                    break;
            }
        }
        using var log = PartitionLog.Open(dir.Path, Config);
        Assert.Equal(records, Batches.ReadAll(log));
        for (var offset = 0L; offset < log.LogEndOffset; offset += 13)
        {
            using var read = log.Read(offset, 1);
            var batch = Batches.Split(read.ToArray())[0];
            Assert.InRange(offset, RecordBatch.BaseOffset(batch), RecordBatch.LastOffset(batch));
        }
        Assert.Equal(new TimestampOffset(0, 1_700_000_000_000), log.FindOffset(0));
    }

    [Fact]
    public void A_corrupt_checkpoint_means_a_full_verified_scan()
    {
        using var dir = new TempDirectory();
        var records = FillAndClose(dir.Path);
        var checkpoint = Path.Combine(dir.Path, LogCheckpoint.FileName);
        var bytes = File.ReadAllBytes(checkpoint);
        bytes[20] ^= 1;
        File.WriteAllBytes(checkpoint, bytes);
        using var log = PartitionLog.Open(dir.Path, Config);
        Assert.True(log.LastRecovery.CheckpointMissing);
        Assert.Equal(log.Size, log.LastRecovery.BytesScanned);
        Assert.Equal(records, Batches.ReadAll(log));
    }

    [Fact]
    public void An_interrupted_compaction_swap_is_completed_and_a_stray_cleaned_file_is_discarded()
    {
        using var dir = new TempDirectory();
        var records = FillAndClose(dir.Path);
        var first = Directory.GetFiles(dir.Path, "*.log").Order(StringComparer.Ordinal).First();
        File.WriteAllBytes(first.Replace(".log", ".log.cleaned"), [1, 2, 3]);
        File.Copy(first, first.Replace(".log", ".log.swap"));
        using var log = PartitionLog.Open(dir.Path, Config);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.cleaned"));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.swap"));
        Assert.Equal(records, Batches.ReadAll(log));
    }

    [Fact]
    public void Checkpoint_format_is_stable()
    {
        // Frozen bytes of format version 1: changing the layout must change the version, not these bytes.
        var checkpoint = new LogCheckpoint(1, 2, 3, 4, 5, 6, 7);
        Assert.Equal(
            "5452434B000100000000000000000001000000000000000200000000000000030000000000000004000000000000000500000000000000060000000000000007ED5F2B77",
            Convert.ToHexString(checkpoint.Encode()));
        Assert.Equal(checkpoint, LogCheckpoint.Decode(checkpoint.Encode()));
    }
}
