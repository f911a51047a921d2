using System.Globalization;
using System.Text.RegularExpressions;
using Tributary.Cdc.MySql.Values;
using Tributary.Connect.Config;
using Tributary.Connect.Errors;

namespace Tributary.Cdc.MySql;

/// <summary>
/// The connector's configuration as Debezium 2.x/3.x names it, accepting Debezium 1.x's names as aliases
/// (<c>database.server.name</c> → <c>topic.prefix</c>, <c>database.history.*</c> → <c>schema.history.internal.*</c>,
/// <c>*.whitelist</c>/<c>*.blacklist</c> → include/exclude lists). Keys it does not use (the history topic's client
/// properties, SASL settings) are accepted as written and ignored. Immutable.
/// </summary>
public sealed record MySqlConnectorConfig
{
    public required string Hostname { get; init; }
    public int Port { get; init; } = 3306;
    public required string User { get; init; }
    public string Password { get; init; } = "";
    public required uint ServerId { get; init; }
    public required string TopicPrefix { get; init; }
    public IReadOnlyList<Regex> DatabaseInclude { get; init; } = [];
    public IReadOnlyList<Regex> DatabaseExclude { get; init; } = [];
    public IReadOnlyList<Regex> TableInclude { get; init; } = [];
    public IReadOnlyList<Regex> TableExclude { get; init; } = [];
    public IReadOnlyList<Regex> ColumnExclude { get; init; } = [];
    public string SnapshotMode { get; init; } = "initial";
    public string SnapshotLockingMode { get; init; } = "minimal";
    public bool IncludeSchemaChanges { get; init; } = true;
    public string? SchemaHistoryTopic { get; init; }
    public ValueModes Modes { get; init; } = new();
    public bool TombstonesOnDelete { get; init; } = true;
    public int HeartbeatIntervalMs { get; init; }
    public int MaxBatchSize { get; init; } = 2048;
    public int MaxQueueSize { get; init; } = 8192;
    public int PollIntervalMs { get; init; } = 500;
    public int ConnectTimeoutMs { get; init; } = 30000;
    public string HeartbeatTopicPrefix { get; init; } = "__debezium-heartbeat";

    private static readonly string[] SnapshotModes = ["initial", "initial_only", "no_data", "schema_only", "when_needed", "never", "always"];

    /// <summary>The definition /connector-plugins and validate show.</summary>
    public static ConfigDef Definition { get; } = new ConfigDef()
        .Define("topic.prefix", ConfigType.String, null, Importance.High, "Prefix of every topic name; the logical server name (1.x: database.server.name).")
        .DefineRequired("database.hostname", ConfigType.String, Importance.High, "MySQL/MariaDB host.")
        .Define("database.port", ConfigType.Int, "3306", Importance.High, "MySQL/MariaDB port.")
        .DefineRequired("database.user", ConfigType.String, Importance.High, "User with SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT.")
        .Define("database.password", ConfigType.Password, "", Importance.High, "The user's password.")
        .Define("database.server.id", ConfigType.Long, null, Importance.High, "Replica server id, unique among the server's replicas.")
        .Define("database.include.list", ConfigType.List, "", Importance.High, "Databases to capture (regular expressions).")
        .Define("database.exclude.list", ConfigType.List, "", Importance.Medium, "Databases not to capture.")
        .Define("table.include.list", ConfigType.List, "", Importance.High, "Tables to capture, as db.table regular expressions.")
        .Define("table.exclude.list", ConfigType.List, "", Importance.Medium, "Tables not to capture.")
        .Define("column.exclude.list", ConfigType.List, "", Importance.Medium, "Columns left out of events, as db.table.column regular expressions.")
        .Define("snapshot.mode", ConfigType.String, "initial", Importance.Medium, "initial, initial_only, no_data (schema_only), when_needed, never, always.")
        .Define("snapshot.locking.mode", ConfigType.String, "minimal", Importance.Medium, "minimal (global read lock while reading the binlog position) or none.")
        .Define("include.schema.changes", ConfigType.Boolean, "true", Importance.Medium, "Whether DDL is written to the topic named after topic.prefix.")
        .Define("schema.history.internal.kafka.topic", ConfigType.String, null, Importance.Medium, "The schema history topic (1.x: database.history.kafka.topic).")
        .Define("schema.history.internal.kafka.bootstrap.servers", ConfigType.String, null, Importance.Medium, "The history topic's cluster.")
        .Define("decimal.handling.mode", ConfigType.String, "precise", Importance.Medium, "precise, double or string.")
        .Define("time.precision.mode", ConfigType.String, "adaptive_time_microseconds", Importance.Medium, "adaptive_time_microseconds or connect.")
        .Define("bigint.unsigned.handling.mode", ConfigType.String, "long", Importance.Medium, "long or precise.")
        .Define("binary.handling.mode", ConfigType.String, "bytes", Importance.Medium, "bytes, base64, base64-url-safe or hex.")
        .Define("tombstones.on.delete", ConfigType.Boolean, "true", Importance.Medium, "Whether a delete is followed by a tombstone.")
        .Define("heartbeat.interval.ms", ConfigType.Int, "0", Importance.Medium, "Heartbeat interval; 0 turns heartbeats off.")
        .Define("max.batch.size", ConfigType.Int, "2048", Importance.Low, "Most records one poll returns.")
        .Define("max.queue.size", ConfigType.Int, "8192", Importance.Low, "Most records waiting between the binlog reader and poll.")
        .Define("poll.interval.ms", ConfigType.Long, "500", Importance.Low, "How long a poll waits for records.")
        .Define("signal.data.collection", ConfigType.String, null, Importance.Low, "The signalling table (incremental snapshots: not supported yet).");

    public static MySqlConnectorConfig Parse(IReadOnlyDictionary<string, string> properties)
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
                    .Select(p => new Regex("^(?:" + p + ")$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant))]
                : [];

        var serverIdText = Required("database.server.id");
        if (!uint.TryParse(serverIdText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var serverId) || serverId == 0)
        {
            throw new ConfigException("database.server.id", serverIdText, "Must be a positive 32-bit number, unique among the server's replicas");
        }
        var snapshotMode = OneOf("snapshot.mode", "initial", SnapshotModes);
        return new MySqlConnectorConfig
        {
            Hostname = Required("database.hostname"),
            Port = Int("database.port", 3306),
            User = Required("database.user"),
            Password = Get("database.password") ?? "",
            ServerId = serverId,
            TopicPrefix = Required("topic.prefix", "database.server.name"),
            DatabaseInclude = Patterns("database.include.list", "database.whitelist"),
            DatabaseExclude = Patterns("database.exclude.list", "database.blacklist"),
            TableInclude = Patterns("table.include.list", "table.whitelist"),
            TableExclude = Patterns("table.exclude.list", "table.blacklist"),
            ColumnExclude = Patterns("column.exclude.list", "column.blacklist"),
            SnapshotMode = snapshotMode == "schema_only" ? "no_data" : snapshotMode,
            SnapshotLockingMode = OneOf("snapshot.locking.mode", "minimal", "minimal", "none", "extended"),
            IncludeSchemaChanges = Bool("include.schema.changes", true),
            SchemaHistoryTopic = Get("schema.history.internal.kafka.topic", "database.history.kafka.topic"),
            Modes = new ValueModes(
                OneOf("decimal.handling.mode", "precise", "precise", "double", "string"),
                OneOf("time.precision.mode", "adaptive_time_microseconds", "adaptive_time_microseconds", "adaptive", "connect"),
                OneOf("bigint.unsigned.handling.mode", "long", "long", "precise"),
                OneOf("binary.handling.mode", "bytes", "bytes", "base64", "base64-url-safe", "hex")),
            TombstonesOnDelete = Bool("tombstones.on.delete", true),
            HeartbeatIntervalMs = Int("heartbeat.interval.ms", 0),
            MaxBatchSize = Math.Max(1, Int("max.batch.size", 2048)),
            MaxQueueSize = Math.Max(1, Int("max.queue.size", 8192)),
            PollIntervalMs = Math.Max(1, Int("poll.interval.ms", 500)),
            HeartbeatTopicPrefix = Get("topic.heartbeat.prefix", "heartbeat.topics.prefix") ?? "__debezium-heartbeat",
        };
    }

    private static readonly string[] SystemDatabases = ["mysql", "information_schema", "performance_schema", "sys"];

    public bool CapturesDatabase(string database) =>
        !SystemDatabases.Contains(database, StringComparer.OrdinalIgnoreCase) &&
        (DatabaseInclude.Count == 0 || DatabaseInclude.Any(p => p.IsMatch(database))) &&
        !DatabaseExclude.Any(p => p.IsMatch(database));

    public bool CapturesTable(string database, string table)
    {
        if (!CapturesDatabase(database))
        {
            return false;
        }
        var id = database + "." + table;
        return (TableInclude.Count == 0 || TableInclude.Any(p => p.IsMatch(id))) && !TableExclude.Any(p => p.IsMatch(id));
    }

    public bool ExcludesColumn(string database, string table, string column)
    {
        var id = database + "." + table + "." + column;
        return ColumnExclude.Any(p => p.IsMatch(id));
    }
}
