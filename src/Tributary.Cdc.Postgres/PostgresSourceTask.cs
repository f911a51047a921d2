using Npgsql;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;
using NpgsqlTypes;
using Tributary.Cdc.Postgres.Messages;
using Tributary.Cdc.Postgres.Replication;
using Tributary.Cdc.Postgres.Schema;
using Tributary.Cdc.Postgres.Snapshots;
using Tributary.Connect.Errors;
using Tributary.Connect.Source;

namespace Tributary.Cdc.Postgres;

/// <summary>
/// The PostgreSQL source task: on <see cref="CdcSourceTask"/>'s reader and queue, it checks the server, sets up the
/// publication and slot, snapshots, then reads pgoutput's stream; a reader failure fails the task at the next poll
/// with the reason. Beside the reader, a <see cref="RetainedWalMonitor"/> publishes the slot's retained WAL.
/// <para>
/// The slot's confirmed flush LSN only moves in <see cref="CommitAsync"/>, which the worker calls after it committed
/// the offsets of the records acknowledged so far (<see cref="CommitRecord"/>): it confirms the highest LSN before
/// which they say every transaction was emitted, so the slot keeps every transaction whose records might not be in
/// Kafka's offsets yet, and a restart skips the changes the stored offset says were emitted
/// (<see cref="PostgresOffset.Covers"/>).
/// </para>
/// PollAsync, CommitRecord and CommitAsync are called by the worker's one loop; the reader runs on its own task.
/// </summary>
public sealed class PostgresSourceTask : CdcSourceTask
{
    private PostgresConnectorConfig _config = null!;
    private readonly Dictionary<string, CapturedTable?> _tables = [];
    private readonly Dictionary<uint, RelationShape> _relations = [];

    /// <summary>The signalling table's relations: per relation, the positions of its id, type and data columns.</summary>
    private readonly Dictionary<uint, (int Id, int Type, int Data)> _signalRelations = [];

    /// <summary>Incremental snapshots (when signal.data.collection is set; reader task only).</summary>
    private IncrementalSnapshot? _incremental;

    /// <summary>
    /// After a blocking snapshot: its tables, the MVCC snapshot its read used, and the WAL position taken with it.
    /// Streaming resumes where it paused; a change of those tables from a transaction the read saw is already in the
    /// snapshot's rows and is not emitted — until a transaction committing at or after that WAL position (none of
    /// those can be visible to the read) ends the check.
    /// </summary>
    private (HashSet<string> Tables, VisibilitySnapshot Read, ulong ReadLsn)? _blockingSeen;

    /// <summary>The slot's xmin for source blocks and offsets (reader task only; set when streaming starts).</summary>
    private SlotXmin? _xmin;

    /// <summary>The records of logical decoding messages (set when the configuration is read).</summary>
    private LogicalDecodingMessages _messages = null!;

    /// <summary>The streaming connection, once replication started; status updates go through it.</summary>
    private volatile LogicalReplicationConnection? _replication;

    /// <summary>The highest LSN acknowledged records let the slot confirm (worker loop only).</summary>
    private ulong _acknowledgedLsn;

    /// <summary>
    /// The commit record's start (BEGIN's final LSN) of each transaction the reader emitted records of, by xid, until
    /// acknowledged past: written by the reader, read and pruned by the worker loop.
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, ulong> _transactionFinalLsns = new();

    /// <summary>What was last confirmed to the slot (worker loop only).</summary>
    private ulong _confirmedLsn;

    protected override CdcConfig Configure(IReadOnlyDictionary<string, string> properties)
    {
        _config = PostgresConnectorConfig.Parse(properties);
        _messages = new LogicalDecodingMessages(_config.Cdc.TopicPrefix, _config.Modes.BinaryHandling);
        return _config.Cdc;
    }

    protected override string Describe(Exception error) => ServerSetup.Describe(_config, error);

    /// <summary>
    /// Notes what an acknowledged record lets the slot confirm: its <c>lsn_commit</c> (every transaction ending there
    /// was emitted, what Debezium flushes) or, for a record inside a transaction, that transaction's commit record start
    /// — every transaction committing before it was emitted, and the slot resends the transaction itself.
    /// </summary>
    public override void CommitRecord(SourceRecord record, RecordMetadata? metadata)
    {
        if (record.SourceOffset is not { } map || PostgresOffset.FromMap(map) is not { Snapshot: false } offset)
        {
            return;
        }
        var confirmable = offset.LsnCommit;
        if (offset.TxId is { } xid && offset.MessageType != PostgresOffset.Commit && _transactionFinalLsns.TryGetValue(xid, out var finalLsn))
        {
            confirmable = Math.Max(confirmable, finalLsn);
        }
        if (confirmable > _acknowledgedLsn)
        {
            _acknowledgedLsn = confirmable;
            foreach (var (id, final) in _transactionFinalLsns)
            {
                if (final < confirmable)
                {
                    _transactionFinalLsns.TryRemove(id, out _);
                }
            }
        }
    }

    private static readonly TimeSpan StatusUpdateTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Confirms to the slot what the committed offsets cover (a standby status update with the flush LSN).</summary>
    public override async Task CommitAsync()
    {
        var replication = _replication;
        if (replication is null || _acknowledgedLsn <= _confirmedLsn)
        {
            return;
        }
        var lsn = _acknowledgedLsn;
        replication.SetReplicationStatus(new NpgsqlLogSequenceNumber(lsn));
        // Bounded: the worker's loop calls this between polls, and a status update that cannot be written (the
        // connection stuck while the reader starts or stops it) must not hold up the loop or a stop.
        using var timeout = new CancellationTokenSource(StatusUpdateTimeout);
        try
        {
            await replication.SendStatusUpdate(timeout.Token).ConfigureAwait(false);
            _confirmedLsn = lsn;
        }
        catch (Exception error) when (error is NpgsqlException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
        {
            // The connection is going away or stuck; the status set above goes with the next update, or the slot resends.
        }
    }

    protected override Task OnStoppedAsync() => _config.SlotDropOnStop ? DropSlotAsync() : Task.CompletedTask;

    private async Task DropSlotAsync()
    {
        try
        {
            await using var sql = await ServerSetup.OpenAsync(_config, CancellationToken.None).ConfigureAwait(false);
            // The walsender may take a moment to release the slot after the replication connection closed.
            for (var attempt = 0; attempt < 50; attempt++)
            {
                if (await ServerSetup.SlotAsync(sql, _config, CancellationToken.None).ConfigureAwait(false) is not { } slot)
                {
                    return;
                }
                if (!slot.Active)
                {
                    await using var command = new NpgsqlCommand("SELECT pg_drop_replication_slot($1)", sql);
                    command.Parameters.Add(new NpgsqlParameter { Value = _config.SlotName });
                    await command.ExecuteNonQueryAsync().ConfigureAwait(false);
                    return;
                }
                await Task.Delay(100).ConfigureAwait(false);
            }
        }
        catch (Exception error) when (error is NpgsqlException or ConnectException)
        {
            // slot.drop.on.stop is best effort, as in Debezium: the stop itself succeeded.
        }
    }

    /// <summary>
    /// Where streaming resumes after a lost connection: the offset of the last record handed to the queue (reader
    /// task only). Null until streaming started, so setup failures and snapshot failures fail the task instead.
    /// </summary>
    private PostgresOffset? _resume;

    /// <summary>
    /// The reader: one attempt per connection. Once streaming has started, a lost connection (the server restarted,
    /// the network dropped) is retried after <c>retriable.restart.connector.wait.ms</c>, up to <c>errors.max.retries</c>
    /// times (-1: without limit), resuming after the last record queued — the records still in the queue stay valid,
    /// and the slot resends everything after its confirmed flush LSN, of which <see cref="PostgresOffset.Covers"/>
    /// skips what was queued. Anything else fails the task with the reason.
    /// </summary>
    protected override async Task ReadAsync(IReadOnlyDictionary<string, object?>? storedOffset, CancellationToken cancellationToken)
    {
        var stored = PostgresOffset.FromMap(storedOffset);
        // A restart in the middle of a transaction continues its BEGIN, orders and counts (Debezium's TransactionContext.load).
        Transactions?.Restore(stored?.Transaction);
        if (_config.SignalTable is not null)
        {
            _incremental = new IncrementalSnapshot(_config);
            _incremental.Resume(stored?.Incremental);
        }
        using var monitorStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var monitor = _config.RetainedWalCheckIntervalMs > 0
            ? Task.Run(() => new RetainedWalMonitor(_config, Metrics).RunAsync(monitorStop.Token), CancellationToken.None)
            : Task.CompletedTask;
        try
        {
            await StreamWithRetriesAsync(stored, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await monitorStop.CancelAsync().ConfigureAwait(false);
            await monitor.ConfigureAwait(false);
        }
    }

    private async Task StreamWithRetriesAsync(PostgresOffset? stored, CancellationToken cancellationToken)
    {
        var retries = 0;
        while (true)
        {
            try
            {
                if (await RunOnceAsync(stored, resuming: _resume is not null, cancellationToken).ConfigureAwait(false) is not { } blocking)
                {
                    return;
                }
                // Streaming paused between transactions for a blocking snapshot: run it, then stream again from the
                // pause (the slot resends what follows its confirmed position; what was queued is skipped).
                await BlockingSnapshotAsync(blocking, cancellationToken).ConfigureAwait(false);
                stored = _resume;
                _relations.Clear();
                _tables.Clear();
                _signalRelations.Clear();
                continue;
            }
            catch (Exception error) when (!cancellationToken.IsCancellationRequested && _resume is not null && IsConnectionLoss(error) &&
                                          (_config.MaxRetries < 0 || retries < _config.MaxRetries))
            {
                retries++;
                stored = _resume;
                _relations.Clear();
                _tables.Clear();
                // The transaction in progress comes again from the slot: its changes up to the last queued one are
                // skipped, its counts go on from that one's offset.
                Transactions?.Restore(stored?.Transaction);
            }
            finally
            {
                _replication = null;
            }
            await Task.Delay(_config.RetryWaitMs, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A failure of the connection rather than of the setup: the server went away or is restarting.</summary>
    private static bool IsConnectionLoss(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg when pg.SqlState.StartsWith("57P", StringComparison.Ordinal) || pg.SqlState.StartsWith("08", StringComparison.Ordinal):
                    return true;
                case PostgresException:
                    return false;
                case NpgsqlException { IsTransient: true } or IOException or System.Net.Sockets.SocketException or EndOfStreamException or TimeoutException:
                    return true;
            }
        }
        return false;
    }

    /// <summary>One connection's run; returns the blocking snapshot a signal asked for when streaming paused for it.</summary>
    private async Task<SnapshotRequest?> RunOnceAsync(PostgresOffset? stored, bool resuming, CancellationToken cancellationToken)
    {
        {
            await using var sql = await ServerSetup.OpenAsync(_config, cancellationToken).ConfigureAwait(false);
            await ServerSetup.CheckAsync(sql, _config, cancellationToken).ConfigureAwait(false);
            var captured = (await TableDefinition.ListAsync(sql, cancellationToken).ConfigureAwait(false)).Where(t => Cdc.CapturesTable(t.Schema, t.Table)).ToList();
            // The signalling table streams through the publication too (filtered mode lists it beside the captured tables).
            await ServerSetup.EnsurePublicationAsync(sql, _config, _config.SignalTable is { } signal && !captured.Contains(signal) ? [.. captured, signal] : captured,
                cancellationToken).ConfigureAwait(false);
            var slot = await ServerSetup.SlotAsync(sql, _config, cancellationToken).ConfigureAwait(false);
            if (slot is { Plugin: not "pgoutput" } other)
            {
                throw new ConnectException($"The replication slot '{_config.SlotName}' exists with the plugin '{other.Plugin}'; this connector reads pgoutput slots. Drop it or set slot.name.");
            }
            if (slot is { Active: true } && resuming)
            {
                // The walsender of the connection this task closed (a pause for a blocking snapshot, a lost
                // connection) may still be ending.
                slot = await ServerSetup.WaitForInactiveSlotAsync(sql, _config, cancellationToken).ConfigureAwait(false);
            }
            if (slot is { Active: true })
            {
                throw new ConnectException($"The replication slot '{_config.SlotName}' is in use by another connection (pg_replication_slots.active). Stop the other consumer or set slot.name to another slot.");
            }
            var snapshotWanted = !resuming && Cdc.SnapshotMode switch
            {
                "always" => true,
                "no_data" => false,
                "when_needed" => stored is null || stored.Snapshot || slot is null,
                // Debezium's ConfigurationBasedSnapshotter: snapshot.data reads the tables at every start;
                // snapshot.on.data.error when the stored position cannot be resumed (the slot is gone).
                "configuration_based" => _config.ConfiguredSnapshotData || (_config.ConfiguredSnapshotOnDataError && stored is not null && slot is null),
                _ => stored is null || stored.Snapshot,
            };

            var streamWanted = Cdc.SnapshotMode switch
            {
                "initial_only" => false,
                "configuration_based" => _config.ConfiguredStartStream,
                _ => true,
            };
            if (!snapshotWanted && !streamWanted)
            {
                return null;
            }
            await using var replication = await ServerSetup.OpenReplicationAsync(_config, cancellationToken).ConfigureAwait(false);
            PgOutputReplicationSlot replicationSlot;
            PostgresOffset start;
            if (snapshotWanted)
            {
                // A new slot: the stored transaction in progress will not come again.
                Transactions?.Restore(null);
                if (slot is not null)
                {
                    // A consistent snapshot needs the slot's exported snapshot, which only a new slot gives.
                    await replication.DropReplicationSlot(_config.SlotName, cancellationToken: cancellationToken).ConfigureAwait(false);
                }
                replicationSlot = await replication.CreatePgOutputReplicationSlot(_config.SlotName, slotSnapshotInitMode: LogicalSlotSnapshotInitMode.Export, cancellationToken: cancellationToken).ConfigureAwait(false);
                var consistentPoint = (ulong)replicationSlot.ConsistentPoint;
                await SnapshotAsync(replicationSlot.SnapshotName!, consistentPoint, captured, cancellationToken).ConfigureAwait(false);
                if (!streamWanted)
                {
                    return null;
                }
                start = new PostgresOffset(consistentPoint);
            }
            else if (slot is null)
            {
                replicationSlot = await replication.CreatePgOutputReplicationSlot(_config.SlotName, slotSnapshotInitMode: LogicalSlotSnapshotInitMode.NoExport, cancellationToken: cancellationToken).ConfigureAwait(false);
                start = stored ?? new PostgresOffset((ulong)replicationSlot.ConsistentPoint);
            }
            else
            {
                replicationSlot = new PgOutputReplicationSlot(_config.SlotName);
                start = stored ?? new PostgresOffset(0);
            }
            return await StreamAsync(sql, replication, replicationSlot, start, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Debezium's snapshot on the slot's exported snapshot: a REPEATABLE READ transaction that imports it sees the
    /// database exactly as of the slot's consistent point, so the stream continues where the snapshot ends. Every
    /// record but the last carries <c>snapshot: INITIAL</c> (a restart redoes the snapshot); the last one's offset says
    /// it is complete.
    /// </summary>
    private async Task SnapshotAsync(string snapshotName, ulong consistentPoint, IReadOnlyList<(string Schema, string Table)> captured, CancellationToken cancellationToken)
    {
        if (Cdc.SnapshotMode == "no_data")
        {
            return;
        }
        await using var connection = await ServerSetup.OpenAsync(_config, cancellationToken).ConfigureAwait(false);
        await ServerSetup.ExecuteAsync(connection, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", cancellationToken).ConfigureAwait(false);
        await ServerSetup.ExecuteAsync(connection, $"SET TRANSACTION SNAPSHOT '{snapshotName.Replace("'", "''", StringComparison.Ordinal)}'", cancellationToken).ConfigureAwait(false);
        var tables = new List<CapturedTable>();
        foreach (var (schema, table) in captured)
        {
            if (await TableAsync(connection, schema, table, cancellationToken).ConfigureAwait(false) is { } shape)
            {
                tables.Add(shape);
            }
        }
        var snapshotTime = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        var offset = new PostgresOffset(consistentPoint, TsUsec: snapshotTime, Snapshot: true);
        await WriteSnapshotRowsAsync(connection, tables, _ => null, consistentPoint, snapshotTime, offset.ToMap,
            (offset with { Snapshot = false, LastSnapshotRecord = true }).ToMap(), cancellationToken).ConfigureAwait(false);
        await ServerSetup.ExecuteAsync(connection, "COMMIT", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The rows of <paramref name="tables"/> as <c>op=r</c> records with the snapshot markers, read in the
    /// connection's transaction (<paramref name="condition"/>: a table's WHERE condition, or null); the source block
    /// names <paramref name="lsn"/>. Each record's offset comes from <paramref name="offset"/>; the last one's is
    /// <paramref name="completeOffset"/>. Returns the number of rows.
    /// </summary>
    private async Task<long> WriteSnapshotRowsAsync(NpgsqlConnection connection, IReadOnlyList<CapturedTable> tables, Func<CapturedTable, string?> condition, ulong lsn, long snapshotTime,
        Func<IReadOnlyDictionary<string, object?>> offset, IReadOnlyDictionary<string, object?> completeOffset, CancellationToken cancellationToken)
    {
        var writer = new SnapshotWriter(Queue, tables.Count);
        for (var t = 0; t < tables.Count; t++)
        {
            var table = tables[t];
            var columns = string.Join(", ", table.Definition.Columns.Select(c => ServerSetup.Quote(c.Name) + "::text"));
            var where = condition(table) is { } filter ? $" WHERE ({filter})" : "";
            await using var command = new NpgsqlCommand($"SELECT {columns} FROM {ServerSetup.Quote(table.Definition.Schema)}.{ServerSetup.Quote(table.Definition.Table)}{where}", connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await writer.WriteTableAsync(t, reader, row => ReadSnapshotRow(row, table.ColumnCount), (row, marker) =>
            {
                var source = PostgresSource.Create(Cdc.TopicPrefix, _config.Database, table.Definition.Schema, table.Definition.Table, marker,
                    new PostgresSource.Position(null, lsn, null, snapshotTime));
                return new SourceRecord(Partition, offset(), table.Topic, null, table.KeySchema, table.Key(row), table.Envelope.Schema,
                    table.Envelope.Create(Operation.Read, null, table.Row(row), source, DateTimeOffset.UtcNow));
            }, cancellationToken).ConfigureAwait(false);
        }
        await writer.FinishAsync(completeOffset, cancellationToken).ConfigureAwait(false);
        return writer.Rows;
    }

    /// <summary>
    /// A blocking snapshot (Debezium 2.5+) while streaming is paused between transactions at <see cref="_resume"/>:
    /// the requested tables read in one REPEATABLE READ transaction as in an initial snapshot (<c>op=r</c> with the
    /// initial snapshot's <c>source.snapshot</c> markers, each table's additional condition in its WHERE clause). Every
    /// record carries the pause position as its offset, so a restart streams from there (a blocking snapshot cut short
    /// by a restart is not run again). Changes of these tables from transactions the read saw are not emitted when
    /// streaming resumes (<see cref="_blockingSeen"/>): each change reaches the topic once, in the snapshot or after it.
    /// </summary>
    private async Task BlockingSnapshotAsync(SnapshotRequest request, CancellationToken cancellationToken)
    {
        var pausedAt = _resume!;
        await using var connection = await ServerSetup.OpenAsync(_config, cancellationToken).ConfigureAwait(false);
        await ServerSetup.ExecuteAsync(connection, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", cancellationToken).ConfigureAwait(false);
        // The transaction's first statement takes its snapshot; the WAL position read after it is past every commit it sees.
        var read = await VisibilitySnapshot.ReadAsync(connection, null, cancellationToken).ConfigureAwait(false);
        ulong readLsn;
        await using (var command = new NpgsqlCommand("SELECT pg_current_wal_lsn()::text", connection))
        {
            readLsn = (ulong)NpgsqlLogSequenceNumber.Parse((string)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!);
        }
        var tables = new List<CapturedTable>();
        foreach (var id in request.Tables)
        {
            var dot = id.IndexOf('.', StringComparison.Ordinal);
            _tables.Remove(id); // the definition as of now
            if (await TableAsync(connection, id[..dot], id[(dot + 1)..], cancellationToken).ConfigureAwait(false) is { } table)
            {
                tables.Add(table);
            }
        }
        var rows = await WriteSnapshotRowsAsync(connection, tables, table => request.Conditions.GetValueOrDefault(table.Definition.Schema + "." + table.Definition.Table), readLsn,
            DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000, pausedAt.ToMap, pausedAt.ToMap(), cancellationToken).ConfigureAwait(false);
        await ServerSetup.ExecuteAsync(connection, "COMMIT", cancellationToken).ConfigureAwait(false);
        _blockingSeen = ([.. tables.Select(t => t.Definition.Schema + "." + t.Definition.Table)], read, readLsn);
        SourceSignals.Info(SignalOutput, Cdc.TopicPrefix,
            $"Blocking snapshot of {string.Join(", ", request.Tables)} done: {rows} rows read at LSN {new NpgsqlLogSequenceNumber(readLsn)}; streaming resumes at LSN {new NpgsqlLogSequenceNumber(pausedAt.Lsn ?? pausedAt.LsnCommit)}");
    }

    private static string?[] ReadSnapshotRow(System.Data.Common.DbDataReader reader, int columnCount)
    {
        var row = new string?[columnCount];
        for (var i = 0; i < row.Length; i++)
        {
            row[i] = reader.IsDBNull(i) ? null : reader.GetString(i);
        }
        return row;
    }

    /// <summary>The captured table's shapes from its current definition (cached until a relation message changes it); null when not captured.</summary>
    private async Task<CapturedTable?> TableAsync(NpgsqlConnection sql, string schema, string table, CancellationToken cancellationToken)
    {
        var id = schema + "." + table;
        if (_tables.TryGetValue(id, out var cached))
        {
            return cached;
        }
        CapturedTable? captured = null;
        if (Cdc.CapturesTable(schema, table) && await TableDefinition.LoadAsync(sql, schema, table, cancellationToken).ConfigureAwait(false) is { } definition)
        {
            captured = new CapturedTable(definition, Naming.DataTopic(schema, table), _config.Modes, column => Cdc.ExcludesColumn(schema, table, column), Cdc.MessageKeyColumns);
        }
        _tables[id] = captured;
        return captured;
    }

    /// <summary>A relation as pgoutput announced it: its captured shapes and, per relation column, the definition column it fills (-1: none).</summary>
    private sealed record RelationShape(CapturedTable? Table, int[] ColumnMap);

    private async Task<RelationShape> RelationAsync(NpgsqlConnection sql, RelationMessage relation, CancellationToken cancellationToken)
    {
        // A relation message follows every schema change: read the definition again.
        _tables.Remove(relation.Namespace + "." + relation.RelationName);
        var table = await TableAsync(sql, relation.Namespace, relation.RelationName, cancellationToken).ConfigureAwait(false);
        var map = new int[relation.Columns.Count];
        for (var i = 0; i < map.Length; i++)
        {
            map[i] = -1;
            if (table is not null)
            {
                for (var c = 0; c < table.Definition.Columns.Count; c++)
                {
                    if (table.Definition.Columns[c].Name == relation.Columns[i].ColumnName)
                    {
                        map[i] = c;
                        break;
                    }
                }
            }
        }
        return new RelationShape(table, map);
    }

    /// <summary>The transaction being decoded.</summary>
    private sealed class TransactionState
    {
        public long TxId;
        public string Id = "";

        /// <summary>The LSN of the transaction's BEGIN (its first WAL record).</summary>
        public ulong FirstLsn;

        /// <summary>The start of the transaction's commit record (BEGIN's final LSN).</summary>
        public ulong CommitLsn;
        public long CommitMicros;
        public bool Open;

        /// <summary>
        /// Debezium's lastCommitLsn as offsets carry it (<c>lsn_commit</c>): the end LSN of the last transaction streamed,
        /// from the stored offset until the first; after a non-transactional message, its LSN + 1 — it was emitted, and
        /// a commit ending at its LSN may be followed by it.
        /// </summary>
        public ulong Completed;

        /// <summary>
        /// The end LSN of the last commit streamed (null before the first since the stream started): the first entry
        /// of <c>source.sequence</c>, Debezium's lastCommitLsn (the LSN its COMMIT message arrived at).
        /// </summary>
        public ulong? LastCommitEnd;
    }

    /// <summary>
    /// Streams the slot from <paramref name="start"/> until cancelled; returns the blocking snapshot a signal asked
    /// for, with <see cref="_resume"/> the point between transactions where streaming paused for it.
    /// </summary>
    private async Task<SnapshotRequest?> StreamAsync(NpgsqlConnection sql, LogicalReplicationConnection replication, PgOutputReplicationSlot slot, PostgresOffset start,
        CancellationToken cancellationToken)
    {
        // messages: logical decoding messages (pg_logical_emit_message) come in the stream, as Debezium asks on
        // PostgreSQL 14+ (older servers' pgoutput rejects the option).
        var options = new PgOutputReplicationOptions(_config.PublicationName, PgOutputProtocolVersion.V1,
            messages: sql.PostgreSqlVersion.Major >= 14 ? true : null);
        // Non-transactional messages keep the last commit time as their source time, as Debezium's source info does.
        var transaction = new TransactionState { CommitMicros = start.TsUsec, Completed = start.LsnCommit };
        _xmin = new SlotXmin(_config);
        var heartbeat = Cdc.HeartbeatIntervalMs > 0 ? TimeSpan.FromMilliseconds(Cdc.HeartbeatIntervalMs) : Timeout.InfiniteTimeSpan;
        var lastHeartbeat = DateTimeOffset.UtcNow;
        await using var messages = replication.StartReplication(slot, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        _resume ??= start;
        var next = messages.MoveNextAsync().AsTask();
        await NextChunkAsync(sql, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            if ((heartbeat != Timeout.InfiniteTimeSpan || KafkaSignals is not null) && !next.IsCompleted)
            {
                var due = heartbeat == Timeout.InfiniteTimeSpan ? Timeout.InfiniteTimeSpan : lastHeartbeat + heartbeat - DateTimeOffset.UtcNow;
                if (due == Timeout.InfiniteTimeSpan || due > TimeSpan.Zero)
                {
                    // A quiet database: wake for the next message, the heartbeat, or a Kafka signal.
                    using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    await Task.WhenAny(next, Task.Delay(due, waiting.Token), KafkaSignalArrivalAsync(waiting.Token)).ConfigureAwait(false);
                    await waiting.CancelAsync().ConfigureAwait(false);
                }
                if (!next.IsCompleted && !transaction.Open)
                {
                    if (await BetweenTransactionsAsync(sql, transaction, cancellationToken).ConfigureAwait(false) is { } blocking)
                    {
                        return blocking;
                    }
                    if (heartbeat != Timeout.InfiniteTimeSpan && DateTimeOffset.UtcNow - lastHeartbeat >= heartbeat)
                    {
                        // Between transactions (the pending read has not returned a message): everything the last
                        // commit covers is in the queue ahead of this record.
                        lastHeartbeat = DateTimeOffset.UtcNow;
                        await EmitHeartbeatAsync(sql, transaction.Completed, cancellationToken).ConfigureAwait(false);
                    }
                    continue;
                }
            }
            if (!await next.ConfigureAwait(false))
            {
                return null;
            }
            // Status updates go through the connection once the stream delivered a message: before that, Npgsql's
            // replication state is still being set up and a status update fails inside it.
            _replication ??= replication;
            var message = messages.Current;
            switch (message)
            {
                case BeginMessage begin:
                    if (_blockingSeen is { } seen && (ulong)begin.TransactionFinalLsn >= seen.ReadLsn)
                    {
                        _blockingSeen = null; // committed after the blocking snapshot's read: it cannot have seen this one or any later
                    }
                    transaction.TxId = begin.TransactionXid;
                    transaction.Id = begin.TransactionXid.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" +
                                     ((ulong)begin.WalStart).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    transaction.FirstLsn = (ulong)begin.WalStart;
                    transaction.CommitLsn = (ulong)begin.TransactionFinalLsn;
                    transaction.CommitMicros = (begin.TransactionCommitTimestamp.Ticks - DateTime.UnixEpoch.Ticks) / 10;
                    transaction.Open = true;
                    break;
                case CommitMessage commit:
                    transaction.Open = false;
                    var end = (ulong)commit.TransactionEndLsn;
                    if (Transactions is not null && Transactions.CurrentId == transaction.Id && _resume is { } last)
                    {
                        // The END's offset is Debezium's at a COMMIT: lsn_commit, lsn and lsn_proc the commit's end. It
                        // (and what follows it) no longer names the transaction: a restart after it writes neither its
                        // BEGIN nor its END again.
                        _resume = new PostgresOffset(end, end, transaction.TxId, transaction.CommitMicros, Incremental: last.Incremental, Xmin: last.Xmin,
                            MessageType: PostgresOffset.Commit);
                        await EndTransactionAsync(transaction.CommitMicros / 1000, _resume.ToMap(), cancellationToken).ConfigureAwait(false);
                    }
                    transaction.Completed = Math.Max(transaction.Completed, end);
                    _incremental?.Delivered((uint)transaction.TxId);
                    transaction.LastCommitEnd = (ulong)commit.TransactionEndLsn;
                    if (await BetweenTransactionsAsync(sql, transaction, cancellationToken).ConfigureAwait(false) is { } blocking)
                    {
                        return blocking;
                    }
                    await NextChunkAsync(sql, cancellationToken).ConfigureAwait(false);
                    break;
                case RelationMessage relation:
                    _relations[relation.RelationId] = await RelationAsync(sql, relation, cancellationToken).ConfigureAwait(false);
                    if (_config.SignalTable is { } signalTable && relation.Namespace == signalTable.Schema && relation.RelationName == signalTable.Table)
                    {
                        int Column(string name) => relation.Columns.ToList().FindIndex(c => c.ColumnName == name);
                        _signalRelations[relation.RelationId] = (Column("id"), Column("type"), Column("data"));
                    }
                    break;
                case InsertMessage insert when _signalRelations.TryGetValue(insert.Relation.RelationId, out var signalColumns):
                    await HandleSignalAsync(sql, insert, signalColumns, transaction, start, cancellationToken).ConfigureAwait(false);
                    break;
                case InsertMessage insert:
                    await HandleChangeAsync(sql, Operation.Create, insert.Relation.RelationId, insert.WalStart, null, insert.NewRow, transaction, start, cancellationToken).ConfigureAwait(false);
                    break;
                case FullUpdateMessage update:
                    await HandleChangeAsync(sql, Operation.Update, update.Relation.RelationId, update.WalStart, update.OldRow, update.NewRow, transaction, start, cancellationToken).ConfigureAwait(false);
                    break;
                case IndexUpdateMessage update:
                    await HandleChangeAsync(sql, Operation.Update, update.Relation.RelationId, update.WalStart, update.Key, update.NewRow, transaction, start, cancellationToken).ConfigureAwait(false);
                    break;
                case UpdateMessage update:
                    await HandleChangeAsync(sql, Operation.Update, update.Relation.RelationId, update.WalStart, null, update.NewRow, transaction, start, cancellationToken).ConfigureAwait(false);
                    break;
                case FullDeleteMessage delete:
                    await HandleChangeAsync(sql, Operation.Delete, delete.Relation.RelationId, delete.WalStart, delete.OldRow, null, transaction, start, cancellationToken).ConfigureAwait(false);
                    break;
                case KeyDeleteMessage delete:
                    await HandleChangeAsync(sql, Operation.Delete, delete.Relation.RelationId, delete.WalStart, delete.Key, null, transaction, start, cancellationToken).ConfigureAwait(false);
                    break;
                case LogicalDecodingMessage logical:
                    await HandleMessageAsync(sql, logical, transaction, start, cancellationToken).ConfigureAwait(false);
                    break;
                case TruncateMessage truncate:
                    await HandleTruncateAsync(sql, truncate, transaction, start, cancellationToken).ConfigureAwait(false);
                    break;
            }
            next = messages.MoveNextAsync().AsTask();
        }
    }

    /// <summary>
    /// Between transactions: acts on the Kafka signals waiting; when one (or a signalling table row of the transaction
    /// just streamed) asks for a blocking snapshot, the stream pauses here: <see cref="_resume"/> becomes this point
    /// (Debezium's offset after a commit) and the request is returned.
    /// </summary>
    private async Task<SnapshotRequest?> BetweenTransactionsAsync(NpgsqlConnection sql, TransactionState transaction, CancellationToken cancellationToken)
    {
        await ApplyKafkaSignalsAsync(_incremental?.Signals, () => CapturedIdsAsync(sql, cancellationToken)).ConfigureAwait(false);
        if (NextBlockingSnapshot() is not { } blocking)
        {
            return null;
        }
        _resume = new PostgresOffset(transaction.Completed, transaction.Completed, TsUsec: transaction.CommitMicros, Incremental: _incremental?.State, MessageType: PostgresOffset.Commit);
        return blocking;
    }

    /// <summary>The captured tables as <c>schema.table</c>, for the signals that name tables.</summary>
    private async Task<IEnumerable<string>> CapturedIdsAsync(NpgsqlConnection sql, CancellationToken cancellationToken) =>
        (await TableDefinition.ListAsync(sql, cancellationToken).ConfigureAwait(false)).Where(t => Cdc.CapturesTable(t.Schema, t.Table)).Select(t => t.Schema + "." + t.Table);

    /// <summary>Between transactions: the next incremental snapshot chunk, if one is due.</summary>
    private async Task NextChunkAsync(NpgsqlConnection sql, CancellationToken cancellationToken)
    {
        if (_incremental is { NeedsChunk: true } incremental)
        {
            await incremental.StartChunkAsync(sql, (schema, table) => TableAsync(sql, schema, table, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        else if (_incremental is { } idle)
        {
            await idle.PruneAsync(sql, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A row inserted into the signalling table: an <c>execute-snapshot</c> signal queues tables for an incremental
    /// snapshot; a watermark of the snapshot's window opens it or, closing it, emits the chunk's remaining rows.
    /// </summary>
    private async Task HandleSignalAsync(NpgsqlConnection sql, InsertMessage insert, (int Id, int Type, int Data) columns, TransactionState transaction, PostgresOffset start,
        CancellationToken cancellationToken)
    {
        var lsn = (ulong)insert.WalStart;
        var values = new List<string?>();
        await foreach (var value in insert.NewRow.ConfigureAwait(false))
        {
            values.Add(value.IsDBNull || value.IsUnchangedToastedValue ? null : await value.Get<string>(cancellationToken).ConfigureAwait(false));
        }
        if (_incremental is not { } incremental || start.Covers(transaction.CommitLsn, transaction.TxId, lsn) || columns.Id < 0 || columns.Type < 0)
        {
            return;
        }
        var type = values[columns.Type];
        if (!SourceSignals.IsWatermark(type))
        {
            if (!SourceChannelEnabled)
            {
                return;
            }
            await ApplySignalAsync(incremental.Signals, values[columns.Id], type, columns.Data >= 0 ? values[columns.Data] : null,
                () => CapturedIdsAsync(sql, cancellationToken)).ConfigureAwait(false);
            // The state changed (paused, stopped, queued): the next offset carries it; so does the resume position.
            _resume = new PostgresOffset(transaction.Completed, lsn, transaction.TxId, transaction.CommitMicros, Incremental: incremental.State, MessageType: "INSERT");
            return;
        }
        if (values[columns.Id] is not { } id || incremental.OnWatermark(id) is not { } chunk)
        {
            return;
        }
        var table = chunk.Table;
        _transactionFinalLsns[transaction.TxId] = transaction.CommitLsn;
        foreach (var (row, state) in chunk.Rows)
        {
            var offset = new PostgresOffset(transaction.Completed, lsn, transaction.TxId, transaction.CommitMicros, Incremental: state, MessageType: "INSERT").ToMap();
            var source = PostgresSource.Create(Cdc.TopicPrefix, _config.Database, table.Definition.Schema, table.Definition.Table, SnapshotMarker.Incremental,
                new PostgresSource.Position(transaction.TxId, lsn, transaction.LastCommitEnd, transaction.CommitMicros));
            await EmitAsync(new SourceRecord(Partition, offset, table.Topic, null, table.KeySchema, table.Key(row), table.Envelope.Schema,
                table.Envelope.Create(Operation.Read, null, table.Row(row), source, DateTimeOffset.UtcNow)), cancellationToken).ConfigureAwait(false);
        }
        _resume = new PostgresOffset(transaction.Completed, lsn, transaction.TxId, transaction.CommitMicros, Incremental: incremental.State, MessageType: "INSERT");
    }

    /// <summary>
    /// A heartbeat between transactions: its offset is Debezium's after a COMMIT (lsn_commit, lsn and lsn_proc the last
    /// commit's end), so a restart from it resumes with the next transaction.
    /// </summary>
    private async Task EmitHeartbeatAsync(NpgsqlConnection sql, ulong completedBefore, CancellationToken cancellationToken)
    {
        if (_config.HeartbeatActionQuery is { } query)
        {
            await ServerSetup.ExecuteAsync(sql, query, cancellationToken).ConfigureAwait(false);
        }
        var now = DateTimeOffset.UtcNow;
        _resume = new PostgresOffset(completedBefore, completedBefore, TsUsec: now.ToUnixTimeMilliseconds() * 1000, Incremental: _incremental?.State, MessageType: PostgresOffset.Commit);
        await EmitHeartbeatAsync(_resume.ToMap(), now, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<string?[]> ReadTupleAsync(ReplicationTuple tuple, RelationShape shape, CancellationToken cancellationToken)
    {
        var values = new string?[shape.Table!.ColumnCount];
        var i = 0;
        await foreach (var value in tuple.ConfigureAwait(false))
        {
            var target = i < shape.ColumnMap.Length ? shape.ColumnMap[i] : -1;
            i++;
            if (target < 0 || value.IsDBNull)
            {
                continue;
            }
            values[target] = value.IsUnchangedToastedValue ? CapturedTable.UnchangedToast : await value.Get<string>(cancellationToken).ConfigureAwait(false);
        }
        return values;
    }

    private async Task HandleChangeAsync(NpgsqlConnection sql, Operation operation, uint relationId, NpgsqlLogSequenceNumber walStart, ReplicationTuple? oldTuple, ReplicationTuple? newTuple,
        TransactionState transaction, PostgresOffset start, CancellationToken cancellationToken)
    {
        if (!_relations.TryGetValue(relationId, out var shape) || shape.Table is not { } table)
        {
            return;
        }
        var lsn = (ulong)walStart;
        if (start.Covers(transaction.CommitLsn, transaction.TxId, lsn))
        {
            return;
        }
        if (_blockingSeen is { } seen && seen.Read.Sees((uint)transaction.TxId) && seen.Tables.Contains(table.Definition.Schema + "." + table.Definition.Table))
        {
            return; // the blocking snapshot's read saw this transaction: its rows hold the change
        }
        var before = oldTuple is null ? null : await ReadTupleAsync(oldTuple, shape, cancellationToken).ConfigureAwait(false);
        var after = newTuple is null ? null : await ReadTupleAsync(newTuple, shape, cancellationToken).ConfigureAwait(false);
        if (!_config.SkippedOperations.Contains(Envelope.OperationCode(operation)))
        {
            var xmin = await _xmin!.CurrentAsync(sql, cancellationToken).ConfigureAwait(false);
            var source = PostgresSource.Create(Cdc.TopicPrefix, _config.Database, table.Definition.Schema, table.Definition.Table, SnapshotMarker.None,
                new PostgresSource.Position(transaction.TxId, lsn, transaction.LastCommitEnd, transaction.CommitMicros, xmin));
            _transactionFinalLsns[transaction.TxId] = transaction.CommitLsn;
            await BeginTransactionAsync(transaction, cancellationToken).ConfigureAwait(false);
            // The offset carries the transaction's counts after this change's events: a key change is a delete and a create.
            var events = operation == Operation.Update && before is not null && Transactions is not null && table.Key(before) is { } oldKey && !oldKey.Equals(table.Key(after!)) ? 2 : 1;
            var position = new PostgresOffset(transaction.Completed, lsn, transaction.TxId, transaction.CommitMicros, Incremental: _incremental?.State, Xmin: xmin,
                Transaction: Transactions?.Progress(table.DataCollection, events), MessageType: MessageType(operation));
            await EmitChangeAsync(operation, table, before, after, source, position.ToMap(), DateTimeOffset.UtcNow, cancellationToken).ConfigureAwait(false);
            _resume = position;
        }
        if (_incremental is not null && (after ?? before) is { } row)
        {
            _incremental.OnChange(table, table.KeyText(row));
            if (before is not null && after is not null)
            {
                _incremental.OnChange(table, table.KeyText(before));
            }
        }
    }

    /// <summary>Debezium's <c>messageType</c> for a change.</summary>
    private static string MessageType(Operation operation) => operation switch
    {
        Operation.Create => "INSERT",
        Operation.Update => "UPDATE",
        Operation.Delete => "DELETE",
        _ => "TRUNCATE",
    };

    /// <summary>
    /// With transaction metadata on, the BEGIN record before the transaction's first captured change: its id is
    /// Debezium's <c>txId:lsn</c> (the transaction's first LSN); its offset is Debezium's at a BEGIN (lsn and lsn_proc
    /// the BEGIN's LSN, messageType BEGIN), which says nothing of the transaction was emitted.
    /// </summary>
    private Task BeginTransactionAsync(TransactionState transaction, CancellationToken cancellationToken) =>
        Transactions is null
            ? Task.CompletedTask
            : BeginTransactionAsync(transaction.Id, transaction.CommitMicros / 1000,
                new PostgresOffset(transaction.Completed, transaction.FirstLsn, transaction.TxId, transaction.CommitMicros, Incremental: _incremental?.State,
                    Transaction: new TransactionProgress(transaction.Id, []), MessageType: PostgresOffset.Begin).ToMap(), cancellationToken);

    /// <summary>
    /// A logical decoding message (<c>op=m</c> on <c>&lt;prefix&gt;.message</c>) whose prefix the message prefix lists
    /// let through. A transactional one belongs to the transaction around it (its txId, commit time, place in the
    /// transaction metadata); a non-transactional one stands alone, as its own commit: its offset's <c>lsn_commit</c>
    /// and <c>lsn</c> are its own LSN (Debezium's commitMessage for it).
    /// </summary>
    private async Task HandleMessageAsync(NpgsqlConnection sql, LogicalDecodingMessage message, TransactionState transaction, PostgresOffset start,
        CancellationToken cancellationToken)
    {
        var lsn = (ulong)message.MessageLsn;
        var transactional = (message.Flags & 1) != 0;
        var prefix = message.Prefix;
        // The content is a stream over the connection's buffer: read before the next message.
        using var buffer = new MemoryStream();
        await message.Data.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        var commitLsn = transactional ? transaction.Completed : lsn;
        var covered = transactional ? start.Covers(transaction.CommitLsn, transaction.TxId, lsn) : start.CoversMessage(lsn);
        if (!transactional)
        {
            // Everything committing at or before the message was emitted before it; the message counts as a commit
            // for the sequence of what follows, as Debezium's commitMessage does for it.
            transaction.Completed = Math.Max(transaction.Completed, lsn + 1);
            transaction.LastCommitEnd = lsn;
        }
        if (covered || !_config.CapturesMessagePrefix(prefix))
        {
            return;
        }
        var xmin = await _xmin!.CurrentAsync(sql, cancellationToken).ConfigureAwait(false);
        long? txId = transactional ? transaction.TxId : null;
        var source = PostgresSource.Create(Cdc.TopicPrefix, _config.Database, "", "", SnapshotMarker.None,
            new PostgresSource.Position(txId, lsn, transaction.LastCommitEnd, transaction.CommitMicros, xmin));
        if (transactional)
        {
            _transactionFinalLsns[transaction.TxId] = transaction.CommitLsn;
        }
        TransactionProgress? progress = null;
        if (transactional && Transactions is not null)
        {
            await BeginTransactionAsync(transaction, cancellationToken).ConfigureAwait(false);
            progress = Transactions.Progress(LogicalDecodingMessages.DataCollection, 1);
            // Counted in the transaction like a change; the message value has no transaction block to carry it.
            _ = Transactions.NextBlock(LogicalDecodingMessages.DataCollection);
        }
        var position = new PostgresOffset(commitLsn, lsn, txId, transaction.CommitMicros, Incremental: _incremental?.State, Xmin: xmin, Transaction: progress,
            MessageType: PostgresOffset.Message);
        await EmitAsync(new SourceRecord(Partition, position.ToMap(), _messages.Topic, null, LogicalDecodingMessages.KeySchema, LogicalDecodingMessages.Key(prefix),
            _messages.ValueSchema, _messages.Value(prefix, buffer.ToArray(), source, DateTimeOffset.UtcNow)), cancellationToken).ConfigureAwait(false);
        _resume = position;
    }

    private async Task HandleTruncateAsync(NpgsqlConnection sql, TruncateMessage truncate, TransactionState transaction, PostgresOffset start, CancellationToken cancellationToken)
    {
        var lsn = (ulong)truncate.WalStart;
        if (_config.SkipTruncate || start.Covers(transaction.CommitLsn, transaction.TxId, lsn))
        {
            return;
        }
        foreach (var relation in truncate.Relations)
        {
            if (!_relations.TryGetValue(relation.RelationId, out var shape) || shape.Table is not { } table)
            {
                continue;
            }
            var xmin = await _xmin!.CurrentAsync(sql, cancellationToken).ConfigureAwait(false);
            var source = PostgresSource.Create(Cdc.TopicPrefix, _config.Database, table.Definition.Schema, table.Definition.Table, SnapshotMarker.None,
                new PostgresSource.Position(transaction.TxId, lsn, transaction.LastCommitEnd, transaction.CommitMicros, xmin));
            _transactionFinalLsns[transaction.TxId] = transaction.CommitLsn;
            await BeginTransactionAsync(transaction, cancellationToken).ConfigureAwait(false);
            var position = new PostgresOffset(transaction.Completed, lsn, transaction.TxId, transaction.CommitMicros, Incremental: _incremental?.State, Xmin: xmin,
                Transaction: Transactions?.Progress(table.DataCollection, 1), MessageType: "TRUNCATE");
            await EmitChangeAsync<string>(Operation.Truncate, table, null, null, source, position.ToMap(), DateTimeOffset.UtcNow, cancellationToken).ConfigureAwait(false);
            _resume = position;
        }
    }
}
