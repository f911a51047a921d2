namespace Tributary.Storage.Tests;

/// <summary>
/// The per-segment aborted-transaction index (<c>.txnindex</c>, docs/formats/log.md): its frozen bytes, reading damaged
/// files, the lookup rule a read_committed fetch uses, and its life with the segment (roll, reopen, retention,
/// compaction, orphans). The broker's side (which transactions abort, rebuilding after a crash) is in the broker's
/// TransactionTests.
/// </summary>
public class TransactionIndexTests
{
    private static readonly LogConfig Small = new() { FlushPolicy = FlushPolicy.Os, SegmentBytes = 4096 };

    private static string TxnIndexPath(string directory, long baseOffset) => Path.Combine(directory, $"{baseOffset:D20}.txnindex");

    [Fact]
    public void Format_version_1_is_frozen()
    {
        using var dir = new TempDirectory();
        var path = TxnIndexPath(dir.Path, 7);
        var index = TransactionIndex.Empty(path, 7);
        Assert.False(File.Exists(path));
        Assert.True(index.Append(new AbortedTransactionEntry(1000, 8, 20, 21)));
        index.Flush();
        index.Dispose();
        // Header: "TTXN", version 1, entry size 32, base offset 7; entry: producer id, first, last, last stable offset.
        Assert.Equal(
            "5454584E" + "0001" + "0020" + "0000000000000007"
            + "00000000000003E8" + "0000000000000008" + "0000000000000014" + "0000000000000015",
            Convert.ToHexString(File.ReadAllBytes(path)));
        Assert.Equal([new AbortedTransactionEntry(1000, 8, 20, 21)], TransactionIndex.Load(path, 7).Entries);
    }

    [Fact]
    public void A_torn_last_entry_is_dropped_and_a_file_with_a_bad_header_reads_as_empty()
    {
        using var dir = new TempDirectory();
        var path = TxnIndexPath(dir.Path, 0);
        using (var index = TransactionIndex.Empty(path, 0))
        {
            index.Append(new AbortedTransactionEntry(1, 0, 5, 6));
            index.Append(new AbortedTransactionEntry(2, 7, 9, 10));
        }
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^5]);
        var torn = TransactionIndex.Load(path, 0);
        Assert.Equal([new AbortedTransactionEntry(1, 0, 5, 6)], torn.Entries);
        // The next append overwrites the torn bytes: the file holds exactly the two entries again.
        Assert.True(torn.Append(new AbortedTransactionEntry(3, 11, 12, 13)));
        torn.Dispose();
        Assert.Equal([new AbortedTransactionEntry(1, 0, 5, 6), new AbortedTransactionEntry(3, 11, 12, 13)], TransactionIndex.Load(path, 0).Entries);
        Assert.Equal(16 + (2 * 32), new FileInfo(path).Length);

        // Another segment's base offset, or another magic: not trusted.
        Assert.Empty(TransactionIndex.Load(path, 100).Entries);
        bytes = File.ReadAllBytes(path);
        bytes[0] = (byte)'X';
        File.WriteAllBytes(path, bytes);
        Assert.Empty(TransactionIndex.Load(path, 0).Entries);
    }

    [Fact]
    public void Repeats_are_ignored_so_a_replay_can_write_entries_again()
    {
        using var dir = new TempDirectory();
        using var index = TransactionIndex.Empty(TxnIndexPath(dir.Path, 0), 0);
        Assert.True(index.Append(new AbortedTransactionEntry(1, 0, 5, 6)));
        Assert.False(index.Append(new AbortedTransactionEntry(1, 0, 5, 6)));
        Assert.False(index.Append(new AbortedTransactionEntry(2, 1, 3, 4)));
        Assert.Single(index.Entries);
    }

    [Fact]
    public void Lookups_follow_Kafka_s_rule_and_stop_at_an_entry_whose_last_stable_offset_reaches_the_bound()
    {
        using var dir = new TempDirectory();
        using var index = TransactionIndex.Empty(TxnIndexPath(dir.Path, 0), 0);
        // A: [0, 10], B still open then (last stable offset 4); B: [4, 20] with nothing open after it; C: [30, 40].
        index.Append(new AbortedTransactionEntry(1, 0, 10, 4));
        index.Append(new AbortedTransactionEntry(2, 4, 20, 21));
        index.Append(new AbortedTransactionEntry(3, 30, 40, 41));

        List<AbortedTransactionEntry>? found = null;
        Assert.True(index.Collect(0, 15, ref found));
        Assert.Equal([1L, 2L], found!.Select(e => e.ProducerId));
        // A reader past A's marker is told only about B; a bound at or below a transaction's first offset excludes it.
        found = null;
        index.Collect(11, 15, ref found);
        Assert.Equal([2L], found!.Select(e => e.ProducerId));
        found = null;
        index.Collect(0, 4, ref found);
        Assert.Equal([1L], found!.Select(e => e.ProducerId));
        // Nothing here reaches a bound of 100: a later segment may still hold entries.
        found = null;
        Assert.False(index.Collect(35, 100, ref found));
        Assert.Equal([3L], found!.Select(e => e.ProducerId));
    }

    [Fact]
    public void Entries_live_in_the_segment_of_their_marker_survive_a_reopen_and_go_with_retention()
    {
        using var dir = new TempDirectory();
        var log = PartitionLog.Open(dir.Path, Small with { RetentionMs = 1000 });
        log.Append(Batches.Make(5, timestamp: 1000));                          // offsets 0-4
        log.AppendAbortedTransaction(new AbortedTransactionEntry(1, 0, 4, 5));
        log.ForceRoll();
        log.Append(Batches.Make(5, timestamp: 1000));                          // offsets 5-9
        log.AppendAbortedTransaction(new AbortedTransactionEntry(2, 2, 9, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => log.AppendAbortedTransaction(new AbortedTransactionEntry(3, 9, 10, 11)));
        Assert.True(File.Exists(TxnIndexPath(dir.Path, 0)));
        Assert.True(File.Exists(TxnIndexPath(dir.Path, 5)));

        // From offset 3 up to 10: both (the second started at 2, in the first segment, and ended in the second).
        Assert.Equal([1L, 2L], log.CollectAbortedTransactions(3, 10)!.Select(e => e.ProducerId));
        Assert.Equal([2L], log.CollectAbortedTransactions(5, 10)!.Select(e => e.ProducerId));
        Assert.Null(log.CollectAbortedTransactions(10, 10));
        log.Dispose();

        log = PartitionLog.Open(dir.Path, Small with { RetentionMs = 1000 });
        Assert.Equal([1L, 2L], log.CollectAbortedTransactions(0, 10)!.Select(e => e.ProducerId));
        log.ForceRoll();
        log.Append(Batches.Make(1, timestamp: 1_000_000));
        Assert.Equal(2, log.ApplyRetention(1_000_000));
        Assert.False(File.Exists(TxnIndexPath(dir.Path, 0)));
        Assert.False(File.Exists(TxnIndexPath(dir.Path, 5)));
        log.Dispose();
    }

    [Fact]
    public void Compaction_keeps_a_segment_s_entries_and_an_orphan_file_is_removed_at_open()
    {
        using var dir = new TempDirectory();
        var config = Small with { CleanupPolicy = CleanupPolicy.Compact, DeleteRetentionMs = 1000 };
        using (var log = PartitionLog.Open(dir.Path, config))
        {
            for (var i = 0; i < 40; i++)
            {
                log.Append(Batches.Keyed([("k", $"v{i}-{new string('p', 200)}")], 1000 + i));
            }
            log.AppendAbortedTransaction(new AbortedTransactionEntry(7, 1, 3, 4));
            Assert.True(log.SegmentCount > 2);
            Assert.True(log.Compact(nowMs: 2000).SegmentsCleaned > 0);
            Assert.Equal([7L], log.CollectAbortedTransactions(0, 100)!.Select(e => e.ProducerId));
        }
        File.WriteAllBytes(TxnIndexPath(dir.Path, 999_999), new byte[16]);
        using (var log = PartitionLog.Open(dir.Path, config))
        {
            Assert.Equal([7L], log.CollectAbortedTransactions(0, 100)!.Select(e => e.ProducerId));
            Assert.False(File.Exists(TxnIndexPath(dir.Path, 999_999)));
            log.ClearAbortedTransactions();
            Assert.Null(log.CollectAbortedTransactions(0, 100));
        }
    }
}
