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
/// reader task only; not thread-safe. The window and progress are
/// <see cref="IncrementalSnapshotWindow{TTable, TKey, TRow}"/>'s, shared with the PostgreSQL connector; this class
/// reads MySQL's chunks and writes its watermarks.
/// </summary>
public sealed class IncrementalSnapshot(MySqlConnectorConfig config)
{
    private readonly IncrementalSnapshotWindow<CapturedTable, Struct, object?[]> _window = new(
        static (a, b) => a.Definition.Database == b.Definition.Database && a.Definition.Table == b.Definition.Table);

    /// <summary>Whether tables are left and no window is waiting for its watermarks.</summary>
    public bool NeedsChunk => _window.NeedsChunk;

    /// <summary>The progress for offsets (null when no incremental snapshot runs).</summary>
    public string? State => _window.State;

    /// <summary>Resumes the progress a stored offset carries.</summary>
    public void Resume(string? state) => _window.Resume(state);

    /// <summary>What signals act on (see <see cref="SourceSignals"/>): this snapshot's tables, pause and stop.</summary>
    public ISnapshotSignalTarget Signals => _window;

    /// <summary>
    /// Reads the next chunk between the two watermarks: open written, chunk read, close written. A table whose rows
    /// are all read is dropped from the list; when none is left nothing is written. <paramref name="readRow"/> reads
    /// a row's raw values in column order as the initial snapshot does.
    /// </summary>
    public async Task StartChunkAsync(MySqlConnection sql, Func<string, string, Task<CapturedTable?>> lookup, Func<MySqlDataReader, CapturedTable, object?[]> readRow,
        CancellationToken cancellationToken)
    {
        while (_window.CurrentTable is { } id)
        {
            var dot = id.IndexOf('.', StringComparison.Ordinal);
            var table = await lookup(id[..dot], id[(dot + 1)..]).ConfigureAwait(false);
            // Chunks are read in the order of the table's key (primary key, or the UNIQUE index standing in for it).
            if (table is null || table.KeySchema is null || table.Definition.KeyColumns.Count == 0)
            {
                _window.SkipTable();
                continue;
            }
            var openId = _window.BeginChunk();
            await WatermarkAsync(sql, openId, "snapshot-window-open", cancellationToken).ConfigureAwait(false);
            var keyCount = table.Definition.KeyColumns.Count;
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
                    _window.Add(table.Key(row)!, row, keyText);
                }
            }
            var closeId = _window.EndChunk(openId, table, config.IncrementalChunkSize);
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
        var keys = definition.KeyColumns.Select(name => definition.Columns[definition.IndexOf(name)]).ToList();
        var texts = string.Join(", ", keys.Select(k => Binary(k) ? $"HEX(src.{Quote(k.Name)})" : $"CAST(src.{Quote(k.Name)} AS CHAR)"));
        var order = string.Join(", ", keys.Select(k => "src." + Quote(k.Name)));
        var text = $"SELECT src.*, {texts} FROM {Quote(definition.Database)}.{Quote(definition.Table)} AS src";
        var command = sql.CreateCommand();
        // additional-conditions: the signal's SQL, as Debezium takes it (whoever may write the signalling table is trusted).
        text += _window.CurrentCondition is { } condition ? $" WHERE ({condition})" : " WHERE TRUE";
        if (_window.LastKey is { } after)
        {
            text += $" AND ({order}) > ({string.Join(", ", keys.Select((k, i) => Binary(k) ? $"UNHEX(@k{i})" : $"@k{i}"))})";
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
        if (row is not null && _window.Watches(table) && table.Key(row) is { } key)
        {
            _window.Supersede(key);
        }
    }

    /// <summary>
    /// A row written to the signalling table: a watermark of the window in progress opens it, or closes it and
    /// returns the chunk's remaining rows in key order with their table and, per row, the progress its offset carries;
    /// anything else returns null.
    /// </summary>
    public (CapturedTable Table, List<(object?[] Row, string State)> Rows)? OnWatermark(string id) => _window.OnWatermark(id);
}
