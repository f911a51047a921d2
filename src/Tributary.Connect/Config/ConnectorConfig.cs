using Tributary.Connect.Config;

namespace Tributary.Connect.Runtime.Config;

/// <summary>
/// The keys every connector configuration has (Kafka's <c>ConnectorConfig</c>, <c>SinkConnectorConfig</c>,
/// <c>SourceConnectorConfig</c>) under Connect's names, defaults, groups and orders, so validate and
/// /connector-plugins/{p}/config show what Kafka shows. Transformation and predicate keys (<c>transforms.a.*</c>) are
/// added per configuration by <see cref="Plugins.PluginRegistry"/>'s users. Immutable after the static initializer.
/// </summary>
public static class ConnectorConfig
{
    public const string Name = "name";
    public const string ConnectorClass = "connector.class";
    public const string TasksMax = "tasks.max";
    public const string TasksMaxEnforce = "tasks.max.enforce";
    public const string KeyConverter = "key.converter";
    public const string ValueConverter = "value.converter";
    public const string HeaderConverter = "header.converter";
    public const string Transforms = "transforms";
    public const string Predicates = "predicates";
    public const string ConfigReloadAction = "config.action.reload";
    public const string ErrorsRetryTimeout = "errors.retry.timeout";
    public const string ErrorsRetryMaxDelay = "errors.retry.delay.max.ms";
    public const string ErrorsTolerance = "errors.tolerance";
    public const string ErrorsLogEnable = "errors.log.enable";
    public const string ErrorsLogIncludeMessages = "errors.log.include.messages";
    public const string DlqTopicName = "errors.deadletterqueue.topic.name";
    public const string DlqReplicationFactor = "errors.deadletterqueue.topic.replication.factor";
    public const string DlqContextHeadersEnable = "errors.deadletterqueue.context.headers.enable";
    public const string Topics = "topics";
    public const string TopicsRegex = "topics.regex";
    public const string ExactlyOnceSupport = "exactly.once.support";
    public const string TransactionBoundary = "transaction.boundary";
    public const string TransactionBoundaryIntervalMs = "transaction.boundary.interval.ms";

    /// <summary>Whether two configurations (or task configurations) hold the same keys with the same values.</summary>
    public static bool Same(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var v) && v == p.Value);

    private const string CommonGroup = "Common";
    private const string TransformsGroup = "Transforms";
    private const string PredicatesGroup = "Predicates";
    private const string ErrorGroup = "Error Handling";

    /// <summary>The keys of every connector.</summary>
    public static ConfigDef Base { get; } = new ConfigDef()
        .Define(Name, ConfigType.String, null, Importance.High, "Globally unique name to use for this connector.", Validators.NonEmptyString, CommonGroup, 1, Width.Medium, "Connector name")
        .DefineRequired(ConnectorClass, ConfigType.String, Importance.High, "Name or alias of the class for this connector. Must be a subclass of org.apache.kafka.connect.connector.Connector.", null, CommonGroup, 2, Width.Long, "Connector class")
        .Define(TasksMax, ConfigType.Int, 1, Importance.High, "Maximum number of tasks to use for this connector.", Validators.AtLeast(1), CommonGroup, 3, Width.Short, "Tasks max")
        .Define(TasksMaxEnforce, ConfigType.Boolean, true, Importance.Low, "(Deprecated) Whether to enforce that the tasks.max property is respected by the connector.", null, CommonGroup, 4, Width.Short, "Enforce tasks max")
        .Define(KeyConverter, ConfigType.Class, null, Importance.Low, "Converter class used to convert between Kafka Connect format and the serialized form that is written to Kafka.", null, CommonGroup, 5, Width.Short, "Key converter class")
        .Define(ValueConverter, ConfigType.Class, null, Importance.Low, "Converter class used to convert between Kafka Connect format and the serialized form that is written to Kafka.", null, CommonGroup, 6, Width.Short, "Value converter class")
        .Define(HeaderConverter, ConfigType.Class, null, Importance.Low, "HeaderConverter class used to convert between Kafka Connect format and the serialized form that is written to Kafka.", null, CommonGroup, 7, Width.Short, "Header converter class")
        .Define(ConfigReloadAction, ConfigType.String, "restart", Importance.Low, "The action that Connect should take on the connector when changes in external configuration providers result in a change in the connector's configuration properties.", Validators.InIgnoreCase("none", "restart"), CommonGroup, 8, Width.Medium, "Reload Action")
        .Define(Transforms, ConfigType.List, "", Importance.Low, "Aliases for the transformations to be applied to records.", null, TransformsGroup, 0, Width.Long, "Transforms")
        .Define(Predicates, ConfigType.List, "", Importance.Low, "Aliases for the predicates used by transformations.", null, PredicatesGroup, 0, Width.Long, "Predicates")
        .Define(ErrorsRetryTimeout, ConfigType.Long, 0L, Importance.Medium, "The maximum duration in milliseconds that a failed operation will be reattempted. The default is 0, which means no retries will be attempted. Use -1 for infinite retries.", null, ErrorGroup, 1, Width.Medium, "Retry Timeout for Errors")
        .Define(ErrorsRetryMaxDelay, ConfigType.Long, 60000L, Importance.Medium, "The maximum duration in milliseconds between consecutive retry attempts.", null, ErrorGroup, 2, Width.Medium, "Maximum Delay Between Retries for Errors")
        .Define(ErrorsTolerance, ConfigType.String, "none", Importance.Medium, "Behavior for tolerating errors during connector operation. 'none' is the default value and signals that any error will result in an immediate connector task failure; 'all' changes the behavior to skip over problematic records.", Validators.In("none", "all"), ErrorGroup, 3, Width.Short, "Error Tolerance")
        .Define(ErrorsLogEnable, ConfigType.Boolean, false, Importance.Medium, "If true, write each error and the details of the failed operation and problematic record to the Connect application log.", null, ErrorGroup, 4, Width.Short, "Log Errors")
        .Define(ErrorsLogIncludeMessages, ConfigType.Boolean, false, Importance.Medium, "Whether to include in the log the Connect record that resulted in a failure.", null, ErrorGroup, 5, Width.Short, "Log Error Details");

    /// <summary>Sink connectors: the base keys, topics/topics.regex and the dead-letter queue.</summary>
    public static ConfigDef Sink { get; } = new ConfigDef().Merge(Base)
        .Define(Topics, ConfigType.List, "", Importance.High, "List of topics to consume, separated by commas", null, CommonGroup, 4, Width.Long, "Topics")
        .Define(TopicsRegex, ConfigType.String, "", Importance.High, "Regular expression giving topics to consume.", null, CommonGroup, 4, Width.Long, "Topics regex")
        .Define(DlqTopicName, ConfigType.String, "", Importance.Medium, "The name of the topic to be used as the dead letter queue (DLQ) for messages that result in an error when processed by this sink connector, or its transformations or converters. The topic name is blank by default, which means that no messages are to be recorded in the DLQ.", null, ErrorGroup, 6, Width.Medium, "Dead Letter Queue Topic Name")
        .Define(DlqReplicationFactor, ConfigType.Short, (short)3, Importance.Medium, "Replication factor used to create the dead letter queue topic when it doesn't already exist.", null, ErrorGroup, 7, Width.Medium, "Dead Letter Queue Topic Replication Factor")
        .Define(DlqContextHeadersEnable, ConfigType.Boolean, false, Importance.Medium, "If true, add headers containing error context to the messages written to the dead letter queue.", null, ErrorGroup, 8, Width.Medium, "Enable Error Context Headers");

    /// <summary>Source connectors: the base keys and the exactly-once keys (the topic creation keys are added per connector by <see cref="Runtime.Worker.TopicCreation"/>).</summary>
    public static ConfigDef Source { get; } = new ConfigDef().Merge(Base)
        .Define(ExactlyOnceSupport, ConfigType.String, "requested", Importance.Medium, "Permitted values are requested, required.", Validators.InIgnoreCase("requested", "required"), "Exactly Once Support", 1, Width.Short, "Exactly once support")
        .Define(TransactionBoundary, ConfigType.String, "poll", Importance.Medium, "Permitted values are poll, interval, connector.", Validators.InIgnoreCase("poll", "interval", "connector"), "Exactly Once Support", 2, Width.Short, "Transaction Boundary")
        .Define(TransactionBoundaryIntervalMs, ConfigType.Long, null, Importance.Low, "If 'transaction.boundary' is set to 'interval', determines the interval for producer transaction commits by connector tasks. If unset, defaults to the value of the worker-level 'offset.flush.interval.ms' property.", null, "Exactly Once Support", 3, Width.Short, "Transaction boundary interval")
        .Define("offsets.storage.topic", ConfigType.String, null, Importance.Low, "The name of a separate offsets topic to use for this connector (distributed mode).", null, "Exactly Once Support", 4, Width.Long, "Offsets topic");
}
