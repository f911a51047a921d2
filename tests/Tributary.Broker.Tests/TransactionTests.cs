using Tributary.Broker.Groups;
using Tributary.Broker.Transactions;
using Tributary.Protocol.Records;
using Tributary.Storage;

namespace Tributary.Broker.Tests;

/// <summary>
/// The transaction coordinator and transactional partitions in-process: the record formats of
/// <c>__transaction_state</c> and of markers (golden bytes, docs/formats/transaction-state.md), the state machine's
/// answers to bad input in Kafka's error codes, KIP-890 part 1 verification, the last stable offset and the
/// aborted-transaction list of read_committed fetches, and recovery of both after a restart.
/// </summary>
public sealed class TransactionTests
{
    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    private static byte[] Transactional(int count, string prefix, long producerId, short epoch, int sequence)
    {
        using var builder = new RecordBatchBuilder(Batches.Timestamp);
        for (var i = 0; i < count; i++)
        {
            builder.Append(Batches.Timestamp + i, System.Text.Encoding.UTF8.GetBytes($"k-{i}"), System.Text.Encoding.UTF8.GetBytes($"{prefix}-{i}"));
        }
        return builder.ToArray(new BatchOptions { ProducerId = producerId, ProducerEpoch = epoch, BaseSequence = sequence, AttributeFlags = RecordBatchLayout.TransactionalFlag });
    }

    [Fact]
    public void Transaction_state_key_and_value_version_0_are_frozen()
    {
        // Key: int16 version 0, string "tx".
        Assert.Equal(Hex("0000 0002 7478"), TransactionRecords.Key("tx"));
        var record = new TransactionRecord(1000, 3, 60000, TransactionStatus.Ongoing, [new TopicPartition("t", 1), new TopicPartition("t", 0)], 1_700_000_000_000, 1_699_999_999_000);
        // Value: version 0 | producer id 1000 | epoch 3 | timeout 60000 | status 1 (Ongoing) | 1 topic: "t", [0, 1] |
        // last update | start (partitions sorted by topic, then number).
        var golden = Hex("0000 00000000000003E8 0003 0000EA60 01 00000001 0001 74 00000002 00000000 00000001 0000018BCFE56800 0000018BCFE56418");
        Assert.Equal(golden, TransactionRecords.Value(record));
        Assert.True(TransactionRecords.TryDecode(TransactionRecords.Key("tx"), golden, out var id, out var decoded));
        Assert.Equal("tx", id);
        Assert.Equal(record with { Partitions = [new TopicPartition("t", 0), new TopicPartition("t", 1)] }, decoded! with { Partitions = [.. decoded.Partitions] }, new RecordComparer());
        // Empty carries a null partition array (-1).
        var empty = TransactionRecords.Value(record with { Status = TransactionStatus.Empty, Partitions = [] });
        Assert.Equal(Hex("FFFFFFFF"), empty.AsSpan(17, 4).ToArray());
        // Status ids are disk format.
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7], Enum.GetValues<TransactionStatus>().Select(s => (int)s));
    }

    private sealed class RecordComparer : IEqualityComparer<TransactionRecord>
    {
        public bool Equals(TransactionRecord? x, TransactionRecord? y) =>
            x is not null && y is not null && x with { Partitions = [] } == y with { Partitions = [] } && x.Partitions.SequenceEqual(y.Partitions);

        public int GetHashCode(TransactionRecord obj) => 0;
    }

    [Fact]
    public void Commit_marker_batch_is_frozen_and_reads_back()
    {
        var marker = EndTransactionMarker.Build(1000, 3, ControlRecordType.Commit, 0, Batches.Timestamp);
        Assert.True(RecordBatch.IsControl(marker));
        Assert.True(RecordBatch.IsTransactional(marker));
        Assert.Equal(1000, RecordBatch.ProducerId(marker));
        Assert.Equal(3, RecordBatch.ProducerEpoch(marker));
        Assert.Equal(-1, RecordBatch.BaseSequence(marker));
        Assert.Equal(1, RecordBatch.RecordsCount(marker));
        // The record: length 16 | attributes 0 | timestamp delta 0 | offset delta 0 | key length 4, key 0000 0001 (v0, COMMIT) |
        // value length 6, value 0000 00000000 (v0, coordinator epoch 0) | 0 headers.
        Assert.Equal(Hex("20 00 00 00 08 00000001 0C 000000000000 00"), marker.AsSpan(RecordBatchLayout.RecordsOffset).ToArray());
        Assert.True(EndTransactionMarker.TryReadType(marker, out var type));
        Assert.Equal(ControlRecordType.Commit, type);
        Assert.True(EndTransactionMarker.TryReadType(EndTransactionMarker.Build(1, 0, ControlRecordType.Abort, 0, 0), out type));
        Assert.Equal(ControlRecordType.Abort, type);
        Assert.False(EndTransactionMarker.TryReadType(Batches.Make(1), out _));
    }

    [Fact]
    public async Task Bad_input_gets_kafkas_error_codes()
    {
        await using var fixture = new BrokerFixture();
        var broker = await fixture.OpenAsync();
        broker.CreateTopic("t", 2, null);
        var coordinator = broker.Transactions;
        Assert.Equal(ErrorCode.InvalidTransactionTimeout, (await coordinator.InitProducerIdAsync("tx", 900_001, -1, -1)).Error);
        Assert.Equal(ErrorCode.InvalidRequest, (await coordinator.InitProducerIdAsync("", 1000, -1, -1)).Error);
        // Unknown transactional id.
        Assert.Equal(ErrorCode.InvalidProducerIdMapping, await coordinator.EndTransactionAsync("nobody", 1, 0, true));
        var init = await coordinator.InitProducerIdAsync("tx", 60_000, -1, -1);
        Assert.Equal(ErrorCode.None, init.Error);
        // EndTxn without a transaction.
        Assert.Equal(ErrorCode.InvalidTxnState, await coordinator.EndTransactionAsync("tx", init.ProducerId, init.ProducerEpoch, true));
        // A wrong epoch, a wrong producer id.
        Assert.Equal(ErrorCode.ProducerFenced, await coordinator.EndTransactionAsync("tx", init.ProducerId, (short)(init.ProducerEpoch + 1), true));
        Assert.Equal(ErrorCode.InvalidProducerIdMapping, await coordinator.EndTransactionAsync("tx", init.ProducerId + 1, init.ProducerEpoch, true));
        var unknown = await coordinator.AddPartitionsAsync("tx", init.ProducerId, init.ProducerEpoch, [new TopicPartition("t", 0), new TopicPartition("missing", 0)]);
        Assert.Equal([ErrorCode.OperationNotAttempted, ErrorCode.UnknownTopicOrPartition], unknown.Select(r => r.Error));
        // A transactional write to a partition not added to the transaction (KIP-890 part 1).
        var refused = await broker.ProduceAsync("t", 1, Transactional(1, "x", init.ProducerId, init.ProducerEpoch, 0), Acks.All);
        Assert.Equal(ErrorCode.InvalidTxnState, refused.Error);
        Assert.All(await coordinator.AddPartitionsAsync("tx", init.ProducerId, init.ProducerEpoch, [new TopicPartition("t", 0)]), r => Assert.Equal(ErrorCode.None, r.Error));
        Assert.Equal(ErrorCode.InvalidTxnState, (await broker.ProduceAsync("t", 1, Transactional(1, "x", init.ProducerId, init.ProducerEpoch, 0), Acks.All)).Error);
        Assert.Equal(ErrorCode.None, (await broker.ProduceAsync("t", 0, Transactional(1, "x", init.ProducerId, init.ProducerEpoch, 0), Acks.All)).Error);
        // Clients may not write control batches.
        Assert.Equal(ErrorCode.InvalidRecord, (await broker.ProduceAsync("t", 0, EndTransactionMarker.Build(init.ProducerId, init.ProducerEpoch, ControlRecordType.Commit, 0, 0), Acks.All)).Error);
        // EndTxn(abort) after a commit was asked is refused while it is pending or done.
        Assert.Equal(ErrorCode.None, await coordinator.EndTransactionAsync("tx", init.ProducerId, init.ProducerEpoch, true));
        Assert.Equal(ErrorCode.InvalidTxnState, await coordinator.EndTransactionAsync("tx", init.ProducerId, init.ProducerEpoch, false));
    }

    [Fact]
    public async Task Read_committed_stops_at_the_last_stable_offset_and_lists_aborted_transactions_also_after_a_restart()
    {
        await using var fixture = new BrokerFixture();
        var broker = await fixture.OpenAsync();
        broker.CreateTopic("t", 1, null);
        var coordinator = broker.Transactions;
        var init = await coordinator.InitProducerIdAsync("tx", 60_000, -1, -1);
        var (pid, epoch) = (init.ProducerId, init.ProducerEpoch);
        await coordinator.AddPartitionsAsync("tx", pid, epoch, [new TopicPartition("t", 0)]);
        Assert.Equal(0, (await broker.ProduceAsync("t", 0, Transactional(3, "aborted", pid, epoch, 0), Acks.All)).BaseOffset);
        Assert.Equal(ErrorCode.None, (await broker.ProduceAsync("t", 0, Batches.Make(2, "plain"), Acks.All)).Error);

        // Open transaction at offset 0: read_committed sees nothing, read_uncommitted everything.
        var committedView = await broker.FetchAsync([new("t", 0, 0, 1 << 20)], 0, 1, 1 << 20, isolation: IsolationLevel.ReadCommitted);
        Assert.Empty(Batches.Records(committedView[0]));
        Assert.Equal(0, committedView[0].LastStableOffset);
        Assert.Equal(5, committedView[0].HighWatermark);
        Batches.DisposeAll(committedView);
        Assert.Equal(0, broker.ListOffset("t", 0, -1, IsolationLevel.ReadCommitted).Offset);
        Assert.Equal(5, broker.ListOffset("t", 0, -1).Offset);

        Assert.Equal(ErrorCode.None, await coordinator.EndTransactionAsync("tx", pid, epoch, false));
        await Eventually.HoldsAsync(() => coordinator.Describe("tx")!.Status == TransactionStatus.CompleteAbort, "the abort completes", TimeSpan.FromSeconds(10));
        await CheckAbortedAsync(broker);

        // The entry is in the .txnindex of the segment holding the marker (docs/formats/log.md), which a clean restart
        // reads as it is.
        var txnIndex = Assert.Single(Directory.EnumerateFiles(Path.Combine(fixture.DataDirectory, "t-0"), "*.txnindex"));
        var segmentBase = long.Parse(Path.GetFileNameWithoutExtension(txnIndex), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(segmentBase, 0, 5);
        Assert.Equal([new AbortedTransactionEntry(pid, 0, 5, 6)], TransactionIndex.Load(txnIndex, segmentBase).Entries);
        await fixture.ReopenAsync();
        await CheckAbortedAsync(fixture.Broker!);
        var snapshotPath = Path.Combine(fixture.DataDirectory, Broker.ClusterDirectoryName, "producer-state.json");

        // Without the shutdown snapshot (as after a crash) the index is not trusted: here it holds an entry whose
        // marker a crash lost. It is emptied and rebuilt from the log's batches and markers.
        await fixture.Broker!.DisposeAsync();
        File.Delete(snapshotPath);
        using (var stale = TransactionIndex.Empty(txnIndex, segmentBase))
        {
            stale.Append(new AbortedTransactionEntry(99, 1, 4, 5));
        }
        await fixture.OpenAsync();
        await CheckAbortedAsync(fixture.Broker!);
        Assert.Equal(TransactionStatus.CompleteAbort, fixture.Broker!.Transactions.Describe("tx")!.Status);

        // A format-2 snapshot (the list in producer-state.json, before the .txnindex files) fills the index at start.
        await fixture.Broker!.DisposeAsync();
        var file = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(snapshotPath))!;
        Assert.Equal(3, (int)file["version"]!);
        Assert.Null(file["partitions"]![0]!["abortedTransactions"]);
        file["version"] = 2;
        foreach (var partition in file["partitions"]!.AsArray())
        {
            partition!["abortedTransactions"] = (string)partition["log"]! == "t-0"
                ? System.Text.Json.Nodes.JsonNode.Parse($$"""[{"producerId":{{pid}},"firstOffset":0,"lastOffset":5}]""")
                : new System.Text.Json.Nodes.JsonArray();
        }
        File.WriteAllText(snapshotPath, file.ToJsonString());
        File.Delete(txnIndex);
        await fixture.OpenAsync();
        await CheckAbortedAsync(fixture.Broker!);
        Assert.Equal([new AbortedTransactionEntry(pid, 0, 5, -1)], TransactionIndex.Load(txnIndex, segmentBase).Entries);

        static async Task CheckAbortedAsync(Broker broker)
        {
            var results = await broker.FetchAsync([new("t", 0, 0, 1 << 20)], 0, 1, 1 << 20, isolation: IsolationLevel.ReadCommitted);
            // The marker at offset 5: everything up to it is stable; the aborted records are returned with the list
            // that tells the client to drop them (the client drops them, not the broker).
            Assert.Equal(6, results[0].LastStableOffset);
            var aborted = Assert.Single(results[0].AbortedTransactions!);
            Assert.Equal((0L, 5L), (aborted.FirstOffset, aborted.LastOffset));
            Assert.Equal(["aborted-0", "aborted-1", "aborted-2", "plain-0", "plain-1"], Batches.Records(results[0]).Select(r => r.Value));
            Batches.DisposeAll(results);
            // A reader past the marker is not told about the transaction any more.
            var later = await broker.FetchAsync([new("t", 0, 6, 1 << 20)], 0, 1, 1 << 20, isolation: IsolationLevel.ReadCommitted);
            Assert.Null(later[0].AbortedTransactions);
            Batches.DisposeAll(later);
        }
    }

    [Fact]
    public async Task A_new_producer_with_the_same_id_fences_the_old_one_and_aborts_its_transaction_replayed_after_a_restart()
    {
        await using var fixture = new BrokerFixture();
        var broker = await fixture.OpenAsync();
        broker.CreateTopic("t", 1, null);
        var old = await broker.Transactions.InitProducerIdAsync("tx", 60_000, -1, -1);
        await broker.Transactions.AddPartitionsAsync("tx", old.ProducerId, old.ProducerEpoch, [new TopicPartition("t", 0)]);
        Assert.Equal(ErrorCode.None, (await broker.ProduceAsync("t", 0, Transactional(2, "old", old.ProducerId, old.ProducerEpoch, 0), Acks.All)).Error);

        // Restart: the open transaction is replayed from __transaction_state and the partition log.
        broker = await fixture.ReopenAsync();
        Assert.Equal(TransactionStatus.Ongoing, broker.Transactions.Describe("tx")!.Status);
        Assert.Equal(0, broker.ListOffset("t", 0, -1, IsolationLevel.ReadCommitted).Offset);

        Assert.Equal(ErrorCode.ConcurrentTransactions, (await broker.Transactions.InitProducerIdAsync("tx", 60_000, -1, -1)).Error);
        ProducerIdResult fresh = default;
        await Eventually.HoldsAsync(async () => (fresh = await broker.Transactions.InitProducerIdAsync("tx", 60_000, -1, -1)).Error == ErrorCode.None, "InitProducerId succeeds once the abort completed", TimeSpan.FromSeconds(10));
        Assert.Equal(old.ProducerId, fresh.ProducerId);
        Assert.True(fresh.ProducerEpoch > old.ProducerEpoch + 1);
        // The old producer is fenced everywhere.
        Assert.Equal(ErrorCode.ProducerFenced, await broker.Transactions.EndTransactionAsync("tx", old.ProducerId, old.ProducerEpoch, true));
        Assert.Equal(ErrorCode.InvalidProducerEpoch, (await broker.ProduceAsync("t", 0, Transactional(1, "late", old.ProducerId, old.ProducerEpoch, 2), Acks.All)).Error);
        Assert.Equal(3, broker.ListOffset("t", 0, -1, IsolationLevel.ReadCommitted).Offset);
    }
    [Fact]
    public async Task Retention_never_deletes_the_segment_holding_an_open_transactions_first_batch()
    {
        // 1 KiB segments (the smallest allowed) and retention.ms 0: every closed segment has expired.
        await using var fixture = new BrokerFixture();
        var broker = await fixture.OpenAsync();
        var configs = new Dictionary<string, string?> { ["segment.bytes"] = "1024", ["retention.ms"] = "0" };
        Assert.Equal(ErrorCode.None, broker.CreateTopic("t", 2, configs).Error);
        var init = await broker.Transactions.InitProducerIdAsync("tx", 60_000, -1, -1);
        var (pid, epoch) = (init.ProducerId, init.ProducerEpoch);
        Assert.All(await broker.Transactions.AddPartitionsAsync("tx", pid, epoch, [new TopicPartition("t", 0)]), r => Assert.Equal(ErrorCode.None, r.Error));

        // Partition 0: a few plain batches, then the open transaction's first batch, then plain batches that roll
        // several segments. Partition 1: plain batches only, the same amount (retention's control case).
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(ErrorCode.None, (await broker.ProduceAsync("t", 0, Batches.Make(4, $"before{i}", valueSize: 100), Acks.All)).Error);
        }
        var first = (await broker.ProduceAsync("t", 0, Transactional(2, "open", pid, epoch, 0), Acks.All)).BaseOffset;
        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(ErrorCode.None, (await broker.ProduceAsync("t", 0, Batches.Make(4, $"after{i}", valueSize: 100), Acks.All)).Error);
        }
        for (var i = 0; i < 36; i++)
        {
            Assert.Equal(ErrorCode.None, (await broker.ProduceAsync("t", 1, Batches.Make(4, $"plain{i}", valueSize: 100), Acks.All)).Error);
        }
        Assert.Equal(first, broker.ListOffset("t", 0, -1, IsolationLevel.ReadCommitted).Offset);

        // The broker's own retention schedule may have run this pass already (retention.ms is 0), so the count this
        // call returns can be 0; the control partition's log start below shows that retention did run.
        broker.ApplyRetentionNow();
        // The control partition lost all but its active segment; partition 0 keeps the open transaction's first batch.
        var controlStart = broker.ListOffset("t", 1, -2).Offset;
        Assert.True(controlStart > 100, $"retention deleted the plain partition's old segments (log start {controlStart})");
        var start = broker.ListOffset("t", 0, -2).Offset;
        Assert.True(start > 0, "segments wholly before the open transaction are deleted");
        Assert.True(start <= first, $"log start {start} must not pass the open transaction's first batch at {first}");
        var fetched = await broker.FetchAsync([new("t", 0, first, 1 << 20)], 0, 1, 1 << 20);
        Assert.Equal(["open-0", "open-1"], Batches.Records(fetched[0]).Take(2).Select(r => r.Value));
        Batches.DisposeAll(fetched);

        // Once the transaction is committed nothing holds the segment back: the next pass deletes it.
        Assert.Equal(ErrorCode.None, await broker.Transactions.EndTransactionAsync("tx", pid, epoch, true));
        await Eventually.HoldsAsync(() => broker.ListOffset("t", 0, -1, IsolationLevel.ReadCommitted).Offset > first, "the commit marker is written", TimeSpan.FromSeconds(60));
        broker.ApplyRetentionNow();
        Assert.True(broker.ListOffset("t", 0, -2).Offset > first, "after the commit, retention passes the former first unstable offset");
    }
    [Fact]
    public async Task After_an_unclean_stop_open_and_orphaned_transactions_are_aborted_and_their_producers_fenced()
    {
        await using var fixture = new BrokerFixture();
        var broker = await fixture.OpenAsync();
        broker.CreateTopic("t", 2, null);
        var coordinator = broker.Transactions;
        // "open": a transaction left open by the crash.
        var open = await coordinator.InitProducerIdAsync("open", 60_000, -1, -1);
        await coordinator.AddPartitionsAsync("open", open.ProducerId, open.ProducerEpoch, [new TopicPartition("t", 0)]);
        Assert.Equal(ErrorCode.None, (await broker.ProduceAsync("t", 0, Transactional(2, "open", open.ProducerId, open.ProducerEpoch, 0), Acks.All)).Error);
        // "done": a committed transaction, then an orphan: transactional data on a partition whose AddPartitions
        // record the crash lost (written here behind the coordinator's back).
        var done = await coordinator.InitProducerIdAsync("done", 60_000, -1, -1);
        await coordinator.AddPartitionsAsync("done", done.ProducerId, done.ProducerEpoch, [new TopicPartition("t", 0)]);
        Assert.Equal(ErrorCode.None, (await broker.ProduceAsync("t", 0, Transactional(1, "committed", done.ProducerId, done.ProducerEpoch, 0), Acks.All)).Error);
        Assert.Equal(ErrorCode.None, await coordinator.EndTransactionAsync("done", done.ProducerId, done.ProducerEpoch, true));
        await Eventually.HoldsAsync(() => coordinator.Describe("done")!.Status == TransactionStatus.CompleteCommit, "the commit completes", TimeSpan.FromSeconds(60));
        var orphan = Transactional(2, "orphan", done.ProducerId, done.ProducerEpoch, 1);
        var (appendError, _, orphanEnd) = broker.AppendInternal("t", 1, orphan);
        Assert.Equal(ErrorCode.None, appendError);
        Assert.Equal(ErrorCode.None, await broker.WaitForDurableAsync("t", 1, orphanEnd));
        Assert.Equal(0, broker.ListOffset("t", 1, -1, IsolationLevel.ReadCommitted).Offset);

        // A clean stop and start changes nothing: the open transaction stays open.
        broker = await fixture.ReopenAsync();
        Assert.Equal(TransactionStatus.Ongoing, broker.Transactions.Describe("open")!.Status);
        Assert.Equal(done.ProducerEpoch, broker.Transactions.Describe("done")!.ProducerEpoch);

        // An unclean one (no producer-state snapshot, as after kill -9).
        await broker.DisposeAsync();
        File.Delete(Path.Combine(fixture.DataDirectory, Broker.ClusterDirectoryName, "producer-state.json"));
        broker = await fixture.OpenAsync();
        coordinator = broker.Transactions;
        await Eventually.HoldsAsync(() => coordinator.Describe("open")!.Status == TransactionStatus.CompleteAbort, "the open transaction is aborted", TimeSpan.FromSeconds(60));
        await Eventually.HoldsAsync(() => coordinator.Describe("done")!.Status == TransactionStatus.CompleteAbort, "the orphan is aborted", TimeSpan.FromSeconds(60));
        Assert.True(coordinator.Describe("open")!.ProducerEpoch > open.ProducerEpoch);
        Assert.True(coordinator.Describe("done")!.ProducerEpoch > done.ProducerEpoch);
        // Both old producers are fenced: neither can claim a commit.
        Assert.Equal(ErrorCode.ProducerFenced, await coordinator.EndTransactionAsync("open", open.ProducerId, open.ProducerEpoch, true));
        Assert.Equal(ErrorCode.ProducerFenced, await coordinator.EndTransactionAsync("done", done.ProducerId, done.ProducerEpoch, true));
        // Nothing is left open, and read_committed readers see exactly the committed record.
        foreach (var partition in new[] { 0, 1 })
        {
            Assert.Equal(broker.ListOffset("t", partition, -1).Offset, broker.ListOffset("t", partition, -1, IsolationLevel.ReadCommitted).Offset);
        }
        var seen = new List<string>();
        foreach (var partition in new[] { 0, 1 })
        {
            var results = await broker.FetchAsync([new("t", partition, 0, 1 << 20)], 0, 1, 1 << 20, isolation: IsolationLevel.ReadCommitted);
            var aborted = results[0].AbortedTransactions ?? [];
            // What a read_committed client keeps: records not inside an aborted range of their own producer.
            long ProducerOf(string value) => value.StartsWith("open", StringComparison.Ordinal) ? open.ProducerId : done.ProducerId;
            seen.AddRange(Batches.Records(results[0]).Where(r => !aborted.Any(a => a.ProducerId == ProducerOf(r.Value) && r.Offset >= a.FirstOffset && r.Offset < a.LastOffset)).Select(r => r.Value));
            Batches.DisposeAll(results);
        }
        Assert.Equal(["committed-0"], seen);
    }
}
