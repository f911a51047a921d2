using System.Text.RegularExpressions;
using MySqlConnector;
using Tributary.Cdc.MySql.Binlog;
using Tributary.Cdc.MySql.Protocol;
using Tributary.Cdc.MySql.Schema;
using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using Tributary.Connect.Source;

namespace Tributary.Cdc.MySql;

/// <summary>
/// The MySQL source task. A background reader (snapshot, then the binlog) fills a bounded queue
/// (<c>max.queue.size</c>); <see cref="PollAsync"/> hands out up to <c>max.batch.size</c> records, waiting at most
/// <c>poll.interval.ms</c>. A failure of the reader fails the task at the next poll with the reason (wrong
/// credentials, binlog off, missing privileges, purged binlog...). Restart semantics: see <see cref="MySqlOffset"/>
/// and docs/cdc-mysql.md. PollAsync is called by one thread at a time (the worker's poll loop).
/// </summary>
public sealed class MySqlSourceTask : SourceTask
{
    private static readonly Regex DdlTable = new(
        @"^\s*(?<verb>CREATE|ALTER|DROP|RENAME|TRUNCATE)\s+(?:OR\s+REPLACE\s+)?(?:TEMPORARY\s+)?TABLE\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?(?:`?(?<db>[\w$]+)`?\s*\.\s*)?`?(?<table>[\w$]+)`?",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private MySqlConnectorConfig _config = null!;
    private TopicNaming _naming = null!;
    private IReadOnlyDictionary<string, object?> _partition = null!;
    private ChangeEventQueue _queue = null!;
    private CancellationTokenSource _stopping = new();
    private Task _reader = Task.CompletedTask;
    private readonly Dictionary<string, CapturedTable?> _tables = [];

    public override string Version => SourceBlock.DebeziumVersion;

    public override async Task StartAsync(IReadOnlyDictionary<string, string> properties, CancellationToken cancellationToken)
    {
        _config = MySqlConnectorConfig.Parse(properties);
        _naming = new TopicNaming(_config.TopicPrefix, _config.HeartbeatTopicPrefix);
        _partition = MySqlOffset.Partition(_config.TopicPrefix);
        _queue = new ChangeEventQueue(_config.MaxQueueSize, _config.MaxBatchSize, TimeSpan.FromMilliseconds(_config.PollIntervalMs));
        var stored = MySqlOffset.FromMap(Context.OffsetStorageReader.Offset(_partition));
        _stopping = new CancellationTokenSource();
        var token = _stopping.Token;
        _reader = Task.Run(() => RunAsync(stored, token), CancellationToken.None);
        await Task.CompletedTask.ConfigureAwait(false);
    }

    public override ValueTask<IReadOnlyList<SourceRecord>?> PollAsync(CancellationToken cancellationToken) => _queue.PollAsync(cancellationToken);

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
        _stopping.Dispose();
    }

    private async Task RunAsync(MySqlOffset? stored, CancellationToken cancellationToken)
    {
        try
        {
            await using var sql = await ServerSetup.OpenAsync(_config, cancellationToken).ConfigureAwait(false);
            await ServerSetup.CheckAsync(sql, cancellationToken).ConfigureAwait(false);
            MySqlOffset start;
            var snapshot = stored is null
                ? _config.SnapshotMode is not ("never" or "no_data")
                : stored.Snapshot ? _config.SnapshotMode is not ("never" or "no_data") : _config.SnapshotMode == "always";
            if (stored is not null && !stored.Snapshot && !snapshot && !await ServerSetup.HasBinlogAsync(sql, stored.File, cancellationToken).ConfigureAwait(false))
            {
                if (_config.SnapshotMode != "when_needed")
                {
                    throw new ConnectException($"The connector is trying to read binlog starting at {stored.File}:{stored.Pos}, but this is no longer available on the server. " +
                                               "Reconfigure the connector to use a snapshot when needed (snapshot.mode=when_needed).");
                }
                snapshot = true;
            }
            if (snapshot)
            {
                start = await SnapshotAsync(cancellationToken).ConfigureAwait(false);
                if (_config.SnapshotMode == "initial_only")
                {
                    _queue.Complete();
                    return;
                }
            }
            else if (stored is not null && !stored.Snapshot)
            {
                start = stored;
            }
            else if (_config.SnapshotMode == "never")
            {
                start = new MySqlOffset(await FirstBinlogAsync(sql, cancellationToken).ConfigureAwait(false), 4);
            }
            else
            {
                var (file, position) = await ServerSetup.BinlogPositionAsync(sql, cancellationToken).ConfigureAwait(false);
                start = new MySqlOffset(file, position);
            }
            await StreamAsync(sql, start, cancellationToken).ConfigureAwait(false);
            _queue.Complete();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _queue.Complete();
        }
        catch (Exception error)
        {
            _queue.Fail(error, Describe(error));
        }
    }

    private string Describe(Exception error) => error switch
    {
        BinlogProtocolException { ErrorCode: 1045 } => $"Access denied connecting the binlog client to {_config.Hostname}:{_config.Port} as '{_config.User}': {error.Message}",
        BinlogProtocolException { ErrorCode: 1227 or 1142 } => $"The database user '{_config.User}' lacks the REPLICATION SLAVE privilege the binlog client needs: {error.Message}",
        BinlogProtocolException { ErrorCode: 1236 } => $"The server cannot serve the binlog from the stored position: {error.Message}. Reconfigure the connector to use a snapshot when needed.",
        MySqlException sqlError => $"MySQL error {sqlError.Number}: {sqlError.Message}",
        _ => error.Message,
    };

    private static async Task<string> FirstBinlogAsync(MySqlConnection sql, CancellationToken cancellationToken)
    {
        await using var command = sql.CreateCommand();
        command.CommandText = "SHOW BINARY LOGS";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? reader.GetString(0) : throw new ConnectException("The server holds no binlog files");
    }

    private async Task ExecuteAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Debezium's consistent snapshot: (global read lock) → REPEATABLE READ transaction WITH CONSISTENT SNAPSHOT →
    /// binlog position → table definitions → (unlock) → SELECT * per table → commit. Returns where streaming starts.
    /// </summary>
    private async Task<MySqlOffset> SnapshotAsync(CancellationToken cancellationToken)
    {
        await using var connection = await ServerSetup.OpenAsync(_config, cancellationToken).ConfigureAwait(false);
        var locked = false;
        if (_config.SnapshotLockingMode != "none")
        {
            try
            {
                await ExecuteAsync(connection, "FLUSH TABLES WITH READ LOCK", cancellationToken).ConfigureAwait(false);
                locked = true;
            }
            catch (MySqlException error) when (error.Number is 1227 or 1045)
            {
                throw new ConnectException($"The snapshot needs the RELOAD privilege for FLUSH TABLES WITH READ LOCK (or snapshot.locking.mode=none): {error.Message}", error);
            }
        }
        await ExecuteAsync(connection, "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, "START TRANSACTION WITH CONSISTENT SNAPSHOT", cancellationToken).ConfigureAwait(false);
        var (file, position) = await ServerSetup.BinlogPositionAsync(connection, cancellationToken).ConfigureAwait(false);
        var names = new List<(string Database, string Table)>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_SCHEMA, TABLE_NAME";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (_config.CapturesTable(reader.GetString(0), reader.GetString(1)))
                {
                    names.Add((reader.GetString(0), reader.GetString(1)));
                }
            }
        }
        var tables = new List<CapturedTable>();
        foreach (var (database, table) in names)
        {
            if (await TableAsync(connection, database, table, cancellationToken).ConfigureAwait(false) is { } captured)
            {
                tables.Add(captured);
            }
        }
        if (locked)
        {
            await ExecuteAsync(connection, "UNLOCK TABLES", cancellationToken).ConfigureAwait(false);
        }
        var now = DateTimeOffset.UtcNow;
        var snapshotOffset = new MySqlOffset(file, position, TsSec: now.ToUnixTimeSeconds(), Snapshot: true);
        if (_config.IncludeSchemaChanges)
        {
            foreach (var group in tables.GroupBy(t => t.Definition.Database))
            {
                foreach (var table in group)
                {
                    var ddl = await ShowCreateTableAsync(connection, table.Definition, cancellationToken).ConfigureAwait(false);
                    var source = MySqlSource.Create(_config.TopicPrefix, group.Key, table.Definition.Table, SnapshotMarker.True,
                        new MySqlSource.Position(file, position, 0, 0, null, null, now.ToUnixTimeMilliseconds() * 1000));
                    await EmitAsync(new SourceRecord(_partition, snapshotOffset.ToMap(), _naming.SchemaChangeTopic, null,
                        SchemaChangeEvents.KeySchema, SchemaChangeEvents.Key(group.Key), SchemaChangeEvents.ValueSchema,
                        SchemaChangeEvents.Value(source, now, group.Key, ddl, [("CREATE", group.Key, table.Definition.Table, table.Definition)])), cancellationToken).ConfigureAwait(false);
                }
            }
        }
        if (_config.SnapshotMode is not ("no_data" or "schema_only"))
        {
            SourceRecord? pending = null;
            for (var t = 0; t < tables.Count; t++)
            {
                var table = tables[t];
                await using var command = connection.CreateCommand();
                command.CommandText = $"SELECT * FROM `{table.Definition.Database.Replace("`", "``")}`.`{table.Definition.Table.Replace("`", "``")}`";
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                long index = 0;
                object?[]? previous = null;
                while (true)
                {
                    var has = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                    if (previous is not null)
                    {
                        if (pending is not null)
                        {
                            await EmitAsync(pending, cancellationToken).ConfigureAwait(false);
                        }
                        var marker = SnapshotMarkers.For(t, tables.Count, index - 1, lastRowOfTable: !has);
                        pending = SnapshotRecord(table, previous, marker, file, position, snapshotOffset, now);
                    }
                    if (!has)
                    {
                        break;
                    }
                    previous = ReadSnapshotRow(reader, table);
                    index++;
                }
            }
            if (pending is not null)
            {
                // The last snapshot record's offset says the snapshot is complete: a restart streams from the position.
                await EmitAsync(new SourceRecord(_partition, (snapshotOffset with { Snapshot = false }).ToMap(), pending.Topic, pending.KafkaPartition,
                    pending.KeySchema, pending.Key, pending.ValueSchema, pending.Value), cancellationToken).ConfigureAwait(false);
            }
        }
        await ExecuteAsync(connection, "COMMIT", cancellationToken).ConfigureAwait(false);
        return new MySqlOffset(file, position);
    }

    private static async Task<string> ShowCreateTableAsync(MySqlConnection connection, TableDefinition table, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SHOW CREATE TABLE `{table.Database.Replace("`", "``")}`.`{table.Table.Replace("`", "``")}`";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? reader.GetString(1) : "";
    }

    private static object?[] ReadSnapshotRow(MySqlDataReader reader, CapturedTable table)
    {
        var values = new object?[table.ColumnCount];
        for (var i = 0; i < values.Length; i++)
        {
            if (reader.IsDBNull(i))
            {
                continue;
            }
            values[i] = table.Definition.Columns[i].DataType is "decimal" or "numeric"
                ? BigDecimal.Parse(reader.GetMySqlDecimal(i).ToString())
                : reader.GetValue(i);
        }
        return values;
    }

    private SourceRecord SnapshotRecord(CapturedTable table, object?[] raw, SnapshotMarker marker, string file, long position, MySqlOffset offset, DateTimeOffset now)
    {
        var source = MySqlSource.Create(_config.TopicPrefix, table.Definition.Database, table.Definition.Table, marker,
            new MySqlSource.Position(file, position, 0, 0, null, null, now.ToUnixTimeMilliseconds() * 1000));
        var value = table.Envelope.Create(Operation.Read, null, table.Row(raw), source, DateTimeOffset.UtcNow);
        return new SourceRecord(_partition, offset.ToMap(), table.Topic, null, table.KeySchema, table.Key(raw), table.Envelope.Schema, value);
    }

    private ValueTask EmitAsync(SourceRecord record, CancellationToken cancellationToken) => _queue.EnqueueAsync(record, cancellationToken);

    /// <summary>The captured table's shapes from its current definition (cached until a DDL touches it); null when not captured.</summary>
    private async Task<CapturedTable?> TableAsync(MySqlConnection sql, string database, string table, CancellationToken cancellationToken)
    {
        var id = database + "." + table;
        if (_tables.TryGetValue(id, out var cached))
        {
            return cached;
        }
        CapturedTable? captured = null;
        if (_config.CapturesTable(database, table) && await TableDefinition.LoadAsync(sql, database, table, cancellationToken).ConfigureAwait(false) is { } definition)
        {
            captured = new CapturedTable(definition, _naming.DataTopic(database, table), _config.Modes, column => _config.ExcludesColumn(database, table, column));
        }
        _tables[id] = captured;
        return captured;
    }

    private async Task StreamAsync(MySqlConnection sql, MySqlOffset start, CancellationToken cancellationToken)
    {
        MySqlSession session;
        try
        {
            session = await MySqlSession.OpenAsync(_config.Hostname, _config.Port, _config.User, _config.Password, TimeSpan.FromMilliseconds(_config.ConnectTimeoutMs), cancellationToken).ConfigureAwait(false);
        }
        catch (BinlogProtocolException error)
        {
            throw new ConnectException(Describe(error), error);
        }
        await using var _ = session.ConfigureAwait(false);
        var checksum = await ServerSetup.VariableAsync(sql, "binlog_checksum", cancellationToken).ConfigureAwait(false);
        await session.ExecuteAsync("SET @master_binlog_checksum = @@global.binlog_checksum", cancellationToken).ConfigureAwait(false);
        if (session.IsMariaDb)
        {
            await session.ExecuteAsync("SET @mariadb_slave_capability = 4", cancellationToken).ConfigureAwait(false);
        }
        if (_config.HeartbeatIntervalMs > 0)
        {
            await session.ExecuteAsync($"SET @master_heartbeat_period = {(long)_config.HeartbeatIntervalMs * 1_000_000}", cancellationToken).ConfigureAwait(false);
        }
        try
        {
            await session.RegisterReplicaAsync(_config.ServerId, cancellationToken).ConfigureAwait(false);
            await session.StartBinlogDumpAsync(start.File, start.Pos, _config.ServerId, cancellationToken).ConfigureAwait(false);
        }
        catch (BinlogProtocolException error)
        {
            throw new ConnectException(Describe(error), error);
        }
        var reader = new BinlogReader(session, checksum is not null && !checksum.Equals("NONE", StringComparison.OrdinalIgnoreCase));
        var state = new StreamState(start);
        var lastHeartbeat = DateTimeOffset.UtcNow;
        while (true)
        {
            BinlogEvent? next;
            try
            {
                next = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (BinlogProtocolException error)
            {
                throw new ConnectException(Describe(error), error);
            }
            if (next is not { } binlogEvent)
            {
                return;
            }
            var header = binlogEvent.Header;
            switch (binlogEvent.Body)
            {
                case RotateEvent rotate:
                    state.File = rotate.File;
                    if (!state.InTransaction)
                    {
                        state.TxFile = rotate.File;
                        state.TxPos = rotate.Position;
                    }
                    break;
                case MariaDbGtidEvent gtid:
                    state.Begin(header.Position, gtid.Text(header.ServerId), thread: null);
                    state.InTransaction = !gtid.Standalone;
                    state.FromGtid = true;
                    break;
                case QueryEvent query when query.Sql.Equals("BEGIN", StringComparison.OrdinalIgnoreCase):
                    if (!state.FromGtid)
                    {
                        state.Begin(header.Position, null, query.ThreadId);
                    }
                    state.Thread = query.ThreadId;
                    state.InTransaction = true;
                    break;
                case QueryEvent query when query.Sql.Equals("COMMIT", StringComparison.OrdinalIgnoreCase):
                    state.Commit(header.NextPosition);
                    break;
                case QueryEvent query:
                    state.Thread = query.ThreadId;
                    await HandleDdlAsync(sql, query, header, state, cancellationToken).ConfigureAwait(false);
                    if (!state.InTransaction)
                    {
                        state.Commit(header.NextPosition);
                    }
                    break;
                case RowsEvent rows:
                    await HandleRowsAsync(sql, reader, rows, header, state, cancellationToken).ConfigureAwait(false);
                    state.EventsInTransaction++;
                    break;
                case ulong:
                    state.Commit(header.NextPosition);
                    break;
            }
            if (_config.HeartbeatIntervalMs > 0 && !state.InTransaction && DateTimeOffset.UtcNow - lastHeartbeat >= TimeSpan.FromMilliseconds(_config.HeartbeatIntervalMs))
            {
                lastHeartbeat = DateTimeOffset.UtcNow;
                await EmitAsync(new SourceRecord(_partition, new MySqlOffset(state.TxFile, state.TxPos, TsSec: header.Timestamp, ServerId: header.ServerId).ToMap(),
                    _naming.HeartbeatTopic, null, Heartbeat.KeySchema, Heartbeat.Key(_config.TopicPrefix), Heartbeat.ValueSchema, Heartbeat.Value(lastHeartbeat)), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task HandleDdlAsync(MySqlConnection sql, QueryEvent query, BinlogEventHeader header, StreamState state, CancellationToken cancellationToken)
    {
        var match = DdlTable.Match(query.Sql);
        var database = match.Success && match.Groups["db"].Success ? match.Groups["db"].Value : query.Database;
        var databaseDdl = Regex.Match(query.Sql, @"^\s*(CREATE|DROP|ALTER)\s+(DATABASE|SCHEMA)\s+(IF\s+(NOT\s+)?EXISTS\s+)?`?(?<db>[\w$]+)`?", RegexOptions.IgnoreCase);
        if (databaseDdl.Success)
        {
            database = databaseDdl.Groups["db"].Value;
        }
        else if (!match.Success)
        {
            return; // Not a table or database change (GRANT, CREATE USER, FLUSH ...): nothing to record.
        }
        if (!_config.CapturesDatabase(database))
        {
            return;
        }
        var changes = new List<(string, string, string, TableDefinition?)>();
        string? table = null;
        if (match.Success)
        {
            table = match.Groups["table"].Value;
            _tables.Remove(database + "." + table);
            if (!_config.CapturesTable(database, table))
            {
                return;
            }
            var verb = match.Groups["verb"].Value.ToUpperInvariant();
            var definition = verb == "DROP" ? null : await TableDefinition.LoadAsync(sql, database, table, cancellationToken).ConfigureAwait(false);
            if (verb is "CREATE" or "ALTER" or "DROP")
            {
                changes.Add((verb, database, table, definition));
            }
        }
        if (!_config.IncludeSchemaChanges)
        {
            return;
        }
        var source = MySqlSource.Create(_config.TopicPrefix, database, table, SnapshotMarker.None,
            new MySqlSource.Position(state.File, header.Position, 0, header.ServerId, state.Gtid, state.Thread, header.Timestamp * 1_000_000L));
        var offset = new MySqlOffset(state.TxFile, state.InTransaction ? state.TxPos : header.NextPosition, TsSec: header.Timestamp, ServerId: header.ServerId);
        await EmitAsync(new SourceRecord(_partition, offset.ToMap(), _naming.SchemaChangeTopic, null, SchemaChangeEvents.KeySchema, SchemaChangeEvents.Key(database),
            SchemaChangeEvents.ValueSchema, SchemaChangeEvents.Value(source, DateTimeOffset.UtcNow, database, query.Sql, changes)), cancellationToken).ConfigureAwait(false);
    }

    private async Task HandleRowsAsync(MySqlConnection sql, BinlogReader reader, RowsEvent rows, BinlogEventHeader header, StreamState state, CancellationToken cancellationToken)
    {
        var map = reader.Table(rows.TableId)!;
        var table = await TableAsync(sql, map.Database, map.Table, cancellationToken).ConfigureAwait(false);
        if (table is null)
        {
            return;
        }
        if (table.ColumnCount != map.ColumnTypes.Length)
        {
            throw new ConnectException($"Table {map.Database}.{map.Table} has {map.ColumnTypes.Length} columns in the binlog event at {state.File}:{header.Position} " +
                                       $"but {table.ColumnCount} in its current definition: the table changed after this event, and the connector reads definitions from the server (no schema history yet).");
        }
        var first = 0;
        if (state.SkipEvents > state.EventsInTransaction)
        {
            return;
        }
        if (state.SkipEvents == state.EventsInTransaction)
        {
            first = state.SkipRows;
        }
        for (var i = first; i < rows.Rows.Count; i++)
        {
            var change = rows.Rows[i];
            var source = MySqlSource.Create(_config.TopicPrefix, map.Database, map.Table, SnapshotMarker.None,
                new MySqlSource.Position(state.File, header.Position, i, header.ServerId, state.Gtid, state.Thread, header.Timestamp * 1_000_000L));
            var offset = new MySqlOffset(state.TxFile, state.TxPos, state.EventsInTransaction, i + 1, header.Timestamp, header.ServerId).ToMap();
            var now = DateTimeOffset.UtcNow;
            switch (rows.Kind)
            {
                case RowsKind.Write:
                    await EmitAsync(new SourceRecord(_partition, offset, table.Topic, null, table.KeySchema, table.Key(change.After!), table.Envelope.Schema,
                        table.Envelope.Create(Operation.Create, null, table.Row(change.After!), source, now)), cancellationToken).ConfigureAwait(false);
                    break;
                case RowsKind.Update:
                    {
                        var oldKey = table.Key(change.Before!);
                        var newKey = table.Key(change.After!);
                        if (oldKey is not null && !oldKey.Equals(newKey))
                        {
                            // A primary key change is a delete of the old key (and its tombstone) and a create of the new one.
                            await EmitDeleteAsync(table, change.Before!, source, offset, now, cancellationToken).ConfigureAwait(false);
                            await EmitAsync(new SourceRecord(_partition, offset, table.Topic, null, table.KeySchema, newKey, table.Envelope.Schema,
                                table.Envelope.Create(Operation.Create, null, table.Row(change.After!), source, now)), cancellationToken).ConfigureAwait(false);
                        }
                        else
                        {
                            await EmitAsync(new SourceRecord(_partition, offset, table.Topic, null, table.KeySchema, newKey, table.Envelope.Schema,
                                table.Envelope.Create(Operation.Update, table.Row(change.Before!), table.Row(change.After!), source, now)), cancellationToken).ConfigureAwait(false);
                        }
                        break;
                    }
                case RowsKind.Delete:
                    await EmitDeleteAsync(table, change.Before!, source, offset, now, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }

    private async Task EmitDeleteAsync(CapturedTable table, object?[] before, Struct source, IReadOnlyDictionary<string, object?> offset, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var key = table.Key(before);
        await EmitAsync(new SourceRecord(_partition, offset, table.Topic, null, table.KeySchema, key, table.Envelope.Schema,
            table.Envelope.Create(Operation.Delete, table.Row(before), null, source, now)), cancellationToken).ConfigureAwait(false);
        if (_config.TombstonesOnDelete)
        {
            await EmitAsync(new SourceRecord(_partition, offset, table.Topic, null, table.KeySchema, key, null, null), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Where the binlog reader is: the current file, the transaction in flight, and the restart skips still to apply.</summary>
    private sealed class StreamState(MySqlOffset start)
    {
        public string File = start.File;
        public string TxFile = start.File;
        public long TxPos = start.Pos;
        public long EventsInTransaction;
        public long SkipEvents = start.Event;
        public int SkipRows = start.Row;
        public bool InTransaction;
        public bool FromGtid;
        public string? Gtid;
        public long? Thread;

        public void Begin(long position, string? gtid, long? thread)
        {
            TxFile = File;
            TxPos = position;
            EventsInTransaction = 0;
            Gtid = gtid;
            Thread = thread;
        }

        /// <summary>The transaction ended; the next one starts at <paramref name="nextPosition"/>, and restart skips are used up.</summary>
        public void Commit(long nextPosition)
        {
            TxFile = File;
            TxPos = nextPosition;
            EventsInTransaction = 0;
            SkipEvents = 0;
            SkipRows = 0;
            InTransaction = false;
            FromGtid = false;
        }
    }
}
