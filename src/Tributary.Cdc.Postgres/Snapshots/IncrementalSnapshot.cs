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
/// The window and progress are <see cref="IncrementalSnapshotWindow{TTable, TKey, TRow}"/>'s, shared with the MySQL
/// connector; this class reads PostgreSQL's chunks (every column as text) and writes its watermarks.
/// </summary>
public sealed class IncrementalSnapshot(PostgresConnectorConfig config)
{
    private readonly IncrementalSnapshotWindow<CapturedTable, string, string?[]> _window = new(
        static (a, b) => a.Definition.Schema == b.Definition.Schema && a.Definition.Table == b.Definition.Table, StringComparer.Ordinal);

    private readonly CommittedTransactions _committed = new();

    /// <summary>Whether tables are left and no window is waiting for its watermarks.</summary>
    public bool NeedsChunk => _window.NeedsChunk;

    /// <summary>The progress for offsets (null when no incremental snapshot runs).</summary>
    public string? State => _window.State;

    /// <summary>Resumes the progress a stored offset carries.</summary>
    public void Resume(string? state) => _window.Resume(state);

    /// <summary>What signals act on (see <see cref="SourceSignals"/>): this snapshot's tables, pause and stop.</summary>
    public ISnapshotSignalTarget Signals => _window;

    /// <summary>The stream delivered the commit of transaction <paramref name="xid"/> (see <see cref="CommittedTransactions"/>).</summary>
    public void Delivered(uint xid) => _committed.Delivered(xid);

    /// <summary>
    /// Keeps the delivered-transaction list short while no chunk runs: past <see cref="CommittedTransactions.PruneThreshold"/>
    /// ids, one snapshot forgets those it sees.
    /// </summary>
    public async Task PruneAsync(NpgsqlConnection sql, CancellationToken cancellationToken)
    {
        if (_committed.Count > CommittedTransactions.PruneThreshold)
        {
            _committed.AnyInvisible(await VisibilitySnapshot.ReadAsync(sql, null, cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>
    /// Reads the next chunk between the two watermarks: open written, chunk read, close written (each committed on
    /// its own). The read runs in a repeatable-read transaction with its snapshot: while a transaction the stream has
    /// already delivered is still in progress in it, the read is repeated (up to <see cref="Rereads"/> times, a
    /// moment apart), and if it never is, the chunk is given up and read again at a later boundary. A table whose
    /// rows are all read is dropped from the list; when none is left nothing is written.
    /// </summary>
    public async Task StartChunkAsync(NpgsqlConnection sql, Func<string, string, Task<CapturedTable?>> lookup, CancellationToken cancellationToken)
    {
        while (_window.CurrentTable is { } id)
        {
            var dot = id.IndexOf('.', StringComparison.Ordinal);
            var table = await lookup(id[..dot], id[(dot + 1)..]).ConfigureAwait(false);
            if (table is null || !table.KeyOrdersEveryRow)
            {
                _window.SkipTable();
                continue;
            }
            var openId = _window.BeginChunk();
            await WatermarkAsync(sql, openId, "snapshot-window-open", cancellationToken).ConfigureAwait(false);
            var trusted = false;
            for (var attempt = 0; !trusted && attempt <= Rereads; attempt++)
            {
                if (attempt > 0)
                {
                    _window.ClearChunk();
                    await Task.Delay(RereadDelay, cancellationToken).ConfigureAwait(false);
                }
                trusted = await ReadChunkAsync(sql, table, cancellationToken).ConfigureAwait(false);
            }
            var closeId = trusted ? _window.EndChunk(openId, table, config.IncrementalChunkSize) : _window.AbandonChunk(openId, table);
            await WatermarkAsync(sql, closeId, "snapshot-window-close", cancellationToken).ConfigureAwait(false);
            return;
        }
    }

    /// <summary>How often a chunk is read again while a delivered transaction is invisible to its read.</summary>
    public const int Rereads = 20;

    private static readonly TimeSpan RereadDelay = TimeSpan.FromMilliseconds(10);

    /// <summary>Reads one chunk into the window; returns whether its snapshot sees every transaction the stream delivered.</summary>
    private async Task<bool> ReadChunkAsync(NpgsqlConnection sql, CapturedTable table, CancellationToken cancellationToken)
    {
        await using var transaction = await sql.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        var snapshot = await VisibilitySnapshot.ReadAsync(sql, transaction, cancellationToken).ConfigureAwait(false);
        await using (var command = ChunkQuery(sql, table))
        {
            command.Transaction = transaction;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var row = new string?[table.ColumnCount];
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] = reader.IsDBNull(i) ? null : reader.GetString(i);
                }
                _window.Add(table.KeyText(row), row, [.. table.KeyColumnIndexes.Select(i => row[i])]);
            }
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return !_committed.AnyInvisible(snapshot);
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
        // additional-conditions: the signal's SQL, as Debezium takes it (whoever may write the signalling table is trusted).
        text += _window.CurrentCondition is { } condition ? $" WHERE ({condition})" : " WHERE TRUE";
        if (_window.LastKey is { } after)
        {
            text += $" AND ({order}) > ({string.Join(", ", keys.Select((k, i) => $"${i + 1}::{ServerSetup.Quote(k.TypeName)}"))})";
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
        if (_window.Watches(table))
        {
            _window.Supersede(key);
        }
    }

    /// <summary>
    /// A row written to the signalling table: a watermark of the window in progress opens it, or closes it and
    /// returns the chunk's remaining rows in key order with their table and, per row, the progress its offset carries;
    /// anything else returns null.
    /// </summary>
    public (CapturedTable Table, List<(string?[] Row, string State)> Rows)? OnWatermark(string id) => _window.OnWatermark(id);
}
