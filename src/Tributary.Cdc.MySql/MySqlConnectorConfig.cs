using System.Globalization;
using Tributary.Cdc.MySql.Values;
using Tributary.Client.Security;
using Tributary.Connect.Config;
using Tributary.Connect.Errors;

namespace Tributary.Cdc.MySql;

/// <summary>
/// The connector's configuration as Debezium 2.x/3.x names it: the keys every connector shares (<see cref="CdcConfig"/>,
/// with <c>database.include.list</c>/<c>database.exclude.list</c> as the level above tables) and MySQL's own, accepting
/// Debezium 1.x's names as aliases (<c>database.history.*</c> → <c>schema.history.internal.*</c>). The history topic's
/// clients take their security settings from <c>schema.history.internal.producer.*</c> / <c>.consumer.*</c> (1.x:
/// <c>database.history.producer.*</c> / <c>.consumer.*</c>): <c>security.protocol</c>, <c>ssl.*</c>, <c>sasl.*</c> as
/// Kafka's clients read them; their other client keys are accepted as written and ignored. Immutable.
/// </summary>
public sealed record MySqlConnectorConfig
{
    public static CdcDialect Dialect { get; } = new(
        "MySQL/MariaDB", 3306, "database", ["mysql", "information_schema", "performance_schema", "sys"], [], IgnoreCase: true,
        ["initial", "initial_only", "no_data", "when_needed", "never", "always", "recovery"],
        // Debezium 2.6 renamed schema_only to no_data and schema_only_recovery to recovery.
        new Dictionary<string, string> { ["schema_only"] = "no_data", ["schema_only_recovery"] = "recovery" },
        "User with SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT.");

    public required CdcConfig Cdc { get; init; }
    public required uint ServerId { get; init; }
    public string SnapshotLockingMode { get; init; } = "minimal";
    public bool IncludeSchemaChanges { get; init; } = true;
    public string? SchemaHistoryTopic { get; init; }
    public string? SchemaHistoryBootstrapServers { get; init; }

    /// <summary>How the history's producer connects (TLS, SASL); PLAINTEXT unless configured.</summary>
    public ClientSecurity SchemaHistoryProducerSecurity { get; init; } = ClientSecurity.Plaintext;

    /// <summary>How the history's consumer connects (TLS, SASL); PLAINTEXT unless configured.</summary>
    public ClientSecurity SchemaHistoryConsumerSecurity { get; init; } = ClientSecurity.Plaintext;
    public bool SkipUnparseableDdl { get; init; }
    public bool IncludeQuery { get; init; }
    public ValueModes Modes { get; init; } = new();

    /// <summary>The signalling table (signal.data.collection, <c>database.table</c>); null: no incremental snapshots.</summary>
    public (string Database, string Table)? SignalTable { get; init; }

    public int IncrementalChunkSize { get; init; } = 1024;

    /// <summary>The definition /connector-plugins and validate show.</summary>
    public static ConfigDef Definition { get; } = CdcConfig.Define(Dialect)
        .Define("database.server.id", ConfigType.Long, null, Importance.High, "Replica server id, unique among the server's replicas.")
        .Define("snapshot.locking.mode", ConfigType.String, "minimal", Importance.Medium, "minimal (global read lock while reading the binlog position) or none.")
        .Define("include.schema.changes", ConfigType.Boolean, "true", Importance.Medium, "Whether DDL is written to the topic named after topic.prefix.")
        .Define("schema.history.internal.kafka.topic", ConfigType.String, null, Importance.Medium, "The schema history topic (1.x: database.history.kafka.topic).")
        .Define("schema.history.internal.kafka.bootstrap.servers", ConfigType.String, null, Importance.Medium, "The history topic's cluster (1.x: database.history.kafka.bootstrap.servers).")
        .Define("include.query", ConfigType.Boolean, "false", Importance.Low, "Whether change events carry the statement that made them in source.query (MariaDB binlog_annotate_row_events, MySQL binlog_rows_query_log_events).")
        .Define("schema.history.internal.skip.unparseable.ddl", ConfigType.Boolean, "false", Importance.Low, "Skip DDL the parser cannot read instead of failing the task (rows of the tables it changed may then not decode).")
        .Define("decimal.handling.mode", ConfigType.String, "precise", Importance.Medium, "precise, double or string.")
        .Define("time.precision.mode", ConfigType.String, "adaptive_time_microseconds", Importance.Medium, "adaptive_time_microseconds or connect.")
        .Define("bigint.unsigned.handling.mode", ConfigType.String, "long", Importance.Medium, "long or precise.")
        .Define("binary.handling.mode", ConfigType.String, "bytes", Importance.Medium, "bytes, base64, base64-url-safe or hex.")
        .Define("signal.data.collection", ConfigType.String, null, Importance.Low, "The signalling table, database.table (columns id, type, data): execute-snapshot signals start incremental snapshots.")
        .Define("incremental.snapshot.chunk.size", ConfigType.Int, "1024", Importance.Low, "Rows an incremental snapshot reads per chunk.");

    public static MySqlConnectorConfig Parse(IReadOnlyDictionary<string, string> properties)
    {
        var reader = new ConfigReader(properties);
        var serverIdText = reader.Required("database.server.id");
        if (!uint.TryParse(serverIdText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var serverId) || serverId == 0)
        {
            throw new ConfigException("database.server.id", serverIdText, "Must be a positive 32-bit number, unique among the server's replicas");
        }
        return new MySqlConnectorConfig
        {
            Cdc = CdcConfig.Parse(reader, Dialect),
            ServerId = serverId,
            SnapshotLockingMode = reader.OneOf("snapshot.locking.mode", "minimal", "minimal", "none", "extended"),
            IncludeSchemaChanges = reader.Bool("include.schema.changes", true),
            SchemaHistoryTopic = reader.Get("schema.history.internal.kafka.topic", "database.history.kafka.topic"),
            IncludeQuery = reader.Bool("include.query", false),
            SchemaHistoryBootstrapServers = reader.Get("schema.history.internal.kafka.bootstrap.servers", "database.history.kafka.bootstrap.servers"),
            SchemaHistoryProducerSecurity = HistoryClientSecurity(properties, "producer.", null),
            SchemaHistoryConsumerSecurity = HistoryClientSecurity(properties, "consumer.", HistoryClientSecurity(properties, "producer.", null)),
            SkipUnparseableDdl = reader.Bool("schema.history.internal.skip.unparseable.ddl", false) || reader.Bool("database.history.skip.unparseable.ddl", false),
            SignalTable = reader.Get("signal.data.collection") is { } signal
                ? signal.Split('.') is [var database, var table] ? (database, table) : throw new ConfigException("signal.data.collection", signal, "Expected database.table")
                : null,
            IncrementalChunkSize = Math.Max(1, reader.Int("incremental.snapshot.chunk.size", 1024)),
            Modes = new ValueModes(
                reader.OneOf("decimal.handling.mode", "precise", "precise", "double", "string"),
                reader.OneOf("time.precision.mode", "adaptive_time_microseconds", "adaptive_time_microseconds", "adaptive", "connect"),
                reader.OneOf("bigint.unsigned.handling.mode", "long", "long", "precise"),
                reader.OneOf("binary.handling.mode", "bytes", "bytes", "base64", "base64-url-safe", "hex")),
        };
    }

    /// <summary>
    /// The security keys under database.history.CLIENT (1.x) overlaid by those under schema.history.internal.CLIENT;
    /// <paramref name="same"/> when they are that one's settings (so both history clients can share one connection).
    /// </summary>
    private static ClientSecurity HistoryClientSecurity(IReadOnlyDictionary<string, string> properties, string client, ClientSecurity? same)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var prefix in new[] { "database.history." + client, "schema.history.internal." + client })
        {
            foreach (var (key, value) in properties)
            {
                if (key.StartsWith(prefix, StringComparison.Ordinal) && ClientSecurityProperties.IsSecurityKey(key[prefix.Length..]))
                {
                    settings[key[prefix.Length..]] = value;
                }
            }
        }
        if (same is not null && same.Settings.Count == settings.Count && settings.All(p => same.Settings.TryGetValue(p.Key, out var v) && v == p.Value))
        {
            return same;
        }
        try
        {
            return ClientSecurityProperties.From(settings);
        }
        catch (ClientConfigException e)
        {
            throw new ConfigException($"schema.history.internal.{client}{e.Key}", null, e.Message);
        }
    }
}
