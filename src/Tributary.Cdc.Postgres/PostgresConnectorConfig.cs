using System.Text.RegularExpressions;
using Tributary.Cdc.Postgres.Values;
using Tributary.Connect.Config;
using Tributary.Connect.Errors;

namespace Tributary.Cdc.Postgres;

/// <summary>
/// The connector's configuration under Debezium 2.x/3.x names: the keys every connector shares (<see cref="CdcConfig"/>,
/// with <c>schema.include.list</c>/<c>schema.exclude.list</c> as the level above tables) and PostgreSQL's own.
/// Keys it does not use are accepted and ignored. Immutable.
/// </summary>
public sealed record PostgresConnectorConfig
{
    public static CdcDialect Dialect { get; } = new(
        "PostgreSQL", 5432, "schema", ["pg_catalog", "information_schema", "pg_toast"], ["pg_temp", "pg_toast_temp"], IgnoreCase: false,
        ["initial", "initial_only", "no_data", "when_needed", "always", "configuration_based"],
        // Debezium 2.6 renamed never to no_data: both start streaming without reading the tables.
        new Dictionary<string, string> { ["never"] = "no_data" },
        "User with the REPLICATION attribute and SELECT on the captured tables.");

    public required CdcConfig Cdc { get; init; }
    public required string Database { get; init; }
    public string SlotName { get; init; } = "debezium";
    public bool SlotDropOnStop { get; init; }
    public string PublicationName { get; init; } = "dbz_publication";
    public string PublicationAutocreateMode { get; init; } = "all_tables";
    public ValueModes Modes { get; init; } = new();
    /// <summary>skipped.operations (shared, <see cref="CdcConfig.SkippedOperations"/>): the op codes (c, u, d, t) not emitted.</summary>
    public IReadOnlySet<string> SkippedOperations => Cdc.SkippedOperations;
    public bool SkipTruncate => Cdc.SkipTruncate;
    public long XminFetchIntervalMs { get; init; }
    public IReadOnlyList<Regex> MessagePrefixInclude { get; init; } = [];
    public IReadOnlyList<Regex> MessagePrefixExclude { get; init; } = [];

    /// <summary>database.sslmode as Debezium names it: disable, allow, prefer, require, verify-ca, verify-full.</summary>
    public string SslMode { get; init; } = "prefer";
    public string? SslRootCert { get; init; }
    public string? SslCert { get; init; }
    public string? SslKey { get; init; }
    public string? SslPassword { get; init; }

    /// <summary>snapshot.mode=configuration_based: snapshot.mode.configuration.based.snapshot.data, .start.stream, .snapshot.on.data.error.</summary>
    public bool ConfiguredSnapshotData { get; init; }
    public bool ConfiguredStartStream { get; init; }
    public bool ConfiguredSnapshotOnDataError { get; init; }

    /// <summary>Whether a logical decoding message with <paramref name="prefix"/> is emitted (message.prefix.include.list / exclude.list).</summary>
    public bool CapturesMessagePrefix(string prefix) =>
        (MessagePrefixInclude.Count == 0 || MessagePrefixInclude.Any(p => p.IsMatch(prefix))) && !MessagePrefixExclude.Any(p => p.IsMatch(prefix));
    public string? HeartbeatActionQuery { get; init; }
    public int StatusUpdateIntervalMs { get; init; } = 10_000;
    public int MaxRetries { get; init; } = -1;
    public int RetryWaitMs { get; init; } = 10_000;
    public long RetainedWalWarningBytes { get; init; } = 1L << 30;
    public int RetainedWalCheckIntervalMs { get; init; } = 10_000;
    public (string Schema, string Table)? SignalTable { get; init; }
    public int IncrementalChunkSize { get; init; } = 1024;

    /// <summary>The definition /connector-plugins and validate show.</summary>
    public static ConfigDef Definition { get; } = CdcConfig.Define(Dialect)
        .DefineRequired("database.dbname", ConfigType.String, Importance.High, "The database to capture.")
        .Define("plugin.name", ConfigType.String, "pgoutput", Importance.Medium, "The logical decoding plugin: pgoutput (the only one supported).")
        .Define("slot.name", ConfigType.String, "debezium", Importance.Medium, "The logical replication slot.")
        .Define("slot.drop.on.stop", ConfigType.Boolean, "false", Importance.Low, "Whether the slot is dropped when the task stops cleanly.")
        .Define("publication.name", ConfigType.String, "dbz_publication", Importance.Medium, "The publication pgoutput streams.")
        .Define("publication.autocreate.mode", ConfigType.String, "all_tables", Importance.Medium, "all_tables, filtered or disabled.")
        .Define("decimal.handling.mode", ConfigType.String, "precise", Importance.Medium, "precise, double or string.")
        .Define("time.precision.mode", ConfigType.String, "adaptive", Importance.Medium, "adaptive, adaptive_time_microseconds or connect.")
        .Define("binary.handling.mode", ConfigType.String, "bytes", Importance.Medium, "bytes, base64, base64-url-safe or hex.")
        .Define("interval.handling.mode", ConfigType.String, "numeric", Importance.Medium, "numeric (MicroDuration) or string (ISO 8601).")
        .Define("hstore.handling.mode", ConfigType.String, "json", Importance.Medium, "json (io.debezium.data.Json string) or map (map of strings).")
        .Define("xmin.fetch.interval.ms", ConfigType.Long, "0", Importance.Low, "How often the slot's catalog_xmin is read for source.xmin and the offset's xmin; 0 leaves xmin null.")
        .Define("message.prefix.include.list", ConfigType.List, "", Importance.Low, "Prefixes (regular expressions) of the logical decoding messages emitted to <topic.prefix>.message; empty: all.")
        .Define("message.prefix.exclude.list", ConfigType.List, "", Importance.Low, "Prefixes of logical decoding messages not emitted (not with the include list).")
        .Define("database.sslmode", ConfigType.String, "prefer", Importance.Medium, "disable, allow, prefer, require, verify-ca or verify-full (libpq's meanings).")
        .Define("database.sslrootcert", ConfigType.String, null, Importance.Medium, "PEM file of the certificate authority the server's certificate is checked against (verify-ca, verify-full).")
        .Define("database.sslcert", ConfigType.String, null, Importance.Medium, "PEM file of the client certificate.")
        .Define("database.sslkey", ConfigType.String, null, Importance.Medium, "PEM file of the client certificate's key.")
        .Define("database.sslpassword", ConfigType.Password, null, Importance.Medium, "Password of the client key.")
        .Define("snapshot.mode.configuration.based.snapshot.data", ConfigType.Boolean, "false", Importance.Low, "configuration_based: read the tables at every start.")
        .Define("snapshot.mode.configuration.based.snapshot.schema", ConfigType.Boolean, "false", Importance.Low, "configuration_based: accepted; PostgreSQL keeps no schema history.")
        .Define("snapshot.mode.configuration.based.start.stream", ConfigType.Boolean, "false", Importance.Low, "configuration_based: stream changes (after the snapshot, if any).")
        .Define("snapshot.mode.configuration.based.snapshot.on.schema.error", ConfigType.Boolean, "false", Importance.Low, "configuration_based: accepted; PostgreSQL keeps no schema history.")
        .Define("snapshot.mode.configuration.based.snapshot.on.data.error", ConfigType.Boolean, "false", Importance.Low, "configuration_based: read the tables when the stored position cannot be resumed (the slot is gone).")
        .Define("heartbeat.action.query", ConfigType.String, null, Importance.Medium, "SQL run on every heartbeat (a write that keeps the slot moving).")
        .Define("provide.transaction.metadata", ConfigType.Boolean, "false", Importance.Low, "Whether events carry a transaction block and BEGIN/END records go to <topic.prefix>.transaction.")
        .Define("signal.data.collection", ConfigType.String, null, Importance.Low, "The signalling table, schema.table (columns id, type, data): execute-snapshot signals start incremental snapshots.")
        .Define("incremental.snapshot.chunk.size", ConfigType.Int, "1024", Importance.Low, "Rows an incremental snapshot reads per chunk.")
        .Define("status.update.interval.ms", ConfigType.Int, "10000", Importance.Low, "How often the replication connection reports its flushed position.")
        .Define("errors.max.retries", ConfigType.Int, "-1", Importance.Low, "How often a lost connection is retried once streaming ran (-1: without limit, 0: never).")
        .Define("retriable.restart.connector.wait.ms", ConfigType.Long, "10000", Importance.Low, "How long the task waits before reconnecting after a lost connection.")
        .Define("slot.retained.wal.warning.bytes", ConfigType.Long, "1073741824", Importance.Low, "Retained WAL of the slot past which the task warns (Tributary only; 0 turns the warning off).")
        .Define("slot.retained.wal.check.interval.ms", ConfigType.Int, "10000", Importance.Low, "How often the task reads the slot's retained WAL for its metric (Tributary only; 0 turns it off).");

    public static PostgresConnectorConfig Parse(IReadOnlyDictionary<string, string> properties)
    {
        var reader = new ConfigReader(properties);
        reader.OneOf("plugin.name", "pgoutput", "pgoutput");
        var messageInclude = reader.Patterns(false, "message.prefix.include.list");
        var messageExclude = reader.Patterns(false, "message.prefix.exclude.list");
        if (messageInclude.Count > 0 && messageExclude.Count > 0)
        {
            throw new ConfigException("message.prefix.exclude.list", reader.Get("message.prefix.exclude.list"),
                "\"message.prefix.include.list\" is already specified");
        }
        return new PostgresConnectorConfig
        {
            Cdc = CdcConfig.Parse(reader, Dialect),
            Database = reader.Required("database.dbname"),
            SlotName = reader.Get("slot.name") ?? "debezium",
            SlotDropOnStop = reader.Bool("slot.drop.on.stop", false),
            PublicationName = reader.Get("publication.name") ?? "dbz_publication",
            PublicationAutocreateMode = reader.OneOf("publication.autocreate.mode", "all_tables", "all_tables", "filtered", "disabled"),
            Modes = new ValueModes(
                reader.OneOf("decimal.handling.mode", "precise", "precise", "double", "string"),
                reader.OneOf("time.precision.mode", "adaptive", "adaptive", "adaptive_time_microseconds", "connect"),
                reader.OneOf("binary.handling.mode", "bytes", "bytes", "base64", "base64-url-safe", "hex"),
                reader.OneOf("interval.handling.mode", "numeric", "numeric", "string"),
                reader.OneOf("hstore.handling.mode", "json", "json", "map")),
            XminFetchIntervalMs = Math.Max(0, reader.Long("xmin.fetch.interval.ms", 0)),
            MessagePrefixInclude = messageInclude,
            MessagePrefixExclude = messageExclude,
            SslMode = reader.OneOf("database.sslmode", "prefer", "disable", "allow", "prefer", "require", "verify-ca", "verify-full"),
            SslRootCert = reader.Get("database.sslrootcert"),
            SslCert = reader.Get("database.sslcert"),
            SslKey = reader.Get("database.sslkey"),
            SslPassword = reader.Get("database.sslpassword"),
            ConfiguredSnapshotData = reader.Bool("snapshot.mode.configuration.based.snapshot.data", false),
            ConfiguredStartStream = reader.Bool("snapshot.mode.configuration.based.start.stream", false),
            ConfiguredSnapshotOnDataError = reader.Bool("snapshot.mode.configuration.based.snapshot.on.data.error", false),
            HeartbeatActionQuery = reader.Get("heartbeat.action.query"),
            StatusUpdateIntervalMs = Math.Max(100, reader.Int("status.update.interval.ms", 10_000)),
            MaxRetries = reader.Int("errors.max.retries", -1),
            RetryWaitMs = Math.Max(0, reader.Int("retriable.restart.connector.wait.ms", 10_000)),
            RetainedWalWarningBytes = Math.Max(0, reader.Long("slot.retained.wal.warning.bytes", 1L << 30)),
            RetainedWalCheckIntervalMs = Math.Max(0, reader.Int("slot.retained.wal.check.interval.ms", 10_000)),
            SignalTable = reader.Get("signal.data.collection") is { } signal
                ? signal.Split('.') is [var schema, var table] ? (schema, table) : throw new ConfigException("signal.data.collection", signal, "Expected schema.table")
                : null,
            IncrementalChunkSize = Math.Max(1, reader.Int("incremental.snapshot.chunk.size", 1024)),
        };
    }
}
