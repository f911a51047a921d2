namespace Tributary.Cdc.MySql;

/// <summary>
/// The connector's source offset (Debezium's BinlogOffsetContext field names):
/// <c>file</c>, <c>pos</c> = where to resume reading — the start of the transaction in flight (its GTID or BEGIN
/// event) or, between transactions, the next event; <c>event</c> = rows events of that transaction already emitted
/// in full; <c>row</c> = rows of the next rows event already emitted; <c>ts_sec</c>, <c>server_id</c>; <c>snapshot</c>
/// (<c>"INITIAL"</c>, Debezium 3.0.2+; <c>true</c> is read too) while a snapshot is unfinished. Immutable.
/// </summary>
public sealed record MySqlOffset(string File, long Pos, long Event = 0, int Row = 0, long TsSec = 0, long ServerId = 0, bool Snapshot = false)
{
    public IReadOnlyDictionary<string, object?> ToMap()
    {
        var map = new Dictionary<string, object?>();
        if (ServerId != 0)
        {
            map["server_id"] = ServerId;
        }
        map["file"] = File;
        map["pos"] = Pos;
        if (Event != 0)
        {
            map["event"] = Event;
        }
        if (Row != 0)
        {
            map["row"] = Row;
        }
        map["ts_sec"] = TsSec;
        if (Snapshot)
        {
            map["snapshot"] = "INITIAL";
        }
        return map;
    }

    /// <summary>Reads a stored offset (numbers arrive as longs from the offset store's JSON); null when there is none.</summary>
    public static MySqlOffset? FromMap(IReadOnlyDictionary<string, object?>? map)
    {
        if (map is null || !map.TryGetValue("file", out var file) || file is not string fileName)
        {
            return null;
        }
        long Long(string key) => SourceOffsets.Long(map, key) ?? 0;
        return new MySqlOffset(fileName, Long("pos"), Long("event"), (int)Long("row"), Long("ts_sec"), Long("server_id"), SourceOffsets.SnapshotUnfinished(map));
    }
}
