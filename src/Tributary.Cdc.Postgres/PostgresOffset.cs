namespace Tributary.Cdc.Postgres;

/// <summary>
/// The connector's source offset under Debezium's field names and with their meaning (PostgresOffsetContext,
/// Debezium 2.x/3.x): <c>lsn_commit</c>, <c>lsn</c>, <c>lsn_proc</c>, <c>txId</c>, <c>ts_usec</c>, <c>messageType</c>,
/// and while a snapshot is unfinished <c>snapshot: "INITIAL"</c> (<c>last_snapshot_record: true</c> on its last
/// record); while an incremental snapshot runs, its progress as <c>incremental_snapshot</c> (our own JSON, not
/// Debezium's encoding); <c>xmin</c> when <c>xmin.fetch.interval.ms</c> fetches it; with transaction metadata on, the
/// transaction in progress (<see cref="TransactionProgress"/>: <c>transaction_id</c>,
/// <c>transaction_data_collection_order_*</c>) so that a restart in the middle of a transaction continues its orders
/// and counts.
/// <para>
/// Meaning: <c>lsn_commit</c> is Debezium's lastCommitLsn — the end LSN of the last transaction streamed in full before
/// the record (the LSN its COMMIT message arrived at; a non-transactional logical decoding message counts as a commit
/// at its own LSN), so it is also what may be confirmed to the slot. <c>lsn</c> and <c>lsn_proc</c> are the LSN of the
/// message the record came from (a change, the BEGIN or COMMIT of a transaction metadata record, a logical decoding
/// message), <c>txId</c> its transaction, <c>messageType</c> its kind as Debezium names it (INSERT, UPDATE, DELETE,
/// TRUNCATE, MESSAGE, BEGIN, COMMIT). A stored offset thus says: every transaction whose commit ends at or before
/// <c>lsn_commit</c> was emitted; in transaction <c>txId</c>, if it commits later and the record was one of its
/// changes (not its BEGIN), its messages up to <c>lsn_proc</c>. An offset Debezium wrote reads the same way (its
/// loader's fallbacks included: <c>lsn_proc</c>, then <c>lsn</c>; no <c>lsn_commit</c> → <c>lsn_proc</c>).
/// </para>
/// Immutable.
/// </summary>
public sealed record PostgresOffset(ulong LsnCommit, ulong? Lsn = null, long? TxId = null, long TsUsec = 0, bool Snapshot = false, bool LastSnapshotRecord = false,
    string? Incremental = null, long? Xmin = null, TransactionProgress? Transaction = null, string? MessageType = null)
{
    /// <summary>Debezium's <c>ReplicationMessage.Operation</c> names, as its offsets store them under <c>messageType</c>.</summary>
    public const string Begin = "BEGIN", Commit = "COMMIT", Message = "MESSAGE";

    public IReadOnlyDictionary<string, object?> ToMap()
    {
        var map = new Dictionary<string, object?>
        {
            ["lsn_commit"] = (long)LsnCommit,
        };
        if (Lsn is { } lsn)
        {
            map["lsn"] = (long)lsn;
            map["lsn_proc"] = (long)lsn;
        }
        if (TxId is { } txId)
        {
            map["txId"] = txId;
        }
        if (Xmin is { } xmin)
        {
            map["xmin"] = xmin;
        }
        if (MessageType is { } messageType)
        {
            map["messageType"] = messageType;
        }
        map["ts_usec"] = TsUsec;
        Transaction?.WriteTo(map);
        if (Snapshot)
        {
            map["snapshot"] = "INITIAL";
        }
        if (LastSnapshotRecord)
        {
            map["last_snapshot_record"] = true;
        }
        if (Incremental is { } incremental)
        {
            map["incremental_snapshot"] = incremental;
        }
        return map;
    }

    /// <summary>
    /// Reads a stored offset (numbers arrive as longs from the offset store's JSON), ours or Debezium's; null when there
    /// is none. The processed position is <c>lsn_proc</c>, else <c>lsn</c>; the last commit <c>lsn_commit</c>, else
    /// <c>lsn_proc</c> (Debezium's loader), else nothing (0: no transaction is known to be emitted, as after Debezium's
    /// snapshot, whose offset holds only <c>lsn</c>).
    /// </summary>
    public static PostgresOffset? FromMap(IReadOnlyDictionary<string, object?>? map)
    {
        if (map is null)
        {
            return null;
        }
        var commit = SourceOffsets.Long(map, "lsn_commit");
        var processed = SourceOffsets.Long(map, "lsn_proc") ?? SourceOffsets.Long(map, "lsn");
        if (commit is null && processed is null)
        {
            return null;
        }
        return new PostgresOffset((ulong)(commit ?? SourceOffsets.Long(map, "lsn_proc") ?? 0), processed is { } lsn ? (ulong)lsn : null,
            SourceOffsets.Long(map, "txId"), SourceOffsets.Long(map, "ts_usec") ?? 0,
            // Debezium's last snapshot record keeps snapshot: true beside last_snapshot_record: true, and its loader
            // takes the pair as a finished snapshot (ours clear snapshot on that record).
            SourceOffsets.SnapshotUnfinished(map) && !(map.TryGetValue("last_snapshot_record", out var last) && last is true),
            Incremental: map.TryGetValue("incremental_snapshot", out var incremental) ? incremental as string : null,
            Xmin: SourceOffsets.Long(map, "xmin"), Transaction: TransactionProgress.ReadFrom(map),
            MessageType: map.TryGetValue("messageType", out var type) ? type as string : null);
    }

    /// <summary>
    /// Whether a message at <paramref name="lsn"/> of transaction <paramref name="xid"/>, whose commit record starts at
    /// <paramref name="finalLsn"/>, was emitted already. The commit record starts before <c>lsn_commit</c> exactly when
    /// it ends at or before it (commit records do not overlap). In the offset's own transaction, the messages up to
    /// <c>lsn_proc</c> — unless the offset is its BEGIN's (the first change can share the BEGIN's LSN) or its COMMIT's
    /// (then the transaction ended at <c>lsn_commit</c> and the first test holds). Within a transaction LSNs grow.
    /// </summary>
    public bool Covers(ulong finalLsn, long xid, ulong lsn) =>
        finalLsn < LsnCommit || (xid == TxId && MessageType is not (Begin or Commit) && Lsn is { } processed && lsn <= processed);

    /// <summary>
    /// Whether the non-transactional logical decoding message at <paramref name="lsn"/> was emitted already: streamed
    /// before the last commit, or the offset is this message's own (Debezium stores its LSN as <c>lsn_commit</c>, and a
    /// transaction's commit may end exactly where such a message starts, so equality alone cannot tell).
    /// </summary>
    public bool CoversMessage(ulong lsn) => lsn < LsnCommit || (MessageType == Message && TxId is null && Lsn == lsn);
}
