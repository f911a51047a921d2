using Tributary.Cdc.MySql.Gtids;

namespace Tributary.Cdc.MySql;

/// <summary>
/// The connector's source offset (Debezium's BinlogOffsetContext field names):
/// <c>file</c>, <c>pos</c> = where to resume reading — the start of the transaction in flight (its GTID or BEGIN
/// event) or, between transactions, the next event; <c>event</c> = rows events of that transaction already emitted
/// in full; <c>row</c> = rows of the next rows event already emitted; <c>ts_sec</c>, <c>server_id</c>; <c>snapshot</c>
/// (<c>"INITIAL"</c>, Debezium 3.0.2+; <c>true</c> is read too) while a snapshot is unfinished; while an
/// incremental snapshot runs, its progress as <c>incremental_snapshot</c> (our own JSON, not Debezium's encoding);
/// <c>gtids</c> = the GTID set of the transactions completed before <c>file</c>/<c>pos</c> (so it leaves out the
/// transaction in flight, like Debezium's restart GTID set), present when the server uses GTIDs: a restart resumes
/// from it in preference to file and position. Immutable.
/// </summary>
public sealed record MySqlOffset(string File, long Pos, long Event = 0, int Row = 0, long TsSec = 0, long ServerId = 0, bool Snapshot = false, string? Incremental = null,
    string? Gtids = null)
{
    public IReadOnlyDictionary<string, object?> ToMap()
    {
        var map = new Dictionary<string, object?>();
        if (ServerId != 0)
        {
            map["server_id"] = ServerId;
        }
        if (Gtids is not null)
        {
            map["gtids"] = Gtids;
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
        if (Incremental is { } incremental)
        {
            map["incremental_snapshot"] = incremental;
        }
        return map;
    }

    /// <summary>
    /// Whether this position is at or before <paramref name="other"/> in the binlog: by file (the numeric extension of
    /// <c>name.000042</c>), then position, then rows events and rows already emitted. Schema history recovery applies
    /// the records at or before the stored offset.
    /// </summary>
    /// <remarks>
    /// When both carry GTIDs the sets decide, as in Debezium's history record comparison: a set contained in the
    /// other's is at or before it, whatever the file names say (they differ after a failover or on a restored server).
    /// Equal sets are the same point between transactions; then file and position, or the skip counts alone when the
    /// files differ.
    /// </remarks>
    public bool IsAtOrBefore(MySqlOffset other)
    {
        if (Gtids is not null && other.Gtids is not null)
        {
            var mine = GtidSet.Parse(Gtids);
            var theirs = GtidSet.Parse(other.Gtids);
            if (!mine.SetEquals(theirs))
            {
                return mine.IsContainedIn(theirs);
            }
            if (File != other.File)
            {
                return (Event, Row).CompareTo((other.Event, other.Row)) <= 0;
            }
        }
        var files = CompareFiles(File, other.File);
        if (files != 0)
        {
            return files < 0;
        }
        return (Pos, Event, Row).CompareTo((other.Pos, other.Event, other.Row)) <= 0;
    }

    private static int CompareFiles(string a, string b)
    {
        var dotA = a.LastIndexOf('.');
        var dotB = b.LastIndexOf('.');
        if (dotA > 0 && dotB > 0 && a[..dotA] == b[..dotB] &&
            long.TryParse(a[(dotA + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var na) &&
            long.TryParse(b[(dotB + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var nb))
        {
            return na.CompareTo(nb);
        }
        return string.CompareOrdinal(a, b);
    }

    /// <summary>Reads a stored offset (numbers arrive as longs from the offset store's JSON); null when there is none.</summary>
    public static MySqlOffset? FromMap(IReadOnlyDictionary<string, object?>? map)
    {
        if (map is null || !map.TryGetValue("file", out var file) || file is not string fileName)
        {
            return null;
        }
        long Long(string key) => SourceOffsets.Long(map, key) ?? 0;
        return new MySqlOffset(fileName, Long("pos"), Long("event"), (int)Long("row"), Long("ts_sec"), Long("server_id"), SourceOffsets.SnapshotUnfinished(map),
            map.TryGetValue("incremental_snapshot", out var incremental) ? incremental as string : null,
            map.TryGetValue("gtids", out var gtids) && gtids is string gtidText && gtidText.Length > 0 ? gtidText : null);
    }
}
