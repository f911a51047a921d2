using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Tributary.Cdc;

/// <summary>
/// The database-independent half of Debezium's incremental snapshot (the DBLog watermark algorithm): the tables an
/// <c>execute-snapshot</c> signal asked for, the last key read, and the window of one chunk. A connector, between two
/// transactions of its stream, writes the open watermark to its signalling table, reads a chunk by primary key after
/// <see cref="BeginChunk"/> and <see cref="Add"/>s its rows, ends it with <see cref="EndChunk"/> and writes the close
/// watermark. From <see cref="EndChunk"/> until the stream reaches the close watermark, a streamed change to a chunk's
/// row supersedes the chunk's copy (<see cref="Supersede"/>); at the close watermark the remaining rows are handed back
/// for emitting as <c>op=r</c> with <c>snapshot=incremental</c>.
/// <para>
/// The window opens where the stream stood when the chunk was read, not at the open watermark as Debezium has it: a
/// database may make a transaction visible after writing its commit record (PostgreSQL does; see
/// <c>docs/cdc-postgres.md</c>), so a change committed before the open watermark can still be missing from the chunk's
/// read, and only a window opened earlier drops the chunk's older copy. Dropping a copy the read already reflected is
/// harmless: the stream emits that change itself before the close watermark. A chunk read too early to be trusted is
/// given up with <see cref="AbandonChunk"/> (nothing emitted, progress unchanged: the next chunk reads it again).
/// </para>
/// <para>
/// Besides <c>execute-snapshot</c> (<see cref="Request"/>, with <c>additional-conditions</c>), the snapshot obeys
/// <c>pause-snapshot</c> and <c>resume-snapshot</c> (<see cref="Pause"/>, <see cref="Unpause"/>: while paused no chunk is
/// read, a window already open still closes and emits its rows) and <c>stop-snapshot</c> (<see cref="Stop"/>).
/// </para>
/// Progress (tables left, last key as the key columns' text, the pause flag, each table's additional condition)
/// travels in every offset as <see cref="State"/> (our own JSON), so a restart resumes after the last emitted row, and
/// a paused snapshot stays paused. Used by one reader task only; not thread-safe.
/// </summary>
/// <typeparam name="TTable">The connector's captured-table description.</typeparam>
/// <typeparam name="TKey">A row's key as the stream computes it, to drop superseded rows.</typeparam>
/// <typeparam name="TRow">A row as the connector reads and emits it.</typeparam>
public sealed class IncrementalSnapshotWindow<TTable, TKey, TRow>(Func<TTable, TTable, bool> sameTable, IEqualityComparer<TKey>? keyComparer = null) : ISnapshotSignalTarget
    where TTable : class
    where TKey : notnull
{
    private readonly List<string> _tables = [];
    private readonly Dictionary<TKey, (TRow Row, string?[] KeyText)> _chunk = new(keyComparer);
    private readonly List<TKey> _chunkOrder = [];
    private string?[]? _lastKey;
    private string?[]? _chunkLastKey;
    private bool _chunkEndsTable;
    private string?[]? _lastAdded;
    private string? _openId;
    private string? _closeId;
    private TTable? _chunkTable;
    private bool _paused;

    /// <summary>Per table (<c>namespace.table</c>) the <c>additional-conditions</c> filter its chunks are read with.</summary>
    private readonly Dictionary<string, string> _conditions = [];

    /// <summary>Whether tables are left, the snapshot is not paused and no window is waiting for its watermarks.</summary>
    public bool NeedsChunk => _tables.Count > 0 && _openId is null && !_paused;

    /// <summary>Whether a <c>pause-snapshot</c> signal holds the snapshot (until <c>resume-snapshot</c>).</summary>
    public bool Paused => _paused;

    /// <summary>The progress for offsets (null when no incremental snapshot runs).</summary>
    public string? State => _tables.Count == 0 ? null : Serialize(_lastKey);

    /// <summary>
    /// The <c>additional-conditions</c> filter of <see cref="CurrentTable"/> (a SQL boolean expression the connector
    /// adds to its chunk query), or null.
    /// </summary>
    public string? CurrentCondition => _tables.Count > 0 ? _conditions.GetValueOrDefault(_tables[0]) : null;

    /// <summary>The table (<c>namespace.table</c>) whose next chunk is due, or null when none is left.</summary>
    public string? CurrentTable => _tables.Count > 0 ? _tables[0] : null;

    /// <summary>The key columns' text of the last row emitted from <see cref="CurrentTable"/> (null: start from its first row).</summary>
    public string?[]? LastKey => _lastKey;

    /// <summary>
    /// The offset's <c>incremental_snapshot</c> JSON. <c>Paused</c> and <c>Conditions</c> are left out when unset, so
    /// the state of a snapshot without either is what earlier versions wrote, and their states read back unchanged.
    /// </summary>
    private sealed record Progress(
        IReadOnlyList<string> Collections,
        string?[]? Key,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Paused = false,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Conditions = null);

    private string Serialize(string?[]? key) =>
        JsonSerializer.Serialize(new Progress(_tables, key, _paused, _conditions.Count == 0 ? null : _conditions));

    /// <summary>Resumes the progress a stored offset carries.</summary>
    public void Resume(string? state)
    {
        if (state is not null && JsonSerializer.Deserialize<Progress>(state) is { } progress)
        {
            _tables.AddRange(progress.Collections);
            _lastKey = progress.Key;
            _paused = progress.Paused;
            foreach (var (table, condition) in progress.Conditions ?? new Dictionary<string, string>())
            {
                _conditions[table] = condition;
            }
        }
    }

    /// <summary>A <c>pause-snapshot</c> signal: no further chunk until <see cref="Unpause"/>. Returns false (nothing to pause) when no snapshot runs.</summary>
    public bool Pause()
    {
        if (_tables.Count == 0)
        {
            return false;
        }
        _paused = true;
        return true;
    }

    /// <summary>A <c>resume-snapshot</c> signal: chunks are read again. Returns false when the snapshot was not paused.</summary>
    public bool Unpause()
    {
        var was = _paused;
        _paused = false;
        return was;
    }

    /// <summary>
    /// A <c>stop-snapshot</c> signal's data: <c>{"data-collections": [...], "type": "incremental"}</c>; without
    /// collections (or with an empty list) the whole snapshot stops, otherwise the named tables (names or regular
    /// expressions, as in <see cref="Request"/>) are dropped from it. A window open on a dropped table is abandoned:
    /// its close watermark then emits nothing. Returns the tables dropped.
    /// </summary>
    public IReadOnlyList<string> Stop(string? data, bool ignoreCase)
    {
        using var json = JsonDocument.Parse(string.IsNullOrEmpty(data) ? "{}" : data);
        var patterns = json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("data-collections", out var collections) &&
            collections.ValueKind == JsonValueKind.Array
                ? collections.EnumerateArray().Select(c => c.GetString()).OfType<string>().ToList()
                : [];
        var options = RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None);
        var regexes = patterns.Select(p => new Regex("^(?:" + p + ")$", options)).ToList();
        var dropped = _tables.Where(t => regexes.Count == 0 || regexes.Any(r => r.IsMatch(t))).ToList();
        if (dropped.Count == 0)
        {
            return dropped;
        }
        var current = _tables[0];
        _tables.RemoveAll(dropped.Contains);
        foreach (var table in dropped)
        {
            _conditions.Remove(table);
        }
        if (_tables.Count == 0 || _tables[0] != current)
        {
            // The table being read is gone: forget its position and the window open on it.
            _lastKey = null;
            _openId = null;
            _closeId = null;
            _chunkTable = null;
            ClearChunk();
        }
        if (_tables.Count == 0)
        {
            _paused = false;
        }
        return dropped;
    }

    /// <summary>
    /// An incremental <c>execute-snapshot</c> signal, parsed (<see cref="SnapshotRequest"/>): its tables not queued
    /// yet join the snapshot, each with its additional condition, which limits the rows its chunks read. Returns the
    /// tables queued.
    /// </summary>
    public IReadOnlyList<string> Request(SnapshotRequest request)
    {
        var queued = new List<string>();
        foreach (var id in request.Tables)
        {
            if (!_tables.Contains(id))
            {
                _tables.Add(id);
                queued.Add(id);
                if (request.Conditions.TryGetValue(id, out var condition))
                {
                    _conditions[id] = condition;
                }
            }
        }
        return queued;
    }

    /// <summary>Drops <see cref="CurrentTable"/> without reading it (gone, no longer captured, or without a primary key, as Debezium skips keyless tables).</summary>
    public void SkipTable()
    {
        _conditions.Remove(_tables[0]);
        _tables.RemoveAt(0);
        _lastKey = null;
        if (_tables.Count == 0)
        {
            _paused = false;
        }
    }

    /// <summary>Starts a chunk of <see cref="CurrentTable"/>: returns the id of its open watermark, which the caller writes before reading.</summary>
    public string BeginChunk()
    {
        ClearChunk();
        return Guid.NewGuid().ToString("D") + "-open";
    }

    /// <summary>A row of the chunk, in key order, with its key and its key columns' text.</summary>
    public void Add(TKey key, TRow row, string?[] keyText)
    {
        _chunk[key] = (row, keyText);
        _chunkOrder.Add(key);
        _lastAdded = keyText;
    }

    /// <summary>
    /// Ends the chunk's read: the window opens now (see the class comment) and waits for the close watermark, whose id
    /// this returns for the caller to write next. A chunk shorter than <paramref name="chunkSize"/> was the table's last.
    /// </summary>
    public string EndChunk(string openId, TTable table, int chunkSize)
    {
        _openId = openId;
        _closeId = openId[..^"open".Length] + "close";
        _chunkTable = table;
        // Progress moves when the chunk is emitted (at the close watermark); null: the table's last chunk.
        _chunkEndsTable = _lastAdded is null || _chunkOrder.Count < chunkSize;
        _chunkLastKey = _chunkEndsTable ? null : _lastAdded;
        return _closeId;
    }

    /// <summary>
    /// Gives up the chunk read since <see cref="BeginChunk"/>: the close watermark then emits nothing and leaves the
    /// progress where it was, so the next chunk reads the same rows again. Call instead of <see cref="EndChunk"/>.
    /// </summary>
    public string AbandonChunk(string openId, TTable table)
    {
        ClearChunk();
        var closeId = EndChunk(openId, table, chunkSize: 1);
        _chunkEndsTable = false;
        _chunkLastKey = _lastKey;
        return closeId;
    }

    /// <summary>Forgets the rows added since <see cref="BeginChunk"/>, to read the same chunk again.</summary>
    public void ClearChunk()
    {
        _chunk.Clear();
        _chunkOrder.Clear();
        _lastAdded = null;
    }

    /// <summary>Whether a window of <paramref name="table"/> is open, so its streamed changes must be checked against the chunk.</summary>
    public bool Watches(TTable table) => _openId is not null && _chunkTable is { } current && sameTable(current, table);

    /// <summary>A streamed change of the watched table's row <paramref name="key"/>: it supersedes the chunk's copy.</summary>
    public void Supersede(TKey key) => _chunk.Remove(key);

    /// <summary>
    /// A row written to the signalling table: the close watermark of the window in progress closes it and returns the
    /// chunk's remaining rows in key order with their table and, per row, the progress its offset carries (the row's
    /// own key: a restart after any of them resumes right after it); anything else (the open watermark included, the
    /// window being open already) returns null.
    /// </summary>
    public (TTable Table, List<(TRow Row, string State)> Rows)? OnWatermark(string id)
    {
        if (id != _closeId || _chunkTable is not { } table)
        {
            return null;
        }
        var rows = _chunkOrder.Where(_chunk.ContainsKey)
            .Select(k => (_chunk[k].Row, Serialize(_chunk[k].KeyText))).ToList();
        _lastKey = _chunkLastKey;
        if (_chunkEndsTable)
        {
            _conditions.Remove(_tables[0]);
            _tables.RemoveAt(0);
            if (_tables.Count == 0)
            {
                _paused = false;
            }
        }
        _openId = null;
        _closeId = null;
        _chunkTable = null;
        _chunk.Clear();
        _chunkOrder.Clear();
        return (table, rows);
    }
}
