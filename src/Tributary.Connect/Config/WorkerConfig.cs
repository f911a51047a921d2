using Tributary.Connect.Config;

namespace Tributary.Connect.Runtime.Config;

/// <summary>
/// A worker's configuration under Kafka Connect's names and defaults (<c>WorkerConfig</c>, <c>StandaloneConfig</c>,
/// <c>RestServerConfig</c>): the worker.properties file of <c>connect-standalone</c>. Keys the runtime does not act on
/// yet are still defined, so a user's file parses unchanged and REST shows Kafka's defaults. Immutable.
/// </summary>
public sealed class WorkerConfig : AbstractConfig
{
    public const string BootstrapServers = "bootstrap.servers";
    public const string KeyConverter = "key.converter";
    public const string ValueConverter = "value.converter";
    public const string HeaderConverter = "header.converter";
    public const string OffsetFlushIntervalMs = "offset.flush.interval.ms";
    public const string OffsetFlushTimeoutMs = "offset.flush.timeout.ms";
    public const string TaskShutdownGracefulTimeoutMs = "task.shutdown.graceful.timeout.ms";
    public const string PluginPath = "plugin.path";
    public const string PluginDiscovery = "plugin.discovery";
    public const string Listeners = "listeners";
    public const string RestAdvertisedHostName = "rest.advertised.host.name";
    public const string RestAdvertisedPort = "rest.advertised.port";
    public const string OffsetStorageFileName = "offset.storage.file.filename";
    public const string TopicCreationEnable = "topic.creation.enable";
    public const string TopicTrackingEnable = "topic.tracking.enable";
    public const string TopicTrackingAllowReset = "topic.tracking.allow.reset";
    public const string ClientConfigOverridePolicy = "connector.client.config.override.policy";
    public const string ConfigProviders = "config.providers";
    public const string AccessControlAllowOrigin = "access.control.allow.origin";
    public const string AdminListeners = "admin.listeners";
    public const string ConfigStorageTopic = "config.storage.topic";
    public const string TaskAutoRestartEnable = "task.auto.restart.enable";
    public const string TaskAutoRestartBackoffInitialMs = "task.auto.restart.backoff.initial.ms";
    public const string TaskAutoRestartBackoffMaxMs = "task.auto.restart.backoff.max.ms";

    /// <summary>Kafka's default listener: every interface, port 8083.</summary>
    public const string DefaultListener = "http://:8083";

    public static ConfigDef Keys { get; } = new ConfigDef()
        .Define(BootstrapServers, ConfigType.List, "localhost:9092", Importance.High, "A list of host/port pairs used to establish the initial connection to the Kafka cluster.")
        .DefineRequired(KeyConverter, ConfigType.Class, Importance.High, "Converter class for keys written to or read from Kafka.")
        .DefineRequired(ValueConverter, ConfigType.Class, Importance.High, "Converter class for values written to or read from Kafka.")
        .Define(HeaderConverter, ConfigType.Class, "org.apache.kafka.connect.storage.SimpleHeaderConverter", Importance.Low, "HeaderConverter class for header values.")
        .Define(OffsetFlushIntervalMs, ConfigType.Long, 60000L, Importance.Low, "Interval at which to try committing offsets for tasks.")
        .Define(OffsetFlushTimeoutMs, ConfigType.Long, 5000L, Importance.Low, "Maximum number of milliseconds to wait for records to flush and partition offset data to be committed to offset storage.")
        .Define(TaskShutdownGracefulTimeoutMs, ConfigType.Long, 5000L, Importance.Low, "Amount of time to wait for tasks to shutdown gracefully (a total, not per task).")
        .Define(PluginPath, ConfigType.List, null, Importance.Low, "List of paths separated by commas that contain plugins (.NET assemblies here).")
        .Define(PluginDiscovery, ConfigType.String, "hybrid_warn", Importance.Low, "Method to use to discover plugins present in the classpath and plugin.path configuration.", Validators.InIgnoreCase("only_scan", "hybrid_warn", "hybrid_fail", "service_load"))
        .Define(Listeners, ConfigType.List, DefaultListener, Importance.Low, "List of comma-separated URIs the REST API will listen on.")
        .Define(RestAdvertisedHostName, ConfigType.String, null, Importance.Low, "Hostname to give out to other workers to connect to.")
        .Define(RestAdvertisedPort, ConfigType.Int, null, Importance.Low, "Port to give out to other workers to connect to.")
        .Define(OffsetStorageFileName, ConfigType.String, null, Importance.High, "File to store source connector offsets in (standalone mode).")
        .Define(TopicCreationEnable, ConfigType.Boolean, true, Importance.Low, "Whether to allow automatic creation of topics used by source connectors.")
        .Define(TopicTrackingEnable, ConfigType.Boolean, true, Importance.Low, "Enable tracking the set of active topics per connector during runtime.")
        .Define(TopicTrackingAllowReset, ConfigType.Boolean, true, Importance.Low, "If set to true, it allows user requests to reset the set of active topics per connector.")
        .Define(ClientConfigOverridePolicy, ConfigType.String, "All", Importance.Medium, "Which client configurations connectors may override (All, None, Principal).")
        .Define(ConfigProviders, ConfigType.List, "", Importance.Low, "Comma-separated names of ConfigProvider classes.")
        .Define(AccessControlAllowOrigin, ConfigType.String, "", Importance.Low, "Value to set the Access-Control-Allow-Origin header to for REST API requests.")
        .Define(AdminListeners, ConfigType.List, null, Importance.Low, "List of comma-separated URIs the Admin REST API will listen on; empty disables /admin.")
        .Define(ConfigStorageTopic, ConfigType.String, null, Importance.High, "The name of the Kafka topic where connector configurations are stored (one partition, compacted); when set, a standalone worker keeps the connectors created through REST across restarts.")
        // Tributary's own keys (Kafka Connect has no automatic task restart).
        .Define(TaskAutoRestartEnable, ConfigType.Boolean, true, Importance.Medium, "Whether a FAILED task is restarted by the worker itself, with exponential back-off (Tributary only).")
        .Define(TaskAutoRestartBackoffInitialMs, ConfigType.Long, 1000L, Importance.Low, "Wait before the first automatic restart of a failed task; doubled for each further consecutive one (Tributary only).")
        .Define(TaskAutoRestartBackoffMaxMs, ConfigType.Long, 60000L, Importance.Low, "Longest wait between automatic restarts; a task that ran this long before failing starts again from the initial wait (Tributary only).");

    /// <summary>
    /// The worker's own values may hold <c>${provider:path:key}</c> variables of the providers its
    /// <c>config.providers</c> names (KIP-421: Kafka's AbstractConfig resolves them when a worker config is built),
    /// e.g. <c>sasl.jaas.config</c> or a truststore password kept in a file; <see cref="AbstractConfig"/>'s originals
    /// are the resolved values.
    /// </summary>
    public WorkerConfig(IReadOnlyDictionary<string, string> properties)
        : base(Keys, ConfigTransformer.From(properties).Transform(properties))
    {
    }

    public IReadOnlyList<string> BootstrapServerList => GetList(BootstrapServers);

    public TimeSpan OffsetFlushInterval => TimeSpan.FromMilliseconds(GetLong(OffsetFlushIntervalMs));

    public TimeSpan TaskShutdownTimeout => TimeSpan.FromMilliseconds(GetLong(TaskShutdownGracefulTimeoutMs));

    public IReadOnlyList<string> PluginPaths => GetList(PluginPath);

    /// <summary>The first listener as (host, port); an empty host means every interface.</summary>
    public (string Host, int Port) RestListener
    {
        get
        {
            var listener = GetList(Listeners) is { Count: > 0 } list ? list[0] : DefaultListener;
            var text = listener.Trim();
            var scheme = text.IndexOf("://", StringComparison.Ordinal);
            if (scheme < 0 || !text.StartsWith("http", StringComparison.OrdinalIgnoreCase))
            {
                throw new Tributary.Connect.Errors.ConfigException(Listeners, listener, "Listener must be of the form http://host:port");
            }
            var hostPort = text[(scheme + 3)..].TrimEnd('/');
            var colon = hostPort.LastIndexOf(':');
            if (colon < 0 || !int.TryParse(hostPort.AsSpan(colon + 1), out var port) || port is < 0 or > 65535)
            {
                throw new Tributary.Connect.Errors.ConfigException(Listeners, listener, "Listener must name a port");
            }
            return (hostPort[..colon].Trim('[', ']'), port);
        }
    }

    /// <summary>Settings under a prefix (producer., consumer., key.converter.), the prefix removed.</summary>
    public IReadOnlyDictionary<string, string> WithPrefix(string prefix) => OriginalsWithPrefix(prefix);
}
