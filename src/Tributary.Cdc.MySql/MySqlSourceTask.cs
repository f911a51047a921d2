using System.Text.RegularExpressions;
using MySqlConnector;
using Tributary.Cdc.MySql.Binlog;
using Tributary.Cdc.MySql.Gtids;
using Tributary.Cdc.MySql.Protocol;
using Tributary.Cdc.MySql.Schema;
using Tributary.Cdc.MySql.Snapshots;
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
        @"^\s*(?:(?<verb>CREATE|ALTER|DROP|RENAME|TRUNCATE)\s+(?:OR\s+REPLACE\s+)?(?:ONLINE\s+|IGNORE\s+)?(?:TEMPORARY\s+)?TABLES?\s+|(?<verb>TRUNCATE)\s+)(?:IF\s+(?:NOT\s+)?EXISTS\s+)?(?:`?(?<db>[\w$]+)`?\s*\.\s*)?`?(?<table>[\w$]+)`?",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    /// <summary>CREATE/DROP INDEX … ON [db.]table: the table's database decides whether the statement is read.</summary>
    private static readonly Regex IndexDdl = new(
        @"^\s*(?:CREATE\s+(?:OR\s+REPLACE\s+)?(?:ONLINE\s+|OFFLINE\s+)?(?:UNIQUE\s+|FULLTEXT\s+|SPATIAL\s+)?INDEX|DROP\s+INDEX)\b.*?\bON\s+(?:`?(?<db>[\w$]+)`?\s*\.\s*)?`?(?<table>[\w$]+)`?",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline);

    private static readonly Regex DatabaseDdl = new(@"^\s*(CREATE|DROP|ALTER)\s+(DATABASE|SCHEMA)\s+(IF\s+(NOT\s+)?EXISTS\s+)?`?(?<db>[\w$]+)`?",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private MySqlConnectorConfig _config = null!;

    /// <summary>The table definitions in force at the reader's position: from the snapshot, the history and the DDL read since.</summary>
    private TableSchemas _schemas = new();

    /// <summary>Record shapes of the tables seen in rows events, built from <see cref="_schemas"/>; cleared by every DDL. Null: not captured.</summary>
    private readonly Dictionary<(string Database, string Table), CapturedTable?> _tables = [];

    private SchemaHistory? _history;

    /// <summary>Incremental snapshots (when signal.data.collection is set).</summary>
    private IncrementalSnapshot? _incremental;

    /// <summary>
    /// After a blocking snapshot: its tables and the binlog position its read saw. Streaming resumes where it paused;
    /// until it reaches that position, changes of those tables are already in the snapshot's rows and are not emitted.
    /// </summary>
    private (HashSet<string> Tables, MySqlOffset ReadAt)? _blockingSeen;

    /// <summary>
    /// With the kafka signal channel, the server sends a binlog heartbeat after this long without events (if
    /// heartbeat.interval.ms asks for none sooner): the reader wakes on a quiet server and sees a waiting signal.
    /// </summary>
    private const int SignalWakeMs = 1000;

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
        if (_config.SchemaHistoryTopic is { } historyTopic && _config.SchemaHistoryBootstrapServers is { } historyServers)
        {
            _history = new SchemaHistory(historyTopic, historyServers, _config.SchemaHistoryProducerSecurity, _config.SchemaHistoryConsumerSecurity);
        }
        try
        {
            await ReadWithHistoryAsync(sql, stored, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (_history is not null)
            {
                await _history.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task ReadWithHistoryAsync(MySqlConnection sql, MySqlOffset? stored, CancellationToken cancellationToken)
    {
        var serverCharset = await ServerSetup.VariableAsync(sql, "character_set_server", cancellationToken).ConfigureAwait(false);
        _schemas = new TableSchemas { ServerCharset = serverCharset };
        if (_config.SignalTable is not null)
        {
            _incremental = new IncrementalSnapshot(_config);
            _incremental.Resume(stored?.Incremental);
        }
        MySqlOffset start;
        // recovery without a finished offset to recover at is no_data: the definitions are read as tables are met.
        var snapshot = stored is null
            ? Cdc.SnapshotMode is not ("never" or "no_data" or "recovery")
            : stored.Snapshot ? Cdc.SnapshotMode is not ("never" or "no_data" or "recovery") : Cdc.SnapshotMode == "always";
        var byGtid = stored?.Gtids is not null && await ServerGtids.EnabledAsync(sql, cancellationToken).ConfigureAwait(false);
        if (stored is not null && !stored.Snapshot && !snapshot &&
            !(byGtid
                ? await ServerGtids.CanServeAsync(sql, GtidSet.Parse(stored.Gtids!), cancellationToken).ConfigureAwait(false)
                : await ServerSetup.HasBinlogAsync(sql, stored.File, cancellationToken).ConfigureAwait(false)))
        {
            if (Cdc.SnapshotMode != "when_needed")
            {
                var from = byGtid ? $"after GTIDs {stored.Gtids}" : $"at {stored.File}:{stored.Pos}";
                throw new ConnectException($"The connector is trying to read binlog starting {from}, but this is no longer available on the server. " +
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
            // An offset written before GTIDs were tracked (or by a GTID-less server) gets its GTID set from MariaDB;
            // stored GTIDs a server no longer uses (MySQL with gtid_mode turned off) are dropped: file and position lead.
            start = stored.Gtids is null && ServerGtids.IsMariaDb(sql)
                ? stored with { Gtids = await ServerGtids.AtAsync(sql, stored.File, stored.Pos, null, cancellationToken).ConfigureAwait(false) }
                : stored.Gtids is not null && !byGtid ? stored with { Gtids = null } : stored;
            if (Cdc.SnapshotMode == "recovery")
            {
                await RebuildHistoryAsync(stored, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await RecoverAsync(stored, cancellationToken).ConfigureAwait(false);
            }
        }
        else if (Cdc.SnapshotMode == "never")
        {
            var first = await FirstBinlogAsync(sql, cancellationToken).ConfigureAwait(false);
            start = new MySqlOffset(first, 4, Gtids: await ServerGtids.AtAsync(sql, first, 4, null, cancellationToken).ConfigureAwait(false));
        }
        else
        {
            var (file, position, executed) = await ServerSetup.BinlogPositionAsync(sql, cancellationToken).ConfigureAwait(false);
            start = new MySqlOffset(file, position, Gtids: await ServerGtids.AtAsync(sql, file, position, executed, cancellationToken).ConfigureAwait(false));
        }
        // A blocking snapshot pauses streaming between transactions: the stream ends there, the snapshot runs, and
        // streaming starts again from the same position.
        while (await StreamAsync(sql, start, cancellationToken).ConfigureAwait(false) is { } pause)
        {
            await BlockingSnapshotAsync(pause.Request, pause.At, cancellationToken).ConfigureAwait(false);
            start = pause.At;
        }
    }

    /// <summary>
    /// A blocking snapshot (Debezium 2.5+): the requested tables read as in an initial snapshot (a consistent read,
    /// <c>op=r</c> with the initial snapshot's <c>source.snapshot</c> markers, each table's additional condition in its
    /// WHERE clause) while streaming is paused at <paramref name="pausedAt"/>, a point between transactions. Every
    /// record carries that position as its offset, so a restart streams from there (a blocking snapshot cut short by a
    /// restart is not run again). Changes of these tables the read already saw — transactions before the binlog
    /// position taken with the read — are not emitted when streaming resumes (<see cref="_blockingSeen"/>): each
    /// change reaches the topic once, as part of the snapshot or as an event after it.
    /// </summary>
    private async Task BlockingSnapshotAsync(SnapshotRequest request, MySqlOffset pausedAt, CancellationToken cancellationToken)
    {
        await using var connection = await ServerSetup.OpenAsync(_config, cancellationToken).ConfigureAwait(false);
        var locked = await BeginConsistentReadAsync(connection, cancellationToken).ConfigureAwait(false);
        var (file, position, _) = await ServerSetup.BinlogPositionAsync(connection, cancellationToken).ConfigureAwait(false);
        if (locked)
        {
            await ExecuteAsync(connection, "UNLOCK TABLES", cancellationToken).ConfigureAwait(false);
        }
        var tables = new List<CapturedTable>();
        foreach (var id in request.Tables)
        {
            var dot = id.IndexOf('.', StringComparison.Ordinal);
            if (await TableAsync(connection, id[..dot], id[(dot + 1)..], pausedAt, cancellationToken).ConfigureAwait(false) is { } table)
            {
                tables.Add(table);
            }
        }
        var rows = await WriteSnapshotRowsAsync(connection, tables, table => request.Conditions.GetValueOrDefault(table.Definition.Database + "." + table.Definition.Table),
            file, position, pausedAt.ToMap, pausedAt.ToMap(), cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, "COMMIT", cancellationToken).ConfigureAwait(false);
        _blockingSeen = ([.. tables.Select(t => t.Definition.Database + "." + t.Definition.Table)], new MySqlOffset(file, position));
        SourceSignals.Info(SignalOutput, Cdc.TopicPrefix, $"Blocking snapshot of {string.Join(", ", request.Tables)} done: {rows} rows read at {file}:{position}; streaming resumes at {pausedAt.File}:{pausedAt.Pos}");
    }

    /// <summary>
    /// FLUSH TABLES WITH READ LOCK (unless snapshot.locking.mode=none), then a REPEATABLE READ transaction WITH
    /// CONSISTENT SNAPSHOT: the binlog position read next is the one the transaction's reads reflect. Returns whether
    /// the lock is held (the caller unlocks once it has what it needs under the lock).
    /// </summary>
    private async Task<bool> BeginConsistentReadAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
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
        return locked;
    }

    /// <summary>
    /// The rows of <paramref name="tables"/> as <c>op=r</c> records with the snapshot markers, read in the
    /// connection's transaction (<paramref name="condition"/>: a table's WHERE condition, or null). Each record's
    /// offset comes from <paramref name="offset"/>; the last one's is <paramref name="completeOffset"/>. The source
    /// block names the binlog position the read reflects. Returns the number of rows.
    /// </summary>
    private async Task<long> WriteSnapshotRowsAsync(MySqlConnection connection, IReadOnlyList<CapturedTable> tables, Func<CapturedTable, string?> condition, string file, long position,
        Func<IReadOnlyDictionary<string, object?>> offset, IReadOnlyDictionary<string, object?> completeOffset, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var writer = new SnapshotWriter(Queue, tables.Count);
        for (var t = 0; t < tables.Count; t++)
        {
            var table = tables[t];
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM `{table.Definition.Database.Replace("`", "``")}`.`{table.Definition.Table.Replace("`", "``")}`" +
                                  (condition(table) is { } where ? $" WHERE ({where})" : "");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await writer.WriteTableAsync(t, reader, row => ReadSnapshotRow((MySqlDataReader)row, table),
                (row, marker) => SnapshotRecord(table, row, MySqlSource.Create(Cdc.TopicPrefix, table.Definition.Database, table.Definition.Table, marker,
                    new MySqlSource.Position(file, position, 0, 0, null, null, now.ToUnixTimeMilliseconds() * 1000)), offset()), cancellationToken).ConfigureAwait(false);
        }
        // The last record's offset says the snapshot is complete.
        await writer.FinishAsync(completeOffset, cancellationToken).ConfigureAwait(false);
        return writer.Rows;
    }

    /// <summary>
    /// Rebuilds the table definitions in force at <paramref name="stored"/> from the schema history topic: every
    /// record at or before it is replayed through the DDL parser, in order. Records after it (written before a crash
    /// whose offsets were not flushed) are left out; the binlog gives their DDL again.
    /// </summary>
    private async Task RecoverAsync(MySqlOffset stored, CancellationToken cancellationToken)
    {
        if (_history is null)
        {
            return;
        }
        foreach (var (position, database, ddl) in await _history.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!position.IsAtOrBefore(stored))
            {
                continue;
            }
            try
            {
                DdlParser.Apply(ddl, database, _schemas);
            }
            catch (DdlParseException)
            {
                // Only DDL skipped under schema.history.internal.skip.unparseable.ddl is unreadable here: skipped again.
            }
        }
    }

    private async Task AppendHistoryAsync(MySqlOffset position, string? database, string ddl, IReadOnlyList<TableChange> changes, CancellationToken cancellationToken)
    {
        if (_history is not null)
        {
            await _history.AppendAsync(new SchemaHistoryRecord(Cdc.TopicPrefix, position, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), database, ddl, changes), cancellationToken)
                .ConfigureAwait(false);
        }
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
        var locked = await BeginConsistentReadAsync(connection, cancellationToken).ConfigureAwait(false);
        var (file, position, executed) = await ServerSetup.BinlogPositionAsync(connection, cancellationToken).ConfigureAwait(false);
        var gtids = await ServerGtids.AtAsync(connection, file, position, executed, cancellationToken).ConfigureAwait(false);
        var (tables, snapshotDdl) = await LoadCapturedSchemasAsync(connection, cancellationToken).ConfigureAwait(false);
        if (locked)
        {
            await ExecuteAsync(connection, "UNLOCK TABLES", cancellationToken).ConfigureAwait(false);
        }
        var now = DateTimeOffset.UtcNow;
        var snapshotOffset = new MySqlOffset(file, position, TsSec: now.ToUnixTimeSeconds(), Snapshot: true, Gtids: gtids);
        foreach (var (database, ddl, change) in snapshotDdl)
        {
            await AppendHistoryAsync(snapshotOffset, database, ddl, change is null ? [] : [change], cancellationToken).ConfigureAwait(false);
            if (_config.IncludeSchemaChanges && change is not null)
            {
                var source = MySqlSource.Create(Cdc.TopicPrefix, database, change.Table, SnapshotMarker.True,
                    new MySqlSource.Position(file, position, 0, 0, null, null, now.ToUnixTimeMilliseconds() * 1000));
                await EmitAsync(new SourceRecord(Partition, snapshotOffset.ToMap(), Naming.SchemaChangeTopic, null,
                    SchemaChangeEvents.KeySchema, SchemaChangeEvents.Key(database), SchemaChangeEvents.ValueSchema,
                    SchemaChangeEvents.Value(source, now, database, ddl, [change])), cancellationToken).ConfigureAwait(false);
            }
        }
        if (Cdc.SnapshotMode != "no_data")
        {
            // The last snapshot record's offset says the snapshot is complete: a restart streams from the position.
            await WriteSnapshotRowsAsync(connection, tables, _ => null, file, position, snapshotOffset.ToMap, (snapshotOffset with { Snapshot = false }).ToMap(),
                cancellationToken).ConfigureAwait(false);
        }
        await ExecuteAsync(connection, "COMMIT", cancellationToken).ConfigureAwait(false);
        return new MySqlOffset(file, position, Gtids: gtids);
    }

    /// <summary>
    /// The captured databases and tables as the server defines them now: the schemas start again from them (the table
    /// shapes too), and the DDL that creates them (<c>CREATE DATABASE IF NOT EXISTS</c> with the charset, then
    /// <c>SHOW CREATE TABLE</c>'s statement with its table change) is returned for the history.
    /// </summary>
    private async Task<(List<CapturedTable> Tables, List<(string Database, string Ddl, TableChange? Change)> Ddl)> LoadCapturedSchemasAsync(MySqlConnection connection,
        CancellationToken cancellationToken)
    {
        var names = await CapturedTablesAsync(connection, cancellationToken).ConfigureAwait(false);
        var tables = new List<CapturedTable>();
        var ddl = new List<(string Database, string Ddl, TableChange? Change)>();
        _schemas = new TableSchemas { ServerCharset = _schemas.ServerCharset };
        _tables.Clear();
        foreach (var database in names.Select(n => n.Database).Distinct())
        {
            var charset = await DatabaseCharsetAsync(connection, database, cancellationToken).ConfigureAwait(false);
            _schemas.PutDatabase(database, charset);
            ddl.Add((database, $"CREATE DATABASE IF NOT EXISTS `{database.Replace("`", "``")}`" + (charset is null ? "" : " CHARACTER SET " + charset), null));
        }
        foreach (var (database, table) in names)
        {
            if (await LoadFromServerAsync(connection, database, table, cancellationToken).ConfigureAwait(false) is { } loaded)
            {
                ddl.Add((database, loaded.Ddl, loaded.Change));
                tables.Add(Capture(loaded.Change.Definition));
            }
        }
        return (tables, ddl);
    }

    /// <summary>
    /// <c>snapshot.mode=recovery</c> (Debezium 2.6+; 1.x/2.x <c>schema_only_recovery</c>) with a stored offset: the
    /// schema history topic is not replayed — it is lost, or corrupt, or grew too long — but written anew from the
    /// captured tables' current definitions, each record at the stored position, so this run and every later one
    /// (replaying the topic up to its offset) decode the binlog from there with them. As with Debezium, this is right
    /// only when no DDL changed a captured table between the stored position and now.
    /// </summary>
    private async Task RebuildHistoryAsync(MySqlOffset stored, CancellationToken cancellationToken)
    {
        await using var connection = await ServerSetup.OpenAsync(_config, cancellationToken).ConfigureAwait(false);
        var (tables, ddl) = await LoadCapturedSchemasAsync(connection, cancellationToken).ConfigureAwait(false);
        var position = stored with { Incremental = null };
        foreach (var (database, text, change) in ddl)
        {
            await AppendHistoryAsync(position, database, text, change is null ? [] : [change], cancellationToken).ConfigureAwait(false);
        }
        SourceSignals.Info(SignalOutput, Cdc.TopicPrefix, $"snapshot.mode=recovery: the schema history was rebuilt from the current definitions of {tables.Count} captured tables at {stored.File}:{stored.Pos}");
    }

    /// <summary>The server's base tables the include/exclude lists capture, by database and name.</summary>
    private async Task<List<(string Database, string Table)>> CapturedTablesAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
        var names = new List<(string Database, string Table)>();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_SCHEMA, TABLE_NAME";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (Cdc.CapturesTable(reader.GetString(0), reader.GetString(1)))
            {
                names.Add((reader.GetString(0), reader.GetString(1)));
            }
        }
        return names;
    }

    private static async Task<string?> DatabaseCharsetAsync(MySqlConnection connection, string database, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT DEFAULT_CHARACTER_SET_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = @db";
        command.Parameters.AddWithValue("@db", database);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    /// <summary>
    /// A table's current definition from the server (SHOW CREATE TABLE, through the DDL parser, into the schemas):
    /// for the snapshot, and for a table the history does not know. Null when the table does not exist (any more).
    /// </summary>
    private async Task<(string Ddl, TableChange Change)?> LoadFromServerAsync(MySqlConnection connection, string database, string table, CancellationToken cancellationToken)
    {
        string ddl;
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SHOW CREATE TABLE `{database.Replace("`", "``")}`.`{table.Replace("`", "``")}`";
            try
            {
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }
                ddl = reader.GetString(1);
            }
            catch (MySqlException error) when (error.Number is 1146 or 1049)
            {
                return null; // no such table / database
            }
        }
        DdlResult result;
        try
        {
            result = DdlParser.Apply(ddl, database, _schemas);
        }
        catch (DdlParseException error)
        {
            throw new ConnectException($"The definition of {database}.{table} couldn't be parsed ({error.Message}): {ddl}", error);
        }
        return result.Changes.Count == 1 ? (ddl, result.Changes[0]) : null;
    }

    private CapturedTable Capture(TableDefinition definition) =>
        new(definition, Naming.DataTopic(definition.Database, definition.Table), _config.Modes, column => Cdc.ExcludesColumn(definition.Database, definition.Table, column),
            Cdc.MessageKeyColumns);

    internal static object?[] ReadSnapshotRow(MySqlDataReader reader, CapturedTable table)
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

    /// <summary>An <c>op=r</c> record of a snapshot row (initial or incremental).</summary>
    private SourceRecord SnapshotRecord(CapturedTable table, object?[] raw, Struct source, IReadOnlyDictionary<string, object?> offset)
    {
        var value = table.Envelope.Create(Operation.Read, null, table.Row(raw), source, DateTimeOffset.UtcNow);
        return new SourceRecord(Partition, offset, table.Topic, null, table.KeySchema, table.Key(raw), table.Envelope.Schema, value);
    }

    /// <summary>
    /// The captured table's shapes from the definition in force (cached until a DDL); null when not captured. A table
    /// the schemas do not know (no snapshot, no history) is read from the server and recorded in the history at
    /// <paramref name="position"/>.
    /// </summary>
    private async Task<CapturedTable?> TableAsync(MySqlConnection sql, string database, string table, MySqlOffset position, CancellationToken cancellationToken)
    {
        if (_tables.TryGetValue((database, table), out var cached))
        {
            return cached;
        }
        CapturedTable? captured = null;
        if (Cdc.CapturesTable(database, table))
        {
            var definition = _schemas.Find(database, table);
            if (definition is null && await LoadFromServerAsync(sql, database, table, cancellationToken).ConfigureAwait(false) is { } loaded)
            {
                await AppendHistoryAsync(position, database, loaded.Ddl, [loaded.Change], cancellationToken).ConfigureAwait(false);
                definition = loaded.Change.Definition;
            }
            captured = definition is null ? null : Capture(definition);
        }
        _tables[(database, table)] = captured;
        return captured;
    }

    /// <summary>
    /// Starts the binlog dump where <paramref name="start"/> says: by GTID when it carries a GTID set (MariaDB:
    /// <c>@slave_connect_state</c>; MySQL: COM_BINLOG_DUMP_GTID), so a restart finds the transaction even when the
    /// stored file no longer exists or names another place (purged and rotated binlogs, a restored or failed-over
    /// server); by file and position otherwise. Either way the stream opens at the transaction the offset's skip counts
    /// refer to: the GTID set leaves out the transaction in flight, whose start the file and position name.
    /// </summary>
    private async Task StartDumpAsync(MySqlSession session, MySqlOffset start, CancellationToken cancellationToken)
    {
        switch (start.Gtids is null ? null : GtidSet.Parse(start.Gtids))
        {
            case MariaDbGtidPosition position when session.IsMariaDb:
                await session.StartMariaDbGtidDumpAsync(position, _config.ServerId, cancellationToken, annotateRows: _config.IncludeQuery).ConfigureAwait(false);
                break;
            case MySqlGtidSet set when !session.IsMariaDb:
                await session.StartMySqlGtidDumpAsync(set, _config.ServerId, cancellationToken).ConfigureAwait(false);
                break;
            default:
                await session.StartBinlogDumpAsync(start.File, start.Pos, _config.ServerId, cancellationToken, annotateRows: _config.IncludeQuery && session.IsMariaDb)
                    .ConfigureAwait(false);
                break;
        }
    }

    /// <summary>
    /// Reads the binlog from <paramref name="start"/> until cancelled; returns where it paused (a point between
    /// transactions) when a signal asked for a blocking snapshot.
    /// </summary>
    private async Task<(MySqlOffset At, SnapshotRequest Request)?> StreamAsync(MySqlConnection sql, MySqlOffset start, CancellationToken cancellationToken)
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
        var heartbeatPeriodMs = KafkaSignals is null ? Cdc.HeartbeatIntervalMs
            : Cdc.HeartbeatIntervalMs > 0 ? Math.Min(Cdc.HeartbeatIntervalMs, SignalWakeMs) : SignalWakeMs;
        if (heartbeatPeriodMs > 0)
        {
            await session.ExecuteAsync($"SET @master_heartbeat_period = {(long)heartbeatPeriodMs * 1_000_000}", cancellationToken).ConfigureAwait(false);
        }
        try
        {
            await session.RegisterReplicaAsync(_config.ServerId, cancellationToken).ConfigureAwait(false);
            await StartDumpAsync(session, start, cancellationToken).ConfigureAwait(false);
        }
        catch (BinlogProtocolException error)
        {
            throw new ConnectException(Describe(error), error);
        }
        var reader = new BinlogReader(session, checksum is not null && !checksum.Equals("NONE", StringComparison.OrdinalIgnoreCase));
        var state = new StreamState(start, start.Gtids is null ? null : GtidSet.Parse(start.Gtids));
        await NextChunkAsync(sql, state, cancellationToken).ConfigureAwait(false);
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
                return null;
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
                    state.PendingMariaDb = (gtid.Domain, header.ServerId, gtid.Sequence);
                    break;
                case MySqlGtidEvent gtid:
                    // A BEGIN follows for row changes; a DDL statement comes alone and completes the transaction.
                    state.Begin(header.Position, gtid.Text, thread: null);
                    state.FromGtid = true;
                    state.PendingMySql = gtid;
                    state.OriginalCommitMicros = gtid.OriginalCommitMicros;
                    break;
                case GtidListEvent list:
                    state.Learn(list.Gtids);
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
                    await EndTransactionAsync(header, state, cancellationToken).ConfigureAwait(false);
                    break;
                case QueryEvent query:
                    state.Thread = query.ThreadId;
                    if (!state.InTransaction)
                    {
                        state.CompleteGtid(); // the DDL's history record and event are positioned after it
                    }
                    await HandleDdlAsync(query, header, state, cancellationToken).ConfigureAwait(false);
                    if (!state.InTransaction)
                    {
                        state.Commit(header.NextPosition);
                    }
                    break;
                case RowsQueryEvent rowsQuery:
                    state.Query = _config.IncludeQuery ? rowsQuery.Sql : null;
                    break;
                case RowsEvent rows:
                    await HandleRowsAsync(sql, reader, rows, header, state, cancellationToken).ConfigureAwait(false);
                    state.EventsInTransaction++;
                    break;
                case ulong:
                    state.Commit(header.NextPosition);
                    await EndTransactionAsync(header, state, cancellationToken).ConfigureAwait(false);
                    break;
            }
            if (!state.InTransaction)
            {
                await ApplyKafkaSignalsAsync(_incremental?.Signals, () => CapturedIdsAsync(sql, cancellationToken)).ConfigureAwait(false);
                if (NextBlockingSnapshot() is { } blocking)
                {
                    return (new MySqlOffset(state.TxFile, state.TxPos, TsSec: header.Timestamp, ServerId: header.ServerId, Incremental: _incremental?.State, Gtids: state.GtidsText), blocking);
                }
                await NextChunkAsync(sql, state, cancellationToken).ConfigureAwait(false);
            }
            if (Cdc.HeartbeatIntervalMs > 0 && !state.InTransaction && DateTimeOffset.UtcNow - lastHeartbeat >= TimeSpan.FromMilliseconds(Cdc.HeartbeatIntervalMs))
            {
                lastHeartbeat = DateTimeOffset.UtcNow;
                await EmitHeartbeatAsync(new MySqlOffset(state.TxFile, state.TxPos, TsSec: header.Timestamp, ServerId: header.ServerId, Incremental: _incremental?.State, Gtids: state.GtidsText).ToMap(), lastHeartbeat, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// A statement event outside BEGIN/COMMIT: DDL of a captured database goes through the parser into the schemas,
    /// the history topic (before anything else acts on it) and the schema change topic (captured tables only).
    /// Unparseable DDL fails the task naming the statement, unless schema.history.internal.skip.unparseable.ddl.
    /// </summary>
    private async Task HandleDdlAsync(QueryEvent query, BinlogEventHeader header, StreamState state, CancellationToken cancellationToken)
    {
        var match = DdlTable.Match(query.Sql);
        var databaseDdl = DatabaseDdl.Match(query.Sql);
        string? database;
        if (databaseDdl.Success)
        {
            database = databaseDdl.Groups["db"].Value;
        }
        else if (match.Success)
        {
            database = match.Groups["db"].Success ? match.Groups["db"].Value : query.Database;
        }
        else if (IndexDdl.Match(query.Sql) is { Success: true } index)
        {
            database = index.Groups["db"].Success ? index.Groups["db"].Value : query.Database;
        }
        else
        {
            return; // Not a table or database change (GRANT, CREATE USER, FLUSH, views, routines...): nothing to record.
        }
        if (string.IsNullOrEmpty(database) || !Cdc.CapturesContainer(database))
        {
            return;
        }
        DdlResult result;
        try
        {
            result = DdlParser.Apply(query.Sql, string.IsNullOrEmpty(query.Database) ? null : query.Database, _schemas);
        }
        catch (DdlParseException error)
        {
            if (_config.SkipUnparseableDdl)
            {
                return;
            }
            throw new ConnectException($"DDL statement couldn't be parsed ({error.Message}) at {state.File}:{header.Position}: {query.Sql} " +
                                       "— the connector cannot know the tables' columns after it. Set schema.history.internal.skip.unparseable.ddl=true to skip such statements " +
                                       "(rows of a table whose columns they changed will then fail to decode).", error);
        }
        if (result.Truncated is { } truncated)
        {
            await HandleTruncateAsync(truncated.Database, truncated.Table, query, header, state, cancellationToken).ConfigureAwait(false);
            return;
        }
        if (!result.ChangesSchema)
        {
            return;
        }
        _tables.Clear();
        var offset = new MySqlOffset(state.TxFile, state.InTransaction ? state.TxPos : header.NextPosition, TsSec: header.Timestamp, ServerId: header.ServerId, Gtids: state.GtidsText);
        var recordDatabase = result.Database ?? database;
        await AppendHistoryAsync(offset, recordDatabase, query.Sql, result.Changes, cancellationToken).ConfigureAwait(false);
        var captured = result.Changes.Where(c => Cdc.CapturesTable(c.Database, c.Table)).ToList();
        if (!_config.IncludeSchemaChanges || (!databaseDdl.Success && captured.Count == 0))
        {
            return;
        }
        var source = MySqlSource.Create(Cdc.TopicPrefix, recordDatabase, captured.Count > 0 ? captured[0].Table : null, SnapshotMarker.None,
            new MySqlSource.Position(state.File, header.Position, 0, header.ServerId, state.Gtid, state.Thread, state.EventTimeMicros(header)));
        await EmitAsync(new SourceRecord(Partition, (offset with { Incremental = _incremental?.State }).ToMap(), Naming.SchemaChangeTopic, null, SchemaChangeEvents.KeySchema, SchemaChangeEvents.Key(recordDatabase),
            SchemaChangeEvents.ValueSchema, SchemaChangeEvents.Value(source, DateTimeOffset.UtcNow, recordDatabase, query.Sql, captured)), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// TRUNCATE TABLE of a captured table: as Debezium's MySQL connector, no schema change record and no history entry
    /// (the definition is unchanged); an <c>op=t</c> event (no key, neither before nor after) on the table's topic
    /// only when <c>skipped.operations</c> does not hold <c>t</c>, which by default it does.
    /// </summary>
    private async Task HandleTruncateAsync(string database, string table, QueryEvent query, BinlogEventHeader header, StreamState state, CancellationToken cancellationToken)
    {
        if (Cdc.SkipTruncate || !Cdc.CapturesTable(database, table) || _schemas.Find(database, table) is not { } definition)
        {
            return;
        }
        _tables.TryGetValue((database, table), out var captured);
        captured ??= Capture(definition);
        var offset = new MySqlOffset(state.TxFile, state.InTransaction ? state.TxPos : header.NextPosition, TsSec: header.Timestamp, ServerId: header.ServerId,
            Incremental: _incremental?.State, Gtids: state.GtidsText);
        var source = MySqlSource.Create(Cdc.TopicPrefix, database, table, SnapshotMarker.None,
            new MySqlSource.Position(state.File, header.Position, 0, header.ServerId, state.Gtid, state.Thread, state.EventTimeMicros(header), _config.IncludeQuery ? query.Sql : null));
        await EmitChangeAsync<object>(Operation.Truncate, captured, null, null, source, offset.ToMap(), DateTimeOffset.UtcNow, cancellationToken).ConfigureAwait(false);
    }

    private async Task HandleRowsAsync(MySqlConnection sql, BinlogReader reader, RowsEvent rows, BinlogEventHeader header, StreamState state, CancellationToken cancellationToken)
    {
        var map = reader.Table(rows.TableId)!;
        var first = 0;
        if (state.SkipEvents > state.EventsInTransaction)
        {
            return;
        }
        if (state.SkipEvents == state.EventsInTransaction)
        {
            first = state.SkipRows;
        }
        if (_config.SignalTable is { } signal && string.Equals(map.Database, signal.Database, StringComparison.OrdinalIgnoreCase) &&
            string.Equals(map.Table, signal.Table, StringComparison.OrdinalIgnoreCase))
        {
            // The signalling table's rows are never emitted, captured or not.
            if (rows.Kind == RowsKind.Write)
            {
                await HandleSignalsAsync(sql, rows, first, header, state, cancellationToken).ConfigureAwait(false);
            }
            return;
        }
        var table = await TableAsync(sql, map.Database, map.Table, new MySqlOffset(state.TxFile, state.TxPos, state.EventsInTransaction, 0, header.Timestamp, header.ServerId, Gtids: state.GtidsText),
            cancellationToken).ConfigureAwait(false);
        if (table is null)
        {
            return;
        }
        if (_blockingSeen is { } seen)
        {
            var transactionStart = new MySqlOffset(state.TxFile, state.TxPos);
            if (!transactionStart.IsAtOrBefore(seen.ReadAt) || transactionStart == seen.ReadAt)
            {
                _blockingSeen = null; // the stream is past what the blocking snapshot read
            }
            else if (seen.Tables.Contains(map.Database + "." + map.Table))
            {
                return; // committed before the snapshot's read: its rows already hold this change
            }
        }
        if (table.ColumnCount != map.ColumnTypes.Length)
        {
            throw new ConnectException($"Table {map.Database}.{map.Table} has {map.ColumnTypes.Length} columns in the binlog event at {state.File}:{header.Position} " +
                                       $"but {table.ColumnCount} in the definition the connector holds for that position: the schema history is missing DDL (no history topic configured, " +
                                       "history lost, or a skipped unparseable statement).");
        }
        if (Transactions is not null && first < rows.Rows.Count)
        {
            // Debezium's MySQL transaction id is the GTID; without one, where the transaction starts.
            await BeginTransactionAsync(state.Gtid ?? $"{state.TxFile}:{state.TxPos}", header.Timestamp * 1000L,
                new MySqlOffset(state.TxFile, state.TxPos, TsSec: header.Timestamp, ServerId: header.ServerId, Incremental: _incremental?.State, Gtids: state.GtidsText).ToMap(),
                cancellationToken).ConfigureAwait(false);
        }
        for (var i = first; i < rows.Rows.Count; i++)
        {
            var change = rows.Rows[i];
            var source = MySqlSource.Create(Cdc.TopicPrefix, map.Database, map.Table, SnapshotMarker.None,
                new MySqlSource.Position(state.File, header.Position, i, header.ServerId, state.Gtid, state.Thread, state.EventTimeMicros(header), state.Query));
            var offset = new MySqlOffset(state.TxFile, state.TxPos, state.EventsInTransaction, i + 1, header.Timestamp, header.ServerId, Incremental: _incremental?.State,
                Gtids: state.GtidsText).ToMap();
            var operation = rows.Kind switch
            {
                RowsKind.Write => Operation.Create,
                RowsKind.Update => Operation.Update,
                _ => Operation.Delete,
            };
            if (_incremental is { } incremental)
            {
                incremental.OnChange(table, change.After);
                incremental.OnChange(table, change.Before);
            }
            if (!Cdc.Emits(operation))
            {
                continue; // skipped.operations
            }
            await EmitChangeAsync(operation, table, change.Before, change.After, source, offset, DateTimeOffset.UtcNow, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Between transactions: the next incremental snapshot chunk (watermarks and read), if one is due.</summary>
    private async Task NextChunkAsync(MySqlConnection sql, StreamState state, CancellationToken cancellationToken)
    {
        if (_incremental is { NeedsChunk: true } incremental)
        {
            var position = new MySqlOffset(state.TxFile, state.TxPos, Gtids: state.GtidsText);
            await incremental.StartChunkAsync(sql, (database, table) => TableAsync(sql, database, table, position, cancellationToken), ReadSnapshotRow, cancellationToken)
                .ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Rows inserted into the signalling table (columns found by name: id, type, data): an <c>execute-snapshot</c>
    /// signal queues captured tables for an incremental snapshot; a watermark of the snapshot's window opens it or,
    /// closing it, emits the chunk's remaining rows. Each such record's offset is the watermark row's own (a restart
    /// skips the watermark) with the progress up to that record.
    /// </summary>
    private async Task HandleSignalsAsync(MySqlConnection sql, RowsEvent rows, int first, BinlogEventHeader header, StreamState state, CancellationToken cancellationToken)
    {
        if (_incremental is not { } incremental)
        {
            return;
        }
        var (database, name) = _config.SignalTable!.Value;
        var definition = _schemas.Find(database, name) ?? (await LoadFromServerAsync(sql, database, name, cancellationToken).ConfigureAwait(false))?.Change.Definition;
        if (definition is null || definition.IndexOf("id") is var idColumn && idColumn < 0 || definition.IndexOf("type") is var typeColumn && typeColumn < 0)
        {
            return;
        }
        var dataColumn = definition.IndexOf("data");
        for (var i = first; i < rows.Rows.Count; i++)
        {
            if (rows.Rows[i].After is not { } values || values.Length != definition.Columns.Count)
            {
                continue;
            }
            var type = Text(values[typeColumn]);
            if (!SourceSignals.IsWatermark(type))
            {
                if (!SourceChannelEnabled)
                {
                    continue;
                }
                await ApplySignalAsync(incremental.Signals, Text(values[idColumn]), type, dataColumn >= 0 ? Text(values[dataColumn]) : null,
                    () => CapturedIdsAsync(sql, cancellationToken)).ConfigureAwait(false);
                continue;
            }
            if (Text(values[idColumn]) is not { } id || incremental.OnWatermark(id) is not { } chunk)
            {
                continue;
            }
            var table = chunk.Table;
            var source = MySqlSource.Create(Cdc.TopicPrefix, table.Definition.Database, table.Definition.Table, SnapshotMarker.Incremental,
                new MySqlSource.Position(state.File, header.Position, i, header.ServerId, state.Gtid, state.Thread, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000));
            foreach (var (row, progress) in chunk.Rows)
            {
                var offset = new MySqlOffset(state.TxFile, state.TxPos, state.EventsInTransaction, i + 1, header.Timestamp, header.ServerId, Incremental: progress,
                    Gtids: state.GtidsText);
                await EmitAsync(SnapshotRecord(table, row, source, offset.ToMap()), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The captured tables as <c>db.table</c>, for the signals that name tables.</summary>
    private async Task<IEnumerable<string>> CapturedIdsAsync(MySqlConnection sql, CancellationToken cancellationToken) =>
        (await CapturedTablesAsync(sql, cancellationToken).ConfigureAwait(false)).Select(c => c.Database + "." + c.Table);

    /// <summary>A signalling table value as text (the binlog gives character columns as their bytes).</summary>
    private static string? Text(object? value) => value switch
    {
        null => null,
        byte[] bytes => RowDecoder.DecodeText(bytes, null),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>With transaction metadata on: the END of the transaction just committed (its offset is past the commit).</summary>
    private Task EndTransactionAsync(BinlogEventHeader header, StreamState state, CancellationToken cancellationToken) =>
        Transactions is null
            ? Task.CompletedTask
            : EndTransactionAsync(header.Timestamp * 1000L,
                new MySqlOffset(state.TxFile, state.TxPos, TsSec: header.Timestamp, ServerId: header.ServerId, Incremental: _incremental?.State, Gtids: state.GtidsText).ToMap(),
                cancellationToken);

    /// <summary>
    /// Where the binlog reader is: the current file, the transaction in flight, the restart skips still to apply, and
    /// the GTIDs of the transactions completed (null while unknown: a MySQL server without gtid_mode, or read from
    /// mid-file without a stored set until the next file's PREVIOUS_GTIDS tells the whole set).
    /// </summary>
    private sealed class StreamState(MySqlOffset start, GtidSet? gtids)
    {
        private GtidSet? _gtids = gtids;
        private string? _gtidsText = start.Gtids;

        /// <summary>The GTID of the transaction in flight, added to the completed set when it commits.</summary>
        public (uint Domain, uint Server, ulong Sequence)? PendingMariaDb;

        public MySqlGtidEvent? PendingMySql;

        /// <summary>
        /// The source block's event time: MySQL's original commit timestamp of the transaction (µs, from its GTID event,
        /// 8.0.1+) as Debezium takes it, otherwise the event header's time (whole seconds).
        /// </summary>
        public long EventTimeMicros(BinlogEventHeader header) => OriginalCommitMicros ?? header.Timestamp * 1_000_000L;

        /// <summary>The transaction's original commit time from MySQL's GTID event; null otherwise.</summary>
        public long? OriginalCommitMicros;

        /// <summary>The offset's <c>gtids</c>: the completed transactions (computed once per change of the set).</summary>
        public string? GtidsText => _gtids is null ? null : _gtidsText ??= _gtids.ToString() is { Length: > 0 } text ? text : null;

        /// <summary>A GTID_LIST / PREVIOUS_GTIDS event: everything before this file, merged in (or the whole set, if it was unknown).</summary>
        public void Learn(GtidSet list)
        {
            if (_gtids is null)
            {
                _gtids = list;
            }
            else
            {
                _gtids.UnionWith(list);
            }
            _gtidsText = null;
        }

        /// <summary>The transaction in flight is complete: its GTID joins the set.</summary>
        public void CompleteGtid()
        {
            if (PendingMariaDb is { } mariaDb)
            {
                if (_gtids is MariaDbGtidPosition position)
                {
                    position.Add(mariaDb.Domain, mariaDb.Server, mariaDb.Sequence);
                }
                else if (_gtids is null)
                {
                    // MariaDB's position is one GTID per domain: the first GTID seen makes it complete for its domain.
                    var fresh = new MariaDbGtidPosition();
                    fresh.Add(mariaDb.Domain, mariaDb.Server, mariaDb.Sequence);
                    _gtids = fresh;
                }
                _gtidsText = null;
            }
            else if (PendingMySql is { } mySql && _gtids is MySqlGtidSet set)
            {
                set.Add(mySql.Uuid, mySql.Transaction);
                _gtidsText = null;
            }
            PendingMariaDb = null;
            PendingMySql = null;
        }

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

        /// <summary>The statement of the rows events being read (include.query), until the next one or the transaction's end.</summary>
        public string? Query;

        public void Begin(long position, string? gtid, long? thread)
        {
            TxFile = File;
            TxPos = position;
            EventsInTransaction = 0;
            Gtid = gtid;
            Thread = thread;
            Query = null;
            OriginalCommitMicros = null;
        }

        /// <summary>The transaction ended; the next one starts at <paramref name="nextPosition"/>, and restart skips are used up.</summary>
        public void Commit(long nextPosition)
        {
            CompleteGtid();
            TxFile = File;
            TxPos = nextPosition;
            EventsInTransaction = 0;
            SkipEvents = 0;
            SkipRows = 0;
            InTransaction = false;
            FromGtid = false;
            Query = null;
        }
    }
}
