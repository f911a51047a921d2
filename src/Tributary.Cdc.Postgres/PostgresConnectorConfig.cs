using System.Globalization;
using System.Text.RegularExpressions;
using Tributary.Cdc.Postgres.Values;
using Tributary.Connect.Config;
using Tributary.Connect.Errors;

namespace Tributary.Cdc.Postgres;

/// <summary>
/// The connector's configuration under Debezium 2.x/3.x names (Debezium 1.x's <c>database.server.name</c>,
/// <c>*.whitelist</c>/<c>*.blacklist</c> accepted as aliases). Keys it does not use are accepted and ignored. Immutable.
/// </summary>
public sealed record PostgresConnectorConfig
{
    public required string Hostname { get; init; }
    public int Port { get; init; } = 5432;
    public required string User { get; init; }
    public string Password { get; init; } = "";
    public required string Database { get; init; }
    public required string TopicPrefix { get; init; }
    public string SlotName { get; init; } = "debezium";
    public bool SlotDropOnStop { get; init; }
    public string PublicationName { get; init; } = "dbz_publication";
    public string PublicationAutocreateMode { get; init; } = "all_tables";
    public IReadOnlyList<Regex> SchemaInclude { get; init; } = [];
    public IReadOnlyList<Regex> SchemaExclude { get; init; } = [];
    public IReadOnlyList<Regex> TableInclude { get; init; } = [];
    public IReadOnlyList<Regex> TableExclude { get; init; } = [];
    public IReadOnlyList<Regex> ColumnExclude { get; init; } = [];
    public string SnapshotMode { get; init; } = "initial";
    public ValueModes Modes { get; init; } = new();
    public bool TombstonesOnDelete { get; init; } = true;
    public bool SkipTruncate { get; init; } = true;
    public int HeartbeatIntervalMs { get; init; }
    public string? HeartbeatActionQuery { get; init; }
    public string HeartbeatTopicPrefix { get; init; } = "__debezium-heartbeat";
    public int StatusUpdateIntervalMs { get; init; } = 10_000;
    public int MaxBatchSize { get; init; } = 2048;
    public int MaxQueueSize { get; init; } = 8192;
    public int PollIntervalMs { get; init; } = 500;
    public int ConnectTimeoutMs { get; init; } = 30_000;
    public int MaxRetries { get; init; } = -1;
    public int RetryWaitMs { get; init; } = 10_000;

    private static readonly string[] SnapshotModes = ["initial", "initial_only", "no_data", "never", "when_needed", "always"];

    /// <summary>The definition /connector-plugins and validate show.</summary>
    public static ConfigDef Definition { get; } = new ConfigDef()
        .Define("topic.prefix", ConfigType.String, null, Importance.High, "Prefix of every topic name; the logical server name (1.x: database.server.name).")
        .DefineRequired("database.hostname", ConfigType.String, Importance.High, "PostgreSQL host.")
        .Define("database.port", ConfigType.Int, "5432", Importance.High, "PostgreSQL port.")
        .DefineRequired("database.user", ConfigType.String, Importance.High, "User with the REPLICATION attribute and SELECT on the captured tables.")
        .Define("database.password", ConfigType.Password, "", Importance.High, "The user's password.")
        .DefineRequired("database.dbname", ConfigType.String, Importance.High, "The database to capture.")
        .Define("plugin.name", ConfigType.String, "pgoutput", Importance.Medium, "The logical decoding plugin: pgoutput (the only one supported).")
        .Define("slot.name", ConfigType.String, "debezium", Importance.Medium, "The logical replication slot.")
        .Define("slot.drop.on.stop", ConfigType.Boolean, "false", Importance.Low, "Whether the slot is dropped when the task stops cleanly.")
        .Define("publication.name", ConfigType.String, "dbz_publication", Importance.Medium, "The publication pgoutput streams.")
        .Define("publication.autocreate.mode", ConfigType.String, "all_tables", Importance.Medium, "all_tables, filtered or disabled.")
        .Define("schema.include.list", ConfigType.List, "", Importance.High, "Schemas to capture (regular expressions).")
        .Define("schema.exclude.list", ConfigType.List, "", Importance.Medium, "Schemas not to capture.")
        .Define("table.include.list", ConfigType.List, "", Importance.High, "Tables to capture, as schema.table regular expressions.")
        .Define("table.exclude.list", ConfigType.List, "", Importance.Medium, "Tables not to capture.")
        .Define("column.exclude.list", ConfigType.List, "", Importance.Medium, "Columns left out of events, as schema.table.column regular expressions.")
        .Define("snapshot.mode", ConfigType.String, "initial", Importance.Medium, "initial, initial_only, no_data (never), when_needed, always.")
        .Define("decimal.handling.mode", ConfigType.String, "precise", Importance.Medium, "precise, double or string.")
        .Define("time.precision.mode", ConfigType.String, "adaptive", Importance.Medium, "adaptive, adaptive_time_microseconds or connect.")
        .Define("binary.handling.mode", ConfigType.String, "bytes", Importance.Medium, "bytes, base64, base64-url-safe or hex.")
        .Define("interval.handling.mode", ConfigType.String, "numeric", Importance.Medium, "numeric (MicroDuration) or string (ISO 8601).")
        .Define("hstore.handling.mode", ConfigType.String, "json", Importance.Medium, "json (io.debezium.data.Json string) or map (map of strings).")
        .Define("tombstones.on.delete", ConfigType.Boolean, "true", Importance.Medium, "Whether a delete is followed by a tombstone.")
        .Define("skipped.operations", ConfigType.List, "t", Importance.Low, "Operations not emitted: c, u, d, t or none (truncates are skipped by default).")
        .Define("heartbeat.interval.ms", ConfigType.Int, "0", Importance.Medium, "Heartbeat interval; 0 turns heartbeats off.")
        .Define("heartbeat.action.query", ConfigType.String, null, Importance.Medium, "SQL run on every heartbeat (a write that keeps the slot moving).")
        .Define("status.update.interval.ms", ConfigType.Int, "10000", Importance.Low, "How often the replication connection reports its flushed position.")
        .Define("errors.max.retries", ConfigType.Int, "-1", Importance.Low, "How often a lost connection is retried once streaming ran (-1: without limit, 0: never).")
        .Define("retriable.restart.connector.wait.ms", ConfigType.Long, "10000", Importance.Low, "How long the task waits before reconnecting after a lost connection.")
        .Define("max.batch.size", ConfigType.Int, "2048", Importance.Low, "Most records one poll returns.")
        .Define("max.queue.size", ConfigType.Int, "8192", Importance.Low, "Most records waiting between the replication reader and poll.")
        .Define("poll.interval.ms", ConfigType.Long, "500", Importance.Low, "How long a poll waits for records.");

    public static PostgresConnectorConfig Parse(IReadOnlyDictionary<string, string> properties)
    {
        string? Get(params string[] names)
        {
            foreach (var name in names)
            {
                if (properties.TryGetValue(name, out var value) && value.Length > 0)
                {
                    return value;
                }
            }
            return null;
        }
        string Required(params string[] names) =>
            Get(names) ?? throw new ConfigException(names[0], null, $"Missing required configuration \"{names[0]}\" which has no default value.");
        int Int(string name, int fallback) => Get(name) is { } text
            ? int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : throw new ConfigException(name, text, "Not a number")
            : fallback;
        bool Bool(string name, bool fallback) => Get(name) is { } text
            ? bool.TryParse(text, out var value) ? value : throw new ConfigException(name, text, "Expected value to be either true or false")
            : fallback;
        string OneOf(string name, string fallback, params string[] allowed)
        {
            var value = (Get(name) ?? fallback).ToLowerInvariant();
            return allowed.Contains(value) ? value : throw new ConfigException(name, value, "The value must be one of " + string.Join(", ", allowed));
        }
        IReadOnlyList<Regex> Patterns(params string[] names) =>
            Get(names) is { } text
                ? [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(p => new Regex("^(?:" + p + ")$", RegexOptions.CultureInvariant))]
                : [];

        OneOf("plugin.name", "pgoutput", "pgoutput");
        var snapshotMode = OneOf("snapshot.mode", "initial", SnapshotModes);
        var skipped = (Get("skipped.operations") ?? "t").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return new PostgresConnectorConfig
        {
            Hostname = Required("database.hostname"),
            Port = Int("database.port", 5432),
            User = Required("database.user"),
            Password = Get("database.password") ?? "",
            Database = Required("database.dbname"),
            TopicPrefix = Required("topic.prefix", "database.server.name"),
            SlotName = Get("slot.name") ?? "debezium",
            SlotDropOnStop = Bool("slot.drop.on.stop", false),
            PublicationName = Get("publication.name") ?? "dbz_publication",
            PublicationAutocreateMode = OneOf("publication.autocreate.mode", "all_tables", "all_tables", "filtered", "disabled"),
            SchemaInclude = Patterns("schema.include.list", "schema.whitelist"),
            SchemaExclude = Patterns("schema.exclude.list", "schema.blacklist"),
            TableInclude = Patterns("table.include.list", "table.whitelist"),
            TableExclude = Patterns("table.exclude.list", "table.blacklist"),
            ColumnExclude = Patterns("column.exclude.list", "column.blacklist"),
            // Debezium 2.6 renamed never to no_data: both start streaming without reading the tables.
            SnapshotMode = snapshotMode == "never" ? "no_data" : snapshotMode,
            Modes = new ValueModes(
                OneOf("decimal.handling.mode", "precise", "precise", "double", "string"),
                OneOf("time.precision.mode", "adaptive", "adaptive", "adaptive_time_microseconds", "connect"),
                OneOf("binary.handling.mode", "bytes", "bytes", "base64", "base64-url-safe", "hex"),
                OneOf("interval.handling.mode", "numeric", "numeric", "string"),
                OneOf("hstore.handling.mode", "json", "json", "map")),
            TombstonesOnDelete = Bool("tombstones.on.delete", true),
            SkipTruncate = skipped.Contains("t") && !skipped.Contains("none"),
            HeartbeatIntervalMs = Int("heartbeat.interval.ms", 0),
            HeartbeatActionQuery = Get("heartbeat.action.query"),
            HeartbeatTopicPrefix = Get("topic.heartbeat.prefix", "heartbeat.topics.prefix") ?? "__debezium-heartbeat",
            StatusUpdateIntervalMs = Math.Max(100, Int("status.update.interval.ms", 10_000)),
            MaxBatchSize = Math.Max(1, Int("max.batch.size", 2048)),
            MaxRetries = Int("errors.max.retries", -1),
            RetryWaitMs = Math.Max(0, Int("retriable.restart.connector.wait.ms", 10_000)),
            MaxQueueSize = Math.Max(1, Int("max.queue.size", 8192)),
            PollIntervalMs = Math.Max(1, Int("poll.interval.ms", 500)),
        };
    }

    private static readonly string[] SystemSchemas = ["pg_catalog", "information_schema", "pg_toast"];

    public bool CapturesSchema(string schema) =>
        !SystemSchemas.Contains(schema) && !schema.StartsWith("pg_temp", StringComparison.Ordinal) &&
        (SchemaInclude.Count == 0 || SchemaInclude.Any(p => p.IsMatch(schema))) &&
        !SchemaExclude.Any(p => p.IsMatch(schema));

    public bool CapturesTable(string schema, string table)
    {
        if (!CapturesSchema(schema))
        {
            return false;
        }
        var id = schema + "." + table;
        return (TableInclude.Count == 0 || TableInclude.Any(p => p.IsMatch(id))) && !TableExclude.Any(p => p.IsMatch(id));
    }

    public bool ExcludesColumn(string schema, string table, string column)
    {
        var id = schema + "." + table + "." + column;
        return ColumnExclude.Any(p => p.IsMatch(id));
    }
}
