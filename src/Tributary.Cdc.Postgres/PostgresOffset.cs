namespace Tributary.Cdc.Postgres;

/// <summary>
/// The connector's source offset under Debezium's field names
/// (PostgresOffsetContext): <c>lsn_commit</c>, <c>lsn</c>, <c>lsn_proc</c>, <c>txId</c>, <c>ts_usec</c>, and while a
/// snapshot is unfinished <c>snapshot: "INITIAL"</c> (<c>last_snapshot_record: true</c> on its last record); while an
/// incremental snapshot runs, its progress as <c>incremental_snapshot</c> (our own JSON, not Debezium's encoding);
/// <c>xmin</c> when <c>xmin.fetch.interval.ms</c> fetches it; with transaction metadata on, the transaction in progress
/// (<see cref="TransactionProgress"/>: <c>transaction_id</c>, <c>transaction_data_collection_order_*</c>) so that a
/// restart in the middle of a transaction continues its orders and counts.
/// <para>
/// Meaning, which restarts rely on: <c>lsn_commit</c> is the commit LSN of the transaction the record belongs to
/// (BEGIN's final LSN) — every transaction committing before it was emitted in full, so it is also the LSN that may be
/// confirmed to the slot; <c>lsn</c> is the record's own change LSN inside that transaction, its changes up to and
/// including it were emitted. Without <c>lsn</c> (snapshot, heartbeats), nothing committing at or after
/// <c>lsn_commit</c> was emitted yet. A restart streams from the slot and skips what these say was emitted.
/// </para>
/// Immutable.
/// </summary>
public sealed record PostgresOffset(ulong LsnCommit, ulong? Lsn = null, long? TxId = null, long TsUsec = 0, bool Snapshot = false, bool LastSnapshotRecord = false,
    string? Incremental = null, long? Xmin = null, TransactionProgress? Transaction = null)
{
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

    /// <summary>Reads a stored offset (numbers arrive as longs from the offset store's JSON); null when there is none.</summary>
    public static PostgresOffset? FromMap(IReadOnlyDictionary<string, object?>? map)
    {
        if (map is null || !map.TryGetValue("lsn_commit", out var commit) || commit is null)
        {
            return null;
        }
        return new PostgresOffset((ulong)SourceOffsets.Long(map, "lsn_commit")!.Value, SourceOffsets.Long(map, "lsn") is { } lsn ? (ulong)lsn : null,
            SourceOffsets.Long(map, "txId"), SourceOffsets.Long(map, "ts_usec") ?? 0, SourceOffsets.SnapshotUnfinished(map),
            Incremental: map.TryGetValue("incremental_snapshot", out var incremental) ? incremental as string : null,
            Xmin: SourceOffsets.Long(map, "xmin"), Transaction: TransactionProgress.ReadFrom(map));
    }

    /// <summary>Whether a change at <paramref name="lsn"/> in the transaction committing at <paramref name="commitLsn"/> was emitted already.</summary>
    public bool Covers(ulong commitLsn, ulong lsn) =>
        commitLsn < LsnCommit || (commitLsn == LsnCommit && Lsn is { } emitted && lsn <= emitted);
}
