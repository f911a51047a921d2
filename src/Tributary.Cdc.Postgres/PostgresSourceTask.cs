using Npgsql;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;
using NpgsqlTypes;
using Tributary.Cdc.Postgres.Replication;
using Tributary.Cdc.Postgres.Schema;
using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using Tributary.Connect.Source;

namespace Tributary.Cdc.Postgres;

/// <summary>
/// The PostgreSQL source task. A background reader (setup checks, the slot, the snapshot, then pgoutput's stream)
/// fills a <see cref="ChangeEventQueue"/>; a reader failure fails the task at the next poll with the reason.
/// <para>
/// The slot's confirmed flush LSN only moves in <see cref="CommitAsync"/>, which the worker calls after it committed
/// the offsets of the records acknowledged so far (<see cref="CommitRecord"/>): it confirms the highest
/// <c>lsn_commit</c> among them, so the slot keeps every transaction whose records might not be in Kafka's offsets
/// yet, and a restart skips the changes the stored offset says were emitted (<see cref="PostgresOffset.Covers"/>).
/// </para>
/// PollAsync, CommitRecord and CommitAsync are called by the worker's one loop; the reader runs on its own task.
/// </summary>
public sealed class PostgresSourceTask : SourceTask
{
    private PostgresConnectorConfig _config = null!;
    private TopicNaming _naming = null!;
    private IReadOnlyDictionary<string, object?> _partition = null!;
    private ChangeEventQueue _queue = null!;
    private CancellationTokenSource _stopping = new();
    private Task _reader = Task.CompletedTask;
    private readonly Dictionary<string, CapturedTable?> _tables = [];
    private readonly Dictionary<uint, RelationShape> _relations = [];

    /// <summary>The streaming connection, once replication started; status updates go through it.</summary>
    private volatile LogicalReplicationConnection? _replication;

    /// <summary>The highest lsn_commit among acknowledged records (worker loop only).</summary>
    private ulong _acknowledgedLsn;

    /// <summary>What was last confirmed to the slot (worker loop only).</summary>
    private ulong _confirmedLsn;

    public override string Version => SourceBlock.DebeziumVersion;

    public override Task StartAsync(IReadOnlyDictionary<string, string> properties, CancellationToken cancellationToken)
    {
        _config = PostgresConnectorConfig.Parse(properties);
        _naming = new TopicNaming(_config.TopicPrefix, _config.HeartbeatTopicPrefix);
        _partition = PostgresOffset.Partition(_config.TopicPrefix);
        _queue = new ChangeEventQueue(_config.MaxQueueSize, _config.MaxBatchSize, TimeSpan.FromMilliseconds(_config.PollIntervalMs));
        var stored = PostgresOffset.FromMap(Context.OffsetStorageReader.Offset(_partition));
        _stopping = new CancellationTokenSource();
        var token = _stopping.Token;
        _reader = Task.Run(() => RunAsync(stored, token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public override ValueTask<IReadOnlyList<SourceRecord>?> PollAsync(CancellationToken cancellationToken) => _queue.PollAsync(cancellationToken);

    public override void CommitRecord(SourceRecord record, RecordMetadata? metadata)
    {
        if (record.SourceOffset is { } map && PostgresOffset.FromMap(map) is { Snapshot: false } offset && offset.LsnCommit > _acknowledgedLsn)
        {
            _acknowledgedLsn = offset.LsnCommit;
        }
    }

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
        try
        {
            await replication.SendStatusUpdate(CancellationToken.None).ConfigureAwait(false);
            _confirmedLsn = lsn;
        }
        catch (Exception error) when (error is NpgsqlException or ObjectDisposedException or InvalidOperationException)
        {
            // The connection is going away; the status set above goes with the next update, or the slot resends.
        }
    }

    public override async Task StopAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _reader.ConfigureAwait(false);
        }
        catch (Exception) when (_stopping.IsCancellationRequested)
        {
            // The reader's failure was reported through the queue already.
        }
        if (_config.SlotDropOnStop)
        {
            await DropSlotAsync().ConfigureAwait(false);
        }
        _stopping.Dispose();
    }

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
    private async Task RunAsync(PostgresOffset? stored, CancellationToken cancellationToken)
    {
        var retries = 0;
        while (true)
        {
            try
            {
                await RunOnceAsync(stored, resuming: _resume is not null, cancellationToken).ConfigureAwait(false);
                _queue.Complete();
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                _queue.Complete();
                return;
            }
            catch (Exception error) when (_resume is not null && IsConnectionLoss(error) && (_config.MaxRetries < 0 || retries < _config.MaxRetries))
            {
                retries++;
                stored = _resume;
                _relations.Clear();
                _tables.Clear();
                try
                {
                    await Task.Delay(_config.RetryWaitMs, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    _queue.Complete();
                    return;
                }
            }
            catch (Exception error)
            {
                _queue.Fail(error, ServerSetup.Describe(_config, error));
                return;
            }
            finally
            {
                _replication = null;
            }
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

    private async Task RunOnceAsync(PostgresOffset? stored, bool resuming, CancellationToken cancellationToken)
    {
        {
            await using var sql = await ServerSetup.OpenAsync(_config, cancellationToken).ConfigureAwait(false);
            await ServerSetup.CheckAsync(sql, _config, cancellationToken).ConfigureAwait(false);
            var captured = (await TableDefinition.ListAsync(sql, cancellationToken).ConfigureAwait(false)).Where(t => _config.CapturesTable(t.Schema, t.Table)).ToList();
            await ServerSetup.EnsurePublicationAsync(sql, _config, captured, cancellationToken).ConfigureAwait(false);
            var slot = await ServerSetup.SlotAsync(sql, _config, cancellationToken).ConfigureAwait(false);
            if (slot is { Plugin: not "pgoutput" } other)
            {
                throw new ConnectException($"The replication slot '{_config.SlotName}' exists with the plugin '{other.Plugin}'; this connector reads pgoutput slots. Drop it or set slot.name.");
            }
            if (slot is { Active: true })
            {
                throw new ConnectException($"The replication slot '{_config.SlotName}' is in use by another connection (pg_replication_slots.active). Stop the other consumer or set slot.name to another slot.");
            }
            var snapshotWanted = !resuming && _config.SnapshotMode switch
            {
                "always" => true,
                "no_data" => false,
                "when_needed" => stored is null || stored.Snapshot || slot is null,
                _ => stored is null || stored.Snapshot,
            };

            await using var replication = await ServerSetup.OpenReplicationAsync(_config, cancellationToken).ConfigureAwait(false);
            PgOutputReplicationSlot replicationSlot;
            PostgresOffset start;
            if (snapshotWanted)
            {
                if (slot is not null)
                {
                    // A consistent snapshot needs the slot's exported snapshot, which only a new slot gives.
                    await replication.DropReplicationSlot(_config.SlotName, cancellationToken: cancellationToken).ConfigureAwait(false);
                }
                replicationSlot = await replication.CreatePgOutputReplicationSlot(_config.SlotName, slotSnapshotInitMode: LogicalSlotSnapshotInitMode.Export, cancellationToken: cancellationToken).ConfigureAwait(false);
                var consistentPoint = (ulong)replicationSlot.ConsistentPoint;
                await SnapshotAsync(replicationSlot.SnapshotName!, consistentPoint, captured, cancellationToken).ConfigureAwait(false);
                if (_config.SnapshotMode == "initial_only")
                {
                    _queue.Complete();
                    return;
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
            await StreamAsync(sql, replication, replicationSlot, start, cancellationToken).ConfigureAwait(false);
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
        if (_config.SnapshotMode == "no_data")
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
        var now = DateTimeOffset.UtcNow;
        var snapshotTime = now.ToUnixTimeMilliseconds() * 1000;
        var offset = new PostgresOffset(consistentPoint, TsUsec: snapshotTime, Snapshot: true);
        SourceRecord? pending = null;
        for (var t = 0; t < tables.Count; t++)
        {
            var table = tables[t];
            var columns = string.Join(", ", table.Definition.Columns.Select(c => ServerSetup.Quote(c.Name) + "::text"));
            await using var command = new NpgsqlCommand($"SELECT {columns} FROM {ServerSetup.Quote(table.Definition.Schema)}.{ServerSetup.Quote(table.Definition.Table)}", connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            long index = 0;
            string?[]? previous = null;
            while (true)
            {
                var has = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (previous is not null)
                {
                    if (pending is not null)
                    {
                        await _queue.EnqueueAsync(pending, cancellationToken).ConfigureAwait(false);
                    }
                    var marker = SnapshotMarkers.For(t, tables.Count, index - 1, lastRowOfTable: !has);
                    var source = PostgresSource.Create(_config.TopicPrefix, _config.Database, table.Definition.Schema, table.Definition.Table, marker,
                        new PostgresSource.Position(null, consistentPoint, null, snapshotTime));
                    pending = new SourceRecord(_partition, offset.ToMap(), table.Topic, null, table.KeySchema, table.Key(previous), table.Envelope.Schema,
                        table.Envelope.Create(Operation.Read, null, table.Row(previous), source, DateTimeOffset.UtcNow));
                }
                if (!has)
                {
                    break;
                }
                previous = new string?[table.ColumnCount];
                for (var i = 0; i < previous.Length; i++)
                {
                    previous[i] = reader.IsDBNull(i) ? null : reader.GetString(i);
                }
                index++;
            }
        }
        if (pending is not null)
        {
            await _queue.EnqueueAsync(new SourceRecord(_partition, (offset with { Snapshot = false, LastSnapshotRecord = true }).ToMap(), pending.Topic, pending.KafkaPartition,
                pending.KeySchema, pending.Key, pending.ValueSchema, pending.Value), cancellationToken).ConfigureAwait(false);
        }
        await ServerSetup.ExecuteAsync(connection, "COMMIT", cancellationToken).ConfigureAwait(false);
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
        if (_config.CapturesTable(schema, table) && await TableDefinition.LoadAsync(sql, schema, table, cancellationToken).ConfigureAwait(false) is { } definition)
        {
            captured = new CapturedTable(definition, _naming.DataTopic(schema, table), _config.Modes, column => _config.ExcludesColumn(schema, table, column));
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
        public ulong CommitLsn;
        public long CommitMicros;
        public bool Open;
    }

    private async Task StreamAsync(NpgsqlConnection sql, LogicalReplicationConnection replication, PgOutputReplicationSlot slot, PostgresOffset start, CancellationToken cancellationToken)
    {
        var options = new PgOutputReplicationOptions(_config.PublicationName, PgOutputProtocolVersion.V1);
        var transaction = new TransactionState();
        // Every transaction committing before this LSN was emitted in full: what heartbeats may confirm.
        var completedBefore = start.LsnCommit;
        var heartbeat = _config.HeartbeatIntervalMs > 0 ? TimeSpan.FromMilliseconds(_config.HeartbeatIntervalMs) : Timeout.InfiniteTimeSpan;
        var lastHeartbeat = DateTimeOffset.UtcNow;
        await using var messages = replication.StartReplication(slot, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        _resume ??= start;
        var next = messages.MoveNextAsync().AsTask();
        while (true)
        {
            if (heartbeat != Timeout.InfiniteTimeSpan && !next.IsCompleted)
            {
                var due = lastHeartbeat + heartbeat - DateTimeOffset.UtcNow;
                if (due > TimeSpan.Zero)
                {
                    await Task.WhenAny(next, Task.Delay(due, cancellationToken)).ConfigureAwait(false);
                }
                if (!next.IsCompleted && !transaction.Open)
                {
                    // Between transactions (the pending read has not returned a message): everything before
                    // completedBefore is in the queue ahead of this record.
                    lastHeartbeat = DateTimeOffset.UtcNow;
                    await EmitHeartbeatAsync(sql, completedBefore, cancellationToken).ConfigureAwait(false);
                    continue;
                }
            }
            if (!await next.ConfigureAwait(false))
            {
                return;
            }
            // Status updates go through the connection once the stream delivered a message: before that, Npgsql's
            // replication state is still being set up and a status update fails inside it.
            _replication ??= replication;
            var message = messages.Current;
            switch (message)
            {
                case BeginMessage begin:
                    transaction.TxId = begin.TransactionXid;
                    transaction.CommitLsn = (ulong)begin.TransactionFinalLsn;
                    transaction.CommitMicros = (begin.TransactionCommitTimestamp.Ticks - DateTime.UnixEpoch.Ticks) / 10;
                    transaction.Open = true;
                    break;
                case CommitMessage commit:
                    transaction.Open = false;
                    completedBefore = Math.Max(completedBefore, (ulong)commit.TransactionEndLsn);
                    break;
                case RelationMessage relation:
                    _relations[relation.RelationId] = await RelationAsync(sql, relation, cancellationToken).ConfigureAwait(false);
                    break;
                case InsertMessage insert:
                    await HandleChangeAsync(Operation.Create, insert.Relation.RelationId, insert.WalStart, null, insert.NewRow, transaction, start, cancellationToken).ConfigureAwait(false);
                    break;
                case FullUpdateMessage update:
                    await HandleChangeAsync(Operation.Update, update.Relation.RelationId, update.WalStart, update.OldRow, update.NewRow, transaction, start, cancellationToken).ConfigureAwait(false);
                    break;
                case IndexUpdateMessage update:
                    await HandleChangeAsync(Operation.Update, update.Relation.RelationId, update.WalStart, update.Key, update.NewRow, transaction, start, cancellationToken).ConfigureAwait(false);
                    break;
                case UpdateMessage update:
                    await HandleChangeAsync(Operation.Update, update.Relation.RelationId, update.WalStart, null, update.NewRow, transaction, start, cancellationToken).ConfigureAwait(false);
                    break;
                case FullDeleteMessage delete:
                    await HandleChangeAsync(Operation.Delete, delete.Relation.RelationId, delete.WalStart, delete.OldRow, null, transaction, start, cancellationToken).ConfigureAwait(false);
                    break;
                case KeyDeleteMessage delete:
                    await HandleChangeAsync(Operation.Delete, delete.Relation.RelationId, delete.WalStart, delete.Key, null, transaction, start, cancellationToken).ConfigureAwait(false);
                    break;
                case TruncateMessage truncate:
                    await HandleTruncateAsync(truncate, transaction, start, cancellationToken).ConfigureAwait(false);
                    break;
            }
            next = messages.MoveNextAsync().AsTask();
        }
    }

    private async Task EmitHeartbeatAsync(NpgsqlConnection sql, ulong completedBefore, CancellationToken cancellationToken)
    {
        if (_config.HeartbeatActionQuery is { } query)
        {
            await ServerSetup.ExecuteAsync(sql, query, cancellationToken).ConfigureAwait(false);
        }
        var now = DateTimeOffset.UtcNow;
        await _queue.EnqueueAsync(new SourceRecord(_partition, new PostgresOffset(completedBefore, TsUsec: now.ToUnixTimeMilliseconds() * 1000).ToMap(),
            _naming.HeartbeatTopic, null, Heartbeat.KeySchema, Heartbeat.Key(_config.TopicPrefix), Heartbeat.ValueSchema, Heartbeat.Value(now)), cancellationToken).ConfigureAwait(false);
        _resume = new PostgresOffset(completedBefore);
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

    private async Task HandleChangeAsync(Operation operation, uint relationId, NpgsqlLogSequenceNumber walStart, ReplicationTuple? oldTuple, ReplicationTuple? newTuple,
        TransactionState transaction, PostgresOffset start, CancellationToken cancellationToken)
    {
        if (!_relations.TryGetValue(relationId, out var shape) || shape.Table is not { } table)
        {
            return;
        }
        var lsn = (ulong)walStart;
        if (start.Covers(transaction.CommitLsn, lsn))
        {
            return;
        }
        var before = oldTuple is null ? null : await ReadTupleAsync(oldTuple, shape, cancellationToken).ConfigureAwait(false);
        var after = newTuple is null ? null : await ReadTupleAsync(newTuple, shape, cancellationToken).ConfigureAwait(false);
        var source = PostgresSource.Create(_config.TopicPrefix, _config.Database, table.Definition.Schema, table.Definition.Table, SnapshotMarker.None,
            new PostgresSource.Position(transaction.TxId, lsn, transaction.CommitLsn, transaction.CommitMicros));
        var position = new PostgresOffset(transaction.CommitLsn, lsn, transaction.TxId, transaction.CommitMicros);
        var offset = position.ToMap();
        var now = DateTimeOffset.UtcNow;
        await EmitChangeAsync(operation, table, before, after, source, offset, now, cancellationToken).ConfigureAwait(false);
        _resume = position;
    }

    private async Task EmitChangeAsync(Operation operation, CapturedTable table, string?[]? before, string?[]? after, Struct source, IReadOnlyDictionary<string, object?> offset,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        switch (operation)
        {
            case Operation.Create:
                await _queue.EnqueueAsync(new SourceRecord(_partition, offset, table.Topic, null, table.KeySchema, table.Key(after!), table.Envelope.Schema,
                    table.Envelope.Create(Operation.Create, null, table.Row(after!), source, now)), cancellationToken).ConfigureAwait(false);
                break;
            case Operation.Update:
                {
                    var newKey = table.Key(after!);
                    var oldKey = before is null ? null : table.Key(before);
                    if (oldKey is not null && !oldKey.Equals(newKey))
                    {
                        // A primary key change is a delete of the old key (and its tombstone) and a create of the new one.
                        await EmitDeleteAsync(table, before!, source, offset, now, cancellationToken).ConfigureAwait(false);
                        await _queue.EnqueueAsync(new SourceRecord(_partition, offset, table.Topic, null, table.KeySchema, newKey, table.Envelope.Schema,
                            table.Envelope.Create(Operation.Create, null, table.Row(after!), source, now)), cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        // Without REPLICA IDENTITY FULL pgoutput sends no old row unless the key changed: before is null.
                        var beforeRow = before is null ? null : table.Row(before);
                        await _queue.EnqueueAsync(new SourceRecord(_partition, offset, table.Topic, null, table.KeySchema, newKey, table.Envelope.Schema,
                            table.Envelope.Create(Operation.Update, beforeRow, table.Row(after!), source, now)), cancellationToken).ConfigureAwait(false);
                    }
                    break;
                }
            case Operation.Delete:
                await EmitDeleteAsync(table, before!, source, offset, now, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    private async Task EmitDeleteAsync(CapturedTable table, string?[] before, Struct source, IReadOnlyDictionary<string, object?> offset, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var key = table.Key(before);
        await _queue.EnqueueAsync(new SourceRecord(_partition, offset, table.Topic, null, table.KeySchema, key, table.Envelope.Schema,
            table.Envelope.Create(Operation.Delete, table.Row(before), null, source, now)), cancellationToken).ConfigureAwait(false);
        if (_config.TombstonesOnDelete)
        {
            await _queue.EnqueueAsync(new SourceRecord(_partition, offset, table.Topic, null, table.KeySchema, key, null, null), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task HandleTruncateAsync(TruncateMessage truncate, TransactionState transaction, PostgresOffset start, CancellationToken cancellationToken)
    {
        var lsn = (ulong)truncate.WalStart;
        if (_config.SkipTruncate || start.Covers(transaction.CommitLsn, lsn))
        {
            return;
        }
        foreach (var relation in truncate.Relations)
        {
            if (!_relations.TryGetValue(relation.RelationId, out var shape) || shape.Table is not { } table)
            {
                continue;
            }
            var source = PostgresSource.Create(_config.TopicPrefix, _config.Database, table.Definition.Schema, table.Definition.Table, SnapshotMarker.None,
                new PostgresSource.Position(transaction.TxId, lsn, transaction.CommitLsn, transaction.CommitMicros));
            var offset = new PostgresOffset(transaction.CommitLsn, lsn, transaction.TxId, transaction.CommitMicros).ToMap();
            // A truncate event has no key and neither before nor after (Debezium's op=t).
            await _queue.EnqueueAsync(new SourceRecord(_partition, offset, table.Topic, null, null, null, table.Envelope.Schema,
                table.Envelope.Create(Operation.Truncate, null, null, source, DateTimeOffset.UtcNow)), cancellationToken).ConfigureAwait(false);
        }
        _resume = new PostgresOffset(transaction.CommitLsn, lsn, transaction.TxId, transaction.CommitMicros);
    }
}
