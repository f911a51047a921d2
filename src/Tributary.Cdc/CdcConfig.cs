using System.Text.RegularExpressions;
using Tributary.Connect.Config;

namespace Tributary.Cdc;

/// <summary>
/// What the shared configuration keys look like in one connector: the database product, its default port, what the
/// level above a table is called (<c>database</c> in MySQL, <c>schema</c> in PostgreSQL: the key names
/// <c>&lt;container&gt;.include.list</c>), which of those are the server's own and never captured, whether names
/// compare without case (system containers: the names listed, and those starting with a listed prefix), and the connector's <c>snapshot.mode</c> values with the older names it maps to them.
/// </summary>
public sealed record CdcDialect(
    string Product,
    int DefaultPort,
    string Container,
    IReadOnlyList<string> SystemContainers,
    IReadOnlyList<string> SystemContainerPrefixes,
    bool IgnoreCase,
    IReadOnlyList<string> SnapshotModes,
    IReadOnlyDictionary<string, string> SnapshotModeAliases,
    string UserDocumentation);

/// <summary>
/// The configuration every Debezium connector here shares, under Debezium 2.x/3.x names (1.x's
/// <c>database.server.name</c> and <c>*.whitelist</c>/<c>*.blacklist</c> accepted as aliases): the server and user,
/// <c>topic.prefix</c>, the include/exclude lists, <c>snapshot.mode</c>, tombstones, <c>skipped.operations</c>,
/// <c>message.key.columns</c>, heartbeats, transaction metadata and the queue between the reader and poll. A connector's own configuration holds one of these beside its own keys.
/// Immutable.
/// </summary>
public sealed record CdcConfig
{
    public required CdcDialect Dialect { get; init; }
    public required string Hostname { get; init; }
    public required int Port { get; init; }
    public required string User { get; init; }
    public string Password { get; init; } = "";
    public required string TopicPrefix { get; init; }
    public IReadOnlyList<Regex> ContainerInclude { get; init; } = [];
    public IReadOnlyList<Regex> ContainerExclude { get; init; } = [];
    public IReadOnlyList<Regex> TableInclude { get; init; } = [];
    public IReadOnlyList<Regex> TableExclude { get; init; } = [];
    public IReadOnlyList<Regex> ColumnExclude { get; init; } = [];
    public string SnapshotMode { get; init; } = "initial";
    public bool TombstonesOnDelete { get; init; } = true;

    /// <summary><c>skipped.operations</c>: the op codes (c, u, d, t) not emitted; Debezium's default skips truncates.</summary>
    public IReadOnlySet<string> SkippedOperations { get; init; } = new HashSet<string> { "t" };

    public bool SkipTruncate => SkippedOperations.Contains("t");

    /// <summary>Whether changes of <paramref name="operation"/> are emitted (<c>skipped.operations</c>).</summary>
    public bool Emits(Operation operation) => !SkippedOperations.Contains(Envelope.OperationCode(operation));

    /// <summary><c>message.key.columns</c>: tables keyed by other columns than their primary key.</summary>
    public MessageKeyColumns MessageKeyColumns { get; init; } = MessageKeyColumns.None;
    public int HeartbeatIntervalMs { get; init; }
    public string HeartbeatTopicPrefix { get; init; } = "__debezium-heartbeat";
    public bool ProvideTransactionMetadata { get; init; }
    public int MaxBatchSize { get; init; } = 2048;
    public int MaxQueueSize { get; init; } = 8192;
    public int PollIntervalMs { get; init; } = 500;
    public int ConnectTimeoutMs { get; init; } = 30_000;

    /// <summary>
    /// <c>signal.enabled.channels</c>: where signals are read from: Debezium's <c>source</c> channel (the signalling
    /// table, <c>signal.data.collection</c>) and <c>kafka</c> (<see cref="KafkaSignals"/>); any other name is refused
    /// when the configuration is parsed.
    /// </summary>
    public IReadOnlyList<string> SignalChannels { get; init; } = [SourceSignals.SourceChannel];

    /// <summary>The <c>kafka</c> signal channel's settings when <see cref="SignalChannels"/> lists it; null otherwise.</summary>
    public KafkaSignalOptions? KafkaSignals { get; init; }

    /// <summary>The shared keys' definitions, for /connector-plugins and validate; the connector adds its own after them.</summary>
    public static ConfigDef Define(CdcDialect dialect)
    {
        var container = dialect.Container;
        return new ConfigDef()
            .Define("topic.prefix", ConfigType.String, null, Importance.High, "Prefix of every topic name; the logical server name (1.x: database.server.name).")
            .DefineRequired("database.hostname", ConfigType.String, Importance.High, dialect.Product + " host.")
            .Define("database.port", ConfigType.Int, dialect.DefaultPort.ToString(System.Globalization.CultureInfo.InvariantCulture), Importance.High, dialect.Product + " port.")
            .DefineRequired("database.user", ConfigType.String, Importance.High, dialect.UserDocumentation)
            .Define("database.password", ConfigType.Password, "", Importance.High, "The user's password.")
            .Define(container + ".include.list", ConfigType.List, "", Importance.High, $"{Capitalized(container)}s to capture (regular expressions).")
            .Define(container + ".exclude.list", ConfigType.List, "", Importance.Medium, $"{Capitalized(container)}s not to capture.")
            .Define("table.include.list", ConfigType.List, "", Importance.High, $"Tables to capture, as {container}.table regular expressions.")
            .Define("table.exclude.list", ConfigType.List, "", Importance.Medium, "Tables not to capture.")
            .Define("column.exclude.list", ConfigType.List, "", Importance.Medium, $"Columns left out of events, as {container}.table.column regular expressions.")
            .Define("snapshot.mode", ConfigType.String, "initial", Importance.Medium, string.Join(", ", dialect.SnapshotModes.Concat(dialect.SnapshotModeAliases.Keys)) + ".")
            .Define("tombstones.on.delete", ConfigType.Boolean, "true", Importance.Medium, "Whether a delete is followed by a tombstone.")
            .Define("skipped.operations", ConfigType.List, "t", Importance.Low, "Operations not emitted: c, u, d, t or none (truncates are skipped by default).")
            .Define(MessageKeyColumns.Key, ConfigType.String, null, Importance.Low,
                $"Record keys other than the primary key: <{container}.table regex>:<column>,<column>;... (e.g. app.orders:customer_id,order_no).")
            .Define("heartbeat.interval.ms", ConfigType.Int, "0", Importance.Medium, "Heartbeat interval; 0 turns heartbeats off.")
            .Define("topic.heartbeat.prefix", ConfigType.String, "__debezium-heartbeat", Importance.Low, "Prefix of the heartbeat topic, <prefix>.<topic.prefix>.")
            .Define("max.batch.size", ConfigType.Int, "2048", Importance.Low, "Most records one poll returns.")
            .Define("max.queue.size", ConfigType.Int, "8192", Importance.Low, "Most records waiting between the change reader and poll.")
            .Define("poll.interval.ms", ConfigType.Long, "500", Importance.Low, "How long a poll waits for records.")
            .Define("signal.enabled.channels", ConfigType.List, SourceSignals.SourceChannel, Importance.Low,
                "Channels signals are read from: source (the signal.data.collection table) and kafka (signal.kafka.topic).")
            .Define(KafkaSignalOptions.TopicKey, ConfigType.String, null, Importance.Low, "The kafka signal channel's topic (partition 0); default <topic.prefix>-signal.")
            .Define(KafkaSignalOptions.BootstrapServersKey, ConfigType.String, null, Importance.Low, "The signal topic's cluster (required with the kafka channel).")
            .Define(KafkaSignalOptions.GroupIdKey, ConfigType.String, "kafka-signal", Importance.Low, "The consumer group whose committed offset the signal consumer starts from when the connector's offsets hold none.")
            .Define(KafkaSignalOptions.PollTimeoutKey, ConfigType.Int, "0", Importance.Low,
                $"How long one read of the signal topic waits for records, in ms (at least {KafkaSignalChannel.MinimumFetchWaitMs}: it runs on its own task).");
    }

    private static string Capitalized(string word) => char.ToUpperInvariant(word[0]) + word[1..];

    private static HashSet<string> ParseSkippedOperations(string? value)
    {
        var skipped = (value ?? "t").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(op => op.ToLowerInvariant()).ToHashSet();
        if (skipped.FirstOrDefault(op => op is not ("c" or "u" or "d" or "t" or "none")) is { } unknown)
        {
            throw new Connect.Errors.ConfigException("skipped.operations", unknown, "The value must be a list of c, u, d, t or none");
        }
        if (skipped.Contains("none"))
        {
            skipped.Clear();
        }
        return skipped;
    }

    public static CdcConfig Parse(ConfigReader reader, CdcDialect dialect)
    {
        var container = dialect.Container;
        var snapshotMode = reader.OneOf("snapshot.mode", "initial", [.. dialect.SnapshotModes, .. dialect.SnapshotModeAliases.Keys]);
        var topicPrefix = reader.Required("topic.prefix", "database.server.name");
        var channels = SourceSignals.ParseChannels(reader.Get("signal.enabled.channels"));
        return new CdcConfig
        {
            Dialect = dialect,
            Hostname = reader.Required("database.hostname"),
            Port = reader.Int("database.port", dialect.DefaultPort),
            User = reader.Required("database.user"),
            Password = reader.Get("database.password") ?? "",
            TopicPrefix = topicPrefix,
            ContainerInclude = reader.Patterns(dialect.IgnoreCase, container + ".include.list", container + ".whitelist"),
            ContainerExclude = reader.Patterns(dialect.IgnoreCase, container + ".exclude.list", container + ".blacklist"),
            TableInclude = reader.Patterns(dialect.IgnoreCase, "table.include.list", "table.whitelist"),
            TableExclude = reader.Patterns(dialect.IgnoreCase, "table.exclude.list", "table.blacklist"),
            ColumnExclude = reader.Patterns(dialect.IgnoreCase, "column.exclude.list", "column.blacklist"),
            SnapshotMode = dialect.SnapshotModeAliases.GetValueOrDefault(snapshotMode, snapshotMode),
            TombstonesOnDelete = reader.Bool("tombstones.on.delete", true),
            SkippedOperations = ParseSkippedOperations(reader.Get("skipped.operations")),
            MessageKeyColumns = MessageKeyColumns.Parse(reader.Get(MessageKeyColumns.Key)),
            HeartbeatIntervalMs = reader.Int("heartbeat.interval.ms", 0),
            HeartbeatTopicPrefix = reader.Get("topic.heartbeat.prefix", "heartbeat.topics.prefix") ?? "__debezium-heartbeat",
            ProvideTransactionMetadata = reader.Bool("provide.transaction.metadata", false),
            MaxBatchSize = Math.Max(1, reader.Int("max.batch.size", 2048)),
            MaxQueueSize = Math.Max(1, reader.Int("max.queue.size", 8192)),
            PollIntervalMs = Math.Max(1, reader.Int("poll.interval.ms", 500)),
            SignalChannels = channels,
            KafkaSignals = channels.Contains(SourceSignals.KafkaChannel) ? KafkaSignalOptions.Parse(reader, topicPrefix) : null,
        };
    }

    /// <summary>Whether tables of <paramref name="container"/> (a MySQL database, a PostgreSQL schema) may be captured.</summary>
    public bool CapturesContainer(string container) =>
        !Dialect.SystemContainers.Contains(container, Dialect.IgnoreCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal) &&
        !Dialect.SystemContainerPrefixes.Any(prefix => container.StartsWith(prefix, StringComparison.Ordinal)) &&
        (ContainerInclude.Count == 0 || ContainerInclude.Any(p => p.IsMatch(container))) &&
        !ContainerExclude.Any(p => p.IsMatch(container));

    public bool CapturesTable(string container, string table)
    {
        if (!CapturesContainer(container))
        {
            return false;
        }
        var id = container + "." + table;
        return (TableInclude.Count == 0 || TableInclude.Any(p => p.IsMatch(id))) && !TableExclude.Any(p => p.IsMatch(id));
    }

    public bool ExcludesColumn(string container, string table, string column)
    {
        var id = container + "." + table + "." + column;
        return ColumnExclude.Any(p => p.IsMatch(id));
    }
}
