using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using Tributary.Cdc.Postgres.Replication;
using Tributary.Cdc.Postgres.Schema;

namespace Tributary.Cdc.Postgres.Snapshots;

/// <summary>
/// Debezium's incremental snapshot (the DBLog watermark algorithm) on the signalling table: an
/// <c>execute-snapshot</c> signal names tables; each is read in primary-key chunks of
/// <c>incremental.snapshot.chunk.size</c> rows between two watermarks the connector writes to the signalling table
/// (<c>snapshot-window-open</c>, <c>snapshot-window-close</c>). The stream sees both watermarks in WAL order: a
/// change to a chunk's row streamed between them is newer than (or as new as) the chunk's read, so that row is dropped
/// from the chunk; at the close watermark the remaining rows are emitted as <c>op=r</c> with
/// <c>snapshot=incremental</c>. Progress (tables left, last key read) travels in every offset
/// (<c>incremental_snapshot</c>), so a restart resumes after the last emitted chunk. Used by the reader task only.
/// </summary>
public sealed class IncrementalSnapshot(PostgresConnectorConfig config)
{
    private readonly List<string> _tables = [];
    private string?[]? _lastKey;
    private string?[]? _chunkLastKey;
    private string? _openId;
    private string? _closeId;
    private bool _windowOpen;
    private CapturedTable? _chunkTable;
    private readonly Dictionary<string, string?[]> _chunk = new(StringComparer.Ordinal);
    private readonly List<string> _chunkOrder = [];

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

    /// <summary>An <c>execute-snapshot</c> signal's data: <c>{"data-collections": ["schema.table", …], "type": "incremental"}</c> (names or regular expressions).</summary>
    public void Request(string? data, IEnumerable<(string Schema, string Table)> captured)
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
        foreach (var pattern in collections.EnumerateArray().Select(c => c.GetString()).OfType<string>())
        {
            var regex = new Regex("^(?:" + pattern + ")$", RegexOptions.CultureInvariant);
            foreach (var (schema, table) in captured)
            {
                var id = schema + "." + table;
                if (regex.IsMatch(id) && !_tables.Contains(id))
                {
                    _tables.Add(id);
                }
            }
        }
    }

    /// <summary>
    /// Reads the next chunk between the two watermarks: open written, chunk read, close written (each committed on
    /// its own). A table whose rows are all read is dropped from the list; when none is left nothing is written.
    /// </summary>
    public async Task StartChunkAsync(NpgsqlConnection sql, Func<string, string, Task<CapturedTable?>> lookup, CancellationToken cancellationToken)
    {
        while (_tables.Count > 0)
        {
            var id = _tables[0];
            var dot = id.IndexOf('.', StringComparison.Ordinal);
            var table = await lookup(id[..dot], id[(dot + 1)..]).ConfigureAwait(false);
            if (table is null || table.KeyColumnIndexes.Count == 0)
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
            await using (var command = ChunkQuery(sql, table))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var row = new string?[table.ColumnCount];
                    for (var i = 0; i < row.Length; i++)
                    {
                        row[i] = reader.IsDBNull(i) ? null : reader.GetString(i);
                    }
                    var key = table.KeyText(row);
                    _chunk[key] = row;
                    _chunkOrder.Add(key);
                    last = row;
                }
            }
            var closeId = openId[..^"open".Length] + "close";
            _openId = openId;
            _closeId = closeId;
            _windowOpen = false;
            _chunkTable = table;
            // Progress moves when the chunk is emitted (at the close watermark); null: the table's last chunk.
            _chunkLastKey = last is not null && _chunkOrder.Count >= config.IncrementalChunkSize ? [.. table.KeyColumnIndexes.Select(i => last[i])] : null;
            await WatermarkAsync(sql, closeId, "snapshot-window-close", cancellationToken).ConfigureAwait(false);
            return;
        }
    }

    private NpgsqlCommand ChunkQuery(NpgsqlConnection sql, CapturedTable table)
    {
        var definition = table.Definition;
        var columns = string.Join(", ", definition.Columns.Select(c => ServerSetup.Quote(c.Name) + "::text"));
        var keys = table.KeyColumnIndexes.Select(i => definition.Columns[i]).ToList();
        // Qualified: unqualified, ORDER BY would name the output columns, which are the keys' text.
        var order = string.Join(", ", keys.Select(k => "src." + ServerSetup.Quote(k.Name)));
        var text = $"SELECT {columns} FROM {ServerSetup.Quote(definition.Schema)}.{ServerSetup.Quote(definition.Table)} AS src";
        var command = new NpgsqlCommand { Connection = sql };
        if (_lastKey is { } after)
        {
            text += $" WHERE ({order}) > ({string.Join(", ", keys.Select((k, i) => $"${i + 1}::{ServerSetup.Quote(k.TypeName)}"))})";
            foreach (var value in after)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            }
        }
        command.CommandText = text + $" ORDER BY {order} LIMIT {config.IncrementalChunkSize}";
        return command;
    }

    private async Task WatermarkAsync(NpgsqlConnection sql, string id, string type, CancellationToken cancellationToken)
    {
        var (schema, table) = config.SignalTable!.Value;
        await using var command = new NpgsqlCommand($"INSERT INTO {ServerSetup.Quote(schema)}.{ServerSetup.Quote(table)} (id, type, data) VALUES ($1, $2, NULL)", sql);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = type });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A streamed change of <paramref name="table"/>'s row <paramref name="key"/>: inside an open window it supersedes the chunk's copy.</summary>
    public void OnChange(CapturedTable table, string key)
    {
        if (_windowOpen && _chunkTable is { } current && current.Definition.Schema == table.Definition.Schema && current.Definition.Table == table.Definition.Table)
        {
            _chunk.Remove(key);
        }
    }

    /// <summary>
    /// A row written to the signalling table: a watermark of the window in progress opens it, or closes it and
    /// returns the chunk's remaining rows in key order with their table and, per row, the progress its offset carries
    /// (the row's own key: a restart after any of them resumes right after it); anything else returns null.
    /// </summary>
    public (CapturedTable Table, List<(string?[] Row, string State)> Rows)? OnWatermark(string id)
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
            .Select(k => (_chunk[k], JsonSerializer.Serialize(new Progress(_tables, [.. table.KeyColumnIndexes.Select(i => _chunk[k][i])])))).ToList();
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
