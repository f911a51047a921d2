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
/// The MySQL source task: on <see cref="CdcSourceTask"/>'s reader and queue, it snapshots, then reads the binlog. A
/// failure of the reader fails the task at the next poll with the reason (wrong credentials, binlog off, missing
/// privileges, purged binlog...). Restart semantics: see <see cref="MySqlOffset"/> and docs/cdc-mysql.md.
/// </summary>
public sealed class MySqlSourceTask : CdcSourceTask
{
    private static readonly Regex DdlTable = new(
        @"^\s*(?<verb>CREATE|ALTER|DROP|RENAME|TRUNCATE)\s+(?:OR\s+REPLACE\s+)?(?:TEMPORARY\s+)?TABLE\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?(?:`?(?<db>[\w$]+)`?\s*\.\s*)?`?(?<table>[\w$]+)`?",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private MySqlConnectorConfig _config = null!;
    private readonly Dictionary<string, CapturedTable?> _tables = [];

    protected override CdcConfig Configure(IReadOnlyDictionary<string, string> properties)
    {
        _config = MySqlConnectorConfig.Parse(properties);
        return _config.Cdc;
    }

    protected override async Task ReadAsync(IReadOnlyDictionary<string, object?>? storedOffset, CancellationToken cancellationToken)
    {
        var stored = MySqlOffset.FromMap(storedOffset);
        await using var sql = await ServerSetup.OpenAsync(_config, cancellationToken).ConfigureAwait(false);
        await ServerSetup.CheckAsync(sql, cancellationToken).ConfigureAwait(false);
        MySqlOffset start;
        var snapshot = stored is null
            ? Cdc.SnapshotMode is not ("never" or "no_data")
            : stored.Snapshot ? Cdc.SnapshotMode is not ("never" or "no_data") : Cdc.SnapshotMode == "always";
        if (stored is not null && !stored.Snapshot && !snapshot && !await ServerSetup.HasBinlogAsync(sql, stored.File, cancellationToken).ConfigureAwait(false))
        {
            if (Cdc.SnapshotMode != "when_needed")
            {
                throw new ConnectException($"The connector is trying to read binlog starting at {stored.File}:{stored.Pos}, but this is no longer available on the server. " +
                                           "Reconfigure the connector to use a snapshot when needed (snapshot.mode=when_needed).");
            }
            snapshot = true;
        }
        if (snapshot)
        {
            start = await SnapshotAsync(cancellationToken).ConfigureAwait(false);
            if (Cdc.SnapshotMode == "initial_only")
            {
                return;
            }
        }
        else if (stored is not null && !stored.Snapshot)
        {
            start = stored;
        }
        else if (Cdc.SnapshotMode == "never")
        {
            start = new MySqlOffset(await FirstBinlogAsync(sql, cancellationToken).ConfigureAwait(false), 4);
        }
        else
        {
            var (file, position) = await ServerSetup.BinlogPositionAsync(sql, cancellationToken).ConfigureAwait(false);
            start = new MySqlOffset(file, position);
        }
        await StreamAsync(sql, start, cancellationToken).ConfigureAwait(false);
    }

    protected override string Describe(Exception error) => error switch
    {
        BinlogProtocolException { ErrorCode: 1045 } => $"Access denied connecting the binlog client to {Cdc.Hostname}:{Cdc.Port} as '{Cdc.User}': {error.Message}",
        BinlogProtocolException { ErrorCode: 1227 or 1142 } => $"The database user '{Cdc.User}' lacks the REPLICATION SLAVE privilege the binlog client needs: {error.Message}",
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
                if (Cdc.CapturesTable(reader.GetString(0), reader.GetString(1)))
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
                    var source = MySqlSource.Create(Cdc.TopicPrefix, group.Key, table.Definition.Table, SnapshotMarker.True,
                        new MySqlSource.Position(file, position, 0, 0, null, null, now.ToUnixTimeMilliseconds() * 1000));
                    await EmitAsync(new SourceRecord(Partition, snapshotOffset.ToMap(), Naming.SchemaChangeTopic, null,
                        SchemaChangeEvents.KeySchema, SchemaChangeEvents.Key(group.Key), SchemaChangeEvents.ValueSchema,
                        SchemaChangeEvents.Value(source, now, group.Key, ddl, [("CREATE", group.Key, table.Definition.Table, table.Definition)])), cancellationToken).ConfigureAwait(false);
                }
            }
        }
        if (Cdc.SnapshotMode != "no_data")
        {
            var writer = new SnapshotWriter(Queue, tables.Count);
            for (var t = 0; t < tables.Count; t++)
            {
                var table = tables[t];
                await using var command = connection.CreateCommand();
                command.CommandText = $"SELECT * FROM `{table.Definition.Database.Replace("`", "``")}`.`{table.Definition.Table.Replace("`", "``")}`";
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await writer.WriteTableAsync(t, reader, row => ReadSnapshotRow((MySqlDataReader)row, table),
                    (row, marker) => SnapshotRecord(table, row, marker, file, position, snapshotOffset, now), cancellationToken).ConfigureAwait(false);
            }
            // The last snapshot record's offset says the snapshot is complete: a restart streams from the position.
            await writer.FinishAsync((snapshotOffset with { Snapshot = false }).ToMap(), cancellationToken).ConfigureAwait(false);
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
        var source = MySqlSource.Create(Cdc.TopicPrefix, table.Definition.Database, table.Definition.Table, marker,
            new MySqlSource.Position(file, position, 0, 0, null, null, now.ToUnixTimeMilliseconds() * 1000));
        var value = table.Envelope.Create(Operation.Read, null, table.Row(raw), source, DateTimeOffset.UtcNow);
        return new SourceRecord(Partition, offset.ToMap(), table.Topic, null, table.KeySchema, table.Key(raw), table.Envelope.Schema, value);
    }

    /// <summary>The captured table's shapes from its current definition (cached until a DDL touches it); null when not captured.</summary>
    private async Task<CapturedTable?> TableAsync(MySqlConnection sql, string database, string table, CancellationToken cancellationToken)
    {
        var id = database + "." + table;
        if (_tables.TryGetValue(id, out var cached))
        {
            return cached;
        }
        CapturedTable? captured = null;
        if (Cdc.CapturesTable(database, table) && await TableDefinition.LoadAsync(sql, database, table, cancellationToken).ConfigureAwait(false) is { } definition)
        {
            captured = new CapturedTable(definition, Naming.DataTopic(database, table), _config.Modes, column => Cdc.ExcludesColumn(database, table, column));
        }
        _tables[id] = captured;
        return captured;
    }

    private async Task StreamAsync(MySqlConnection sql, MySqlOffset start, CancellationToken cancellationToken)
    {
        MySqlSession session;
        try
        {
            session = await MySqlSession.OpenAsync(Cdc.Hostname, Cdc.Port, Cdc.User, Cdc.Password, TimeSpan.FromMilliseconds(Cdc.ConnectTimeoutMs), cancellationToken).ConfigureAwait(false);
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
        if (Cdc.HeartbeatIntervalMs > 0)
        {
            await session.ExecuteAsync($"SET @master_heartbeat_period = {(long)Cdc.HeartbeatIntervalMs * 1_000_000}", cancellationToken).ConfigureAwait(false);
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
            if (Cdc.HeartbeatIntervalMs > 0 && !state.InTransaction && DateTimeOffset.UtcNow - lastHeartbeat >= TimeSpan.FromMilliseconds(Cdc.HeartbeatIntervalMs))
            {
                lastHeartbeat = DateTimeOffset.UtcNow;
                await EmitHeartbeatAsync(new MySqlOffset(state.TxFile, state.TxPos, TsSec: header.Timestamp, ServerId: header.ServerId).ToMap(), lastHeartbeat, cancellationToken).ConfigureAwait(false);
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
        if (!Cdc.CapturesContainer(database))
        {
            return;
        }
        var changes = new List<(string, string, string, TableDefinition?)>();
        string? table = null;
        if (match.Success)
        {
            table = match.Groups["table"].Value;
            _tables.Remove(database + "." + table);
            if (!Cdc.CapturesTable(database, table))
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
        var source = MySqlSource.Create(Cdc.TopicPrefix, database, table, SnapshotMarker.None,
            new MySqlSource.Position(state.File, header.Position, 0, header.ServerId, state.Gtid, state.Thread, header.Timestamp * 1_000_000L));
        var offset = new MySqlOffset(state.TxFile, state.InTransaction ? state.TxPos : header.NextPosition, TsSec: header.Timestamp, ServerId: header.ServerId);
        await EmitAsync(new SourceRecord(Partition, offset.ToMap(), Naming.SchemaChangeTopic, null, SchemaChangeEvents.KeySchema, SchemaChangeEvents.Key(database),
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
            var source = MySqlSource.Create(Cdc.TopicPrefix, map.Database, map.Table, SnapshotMarker.None,
                new MySqlSource.Position(state.File, header.Position, i, header.ServerId, state.Gtid, state.Thread, header.Timestamp * 1_000_000L));
            var offset = new MySqlOffset(state.TxFile, state.TxPos, state.EventsInTransaction, i + 1, header.Timestamp, header.ServerId).ToMap();
            var operation = rows.Kind switch
            {
                RowsKind.Write => Operation.Create,
                RowsKind.Update => Operation.Update,
                _ => Operation.Delete,
            };
            await EmitChangeAsync(operation, table, change.Before, change.After, source, offset, DateTimeOffset.UtcNow, cancellationToken).ConfigureAwait(false);
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
