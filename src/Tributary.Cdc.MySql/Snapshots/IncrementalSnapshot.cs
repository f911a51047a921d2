using System.Text.Json;
using System.Text.RegularExpressions;
using MySqlConnector;
using Tributary.Cdc.MySql.Schema;
using Tributary.Connect.Data;

namespace Tributary.Cdc.MySql.Snapshots;

/// <summary>
/// Debezium's incremental snapshot (the DBLog watermark algorithm) on the signalling table, for the binlog: an
/// <c>execute-snapshot</c> signal names tables; each is read in primary-key chunks of
/// <c>incremental.snapshot.chunk.size</c> rows between two watermark rows the connector inserts into the signalling
/// table (<c>snapshot-window-open</c>, <c>snapshot-window-close</c>, each committed on its own). The binlog carries
/// both in commit order: a change to a chunk's row read between them is at least as new as the chunk's copy, so that
/// row is dropped from the chunk; at the close watermark the remaining rows are emitted as <c>op=r</c> with
/// <c>snapshot=incremental</c>. Progress (tables left, last key read, as the key columns' text) travels in every
/// offset (<c>incremental_snapshot</c>, our own JSON), so a restart resumes after the last emitted row. Used by the
/// reader task only; not thread-safe.
/// </summary>
public sealed class IncrementalSnapshot(MySqlConnectorConfig config)
{
    private readonly List<string> _tables = [];
    private string?[]? _lastKey;
    private string?[]? _chunkLastKey;
    private string? _openId;
    private string? _closeId;
    private bool _windowOpen;
    private CapturedTable? _chunkTable;
    private readonly Dictionary<Struct, (object?[] Row, string?[] KeyText)> _chunk = [];
    private readonly List<Struct> _chunkOrder = [];

    /// <summary>Whether tables are left and no window is waiting for its watermarks.</summary>
    public bool NeedsChunk => _tables.Count > 0 && _openId is null;

    /// <summary>The progress for offsets (null when no incremental snapshot runs).</summary>
    public string? State => _tables.Count == 0 ? null : JsonSerializer.Serialize(new Progress(_tables, _lastKey));

    private sealed record Progress(IReadOnlyList<string> Collections, string?[]? Key);

    /// <summary>Resumes the progress a stored offset carries.</summary>
    public void Resume(string? state)
    {
        if (state is not null && JsonSerializer.Deserialize<Progress>(state) is { } progress)
        {
            _tables.AddRange(progress.Collections);
            _lastKey = progress.Key;
        }
    }

    /// <summary>An <c>execute-snapshot</c> signal's data: <c>{"data-collections": ["db.table", …], "type": "incremental"}</c> (names or regular expressions).</summary>
    public void Request(string? data, IEnumerable<(string Database, string Table)> captured)
    {
        using var json = JsonDocument.Parse(string.IsNullOrEmpty(data) ? "{}" : data);
        if (json.RootElement.TryGetProperty("type", out var type) && !string.Equals(type.GetString(), "incremental", StringComparison.OrdinalIgnoreCase))
        {
            return; // Blocking snapshots are not supported.
        }
        if (!json.RootElement.TryGetProperty("data-collections", out var collections) || collections.ValueKind != JsonValueKind.Array)
        {
            return;
        }
        var all = captured.ToList();
        foreach (var pattern in collections.EnumerateArray().Select(c => c.GetString()).OfType<string>())
        {
            // MySQL's names are matched as the include lists match them: case-insensitively.
            var regex = new Regex("^(?:" + pattern + ")$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);
            foreach (var (database, table) in all)
            {
                var id = database + "." + table;
                if (regex.IsMatch(id) && !_tables.Contains(id))
                {
                    _tables.Add(id);
                }
            }
        }
    }

    /// <summary>
    /// Reads the next chunk between the two watermarks: open written, chunk read, close written. A table whose rows
    /// are all read is dropped from the list; when none is left nothing is written. <paramref name="readRow"/> reads
    /// a row's raw values in column order as the initial snapshot does.
    /// </summary>
    public async Task StartChunkAsync(MySqlConnection sql, Func<string, string, Task<CapturedTable?>> lookup, Func<MySqlDataReader, CapturedTable, object?[]> readRow,
        CancellationToken cancellationToken)
    {
        while (_tables.Count > 0)
        {
            var id = _tables[0];
            var dot = id.IndexOf('.', StringComparison.Ordinal);
            var table = await lookup(id[..dot], id[(dot + 1)..]).ConfigureAwait(false);
            if (table is null || table.KeySchema is null)
            {
                // Gone, no longer captured, or without a primary key to chunk by: skipped, as Debezium skips keyless tables.
                _tables.RemoveAt(0);
                _lastKey = null;
                continue;
            }
            var openId = Guid.NewGuid().ToString("D") + "-open";
            await WatermarkAsync(sql, openId, "snapshot-window-open", cancellationToken).ConfigureAwait(false);
            _chunk.Clear();
            _chunkOrder.Clear();
            string?[]? last = null;
            var keyCount = table.Definition.PrimaryKey.Count;
            await using (var command = ChunkQuery(sql, table))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var row = readRow(reader, table);
                    var keyText = new string?[keyCount];
                    for (var k = 0; k < keyCount; k++)
                    {
                        keyText[k] = reader.IsDBNull(table.ColumnCount + k) ? null : reader.GetString(table.ColumnCount + k);
                    }
                    var key = table.Key(row)!;
                    _chunk[key] = (row, keyText);
                    _chunkOrder.Add(key);
                    last = keyText;
                }
            }
            var closeId = openId[..^"open".Length] + "close";
            _openId = openId;
            _closeId = closeId;
            _windowOpen = false;
            _chunkTable = table;
            // Progress moves when the chunk is emitted (at the close watermark); null: the table's last chunk.
            _chunkLastKey = last is not null && _chunkOrder.Count >= config.IncrementalChunkSize ? last : null;
            await WatermarkAsync(sql, closeId, "snapshot-window-close", cancellationToken).ConfigureAwait(false);
            return;
        }
    }

    private static bool Binary(ColumnDefinition column) => column.DataType.ToLowerInvariant() is "binary" or "varbinary" or "tinyblob" or "blob" or "mediumblob" or "longblob";

    private static string Quote(string name) => "`" + name.Replace("`", "``", StringComparison.Ordinal) + "`";

    /// <summary>
    /// <c>SELECT *, key texts … WHERE (keys) &gt; (last key) ORDER BY keys LIMIT chunk</c>. The keys travel as text
    /// (binary keys as hex): MySQL compares a text parameter with a numeric, temporal or character column by that
    /// column's type, so the order is the column's own.
    /// </summary>
    private MySqlCommand ChunkQuery(MySqlConnection sql, CapturedTable table)
    {
        var definition = table.Definition;
        var keys = definition.PrimaryKey.Select(name => definition.Columns[definition.IndexOf(name)]).ToList();
        var texts = string.Join(", ", keys.Select(k => Binary(k) ? $"HEX(src.{Quote(k.Name)})" : $"CAST(src.{Quote(k.Name)} AS CHAR)"));
        var order = string.Join(", ", keys.Select(k => "src." + Quote(k.Name)));
        var text = $"SELECT src.*, {texts} FROM {Quote(definition.Database)}.{Quote(definition.Table)} AS src";
        var command = sql.CreateCommand();
        if (_lastKey is { } after)
        {
            text += $" WHERE ({order}) > ({string.Join(", ", keys.Select((k, i) => Binary(k) ? $"UNHEX(@k{i})" : $"@k{i}"))})";
            for (var i = 0; i < after.Length; i++)
            {
                command.Parameters.AddWithValue("@k" + i, (object?)after[i] ?? DBNull.Value);
            }
        }
        command.CommandText = text + $" ORDER BY {order} LIMIT {config.IncrementalChunkSize}";
        return command;
    }

    private async Task WatermarkAsync(MySqlConnection sql, string id, string type, CancellationToken cancellationToken)
    {
        var (database, table) = config.SignalTable!.Value;
        await using var command = sql.CreateCommand();
        command.CommandText = $"INSERT INTO {Quote(database)}.{Quote(table)} (id, type, data) VALUES (@id, @type, NULL)";
        command.Parameters.AddWithValue("@id", id);
        command.Parameters.AddWithValue("@type", type);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A streamed change of <paramref name="table"/>'s <paramref name="row"/> (raw values, before or after image):
    /// inside an open window of that table it supersedes the chunk's copy of the row with its key. Outside a window
    /// nothing is computed.
    /// </summary>
    public void OnChange(CapturedTable table, object?[]? row)
    {
        if (row is not null && _windowOpen && _chunkTable is { } current && current.Definition.Database == table.Definition.Database &&
            current.Definition.Table == table.Definition.Table && table.Key(row) is { } key)
        {
            _chunk.Remove(key);
        }
    }

    /// <summary>
    /// A row written to the signalling table: a watermark of the window in progress opens it, or closes it and
    /// returns the chunk's remaining rows in key order with their table and, per row, the progress its offset carries
    /// (the row's own key: a restart after any of them resumes right after it); anything else returns null.
    /// </summary>
    public (CapturedTable Table, List<(object?[] Row, string State)> Rows)? OnWatermark(string id)
    {
        if (id == _openId)
        {
            _windowOpen = true;
            return null;
        }
        if (id != _closeId || _chunkTable is not { } table)
        {
            return null;
        }
        var rows = _chunkOrder.Where(_chunk.ContainsKey)
            .Select(k => (_chunk[k].Row, JsonSerializer.Serialize(new Progress(_tables, _chunk[k].KeyText)))).ToList();
        _lastKey = _chunkLastKey;
        if (_chunkLastKey is null)
        {
            _tables.RemoveAt(0);
        }
        _openId = null;
        _closeId = null;
        _windowOpen = false;
        _chunkTable = null;
        _chunk.Clear();
        _chunkOrder.Clear();
        return (table, rows);
    }
}
