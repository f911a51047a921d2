using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;

namespace Tributary.Server;

/// <summary>A configuration value that cannot be used: unknown key, unparsable value, missing file.</summary>
public sealed class ConfigurationException(string message) : Exception(message);

/// <summary>
/// Tributary's settings: the defaults from the embedded <c>defaults.conf</c>, then a config file, environment
/// variables and flags. Keys are the ones listed in <see cref="Keys"/>; anything else is refused so that
/// a typo never silently falls back to a default. Immutable once built; thread-safe.
/// </summary>
public sealed class ServerConfiguration
{
    /// <summary>Every option the program reads. Each must be described in defaults.conf (enforced by a test).</summary>
    public static class Keys
    {
        public const string DataDir = "data.dir";
        public const string KafkaHost = "kafka.host";
        public const string KafkaPort = "kafka.port";
        public const string KafkaAdvertisedHost = "kafka.advertised.host";
        public const string KafkaListeners = "kafka.listeners";
        public const string KafkaAdvertisedListeners = "kafka.advertised.listeners";
        public const string KafkaListenerSecurityProtocolMap = "kafka.listener.security.protocol.map";
        public const string KafkaSslCertificateLocation = "kafka.ssl.certificate.location";
        public const string KafkaSslKeyLocation = "kafka.ssl.key.location";
        public const string KafkaSslKeyPassword = "kafka.ssl.key.password";
        public const string KafkaSslClientAuth = "kafka.ssl.client.auth";
        public const string KafkaSslTruststoreLocation = "kafka.ssl.truststore.location";
        public const string KafkaSslPrincipalMappingRules = "kafka.ssl.principal.mapping.rules";
        public const string KafkaSaslEnabledMechanisms = "kafka.sasl.enabled.mechanisms";
        public const string ConnectionsMaxReauthMs = "connections.max.reauth.ms";
        public const string OAuthUnsecuredEnable = "kafka.sasl.oauthbearer.unsecured.validator.enable";
        public const string OAuthUnsecuredPrincipalClaim = "kafka.sasl.oauthbearer.unsecured.validator.principal.claim.name";
        public const string OAuthUnsecuredScopeClaim = "kafka.sasl.oauthbearer.unsecured.validator.scope.claim.name";
        public const string OAuthUnsecuredRequiredScope = "kafka.sasl.oauthbearer.unsecured.validator.required.scope";
        public const string OAuthUnsecuredClockSkewMs = "kafka.sasl.oauthbearer.unsecured.validator.allowable.clock.skew.ms";
        public const string OAuthJwksUrl = "kafka.sasl.oauthbearer.jwks.endpoint.url";
        public const string OAuthExpectedIssuer = "kafka.sasl.oauthbearer.expected.issuer";
        public const string OAuthExpectedAudience = "kafka.sasl.oauthbearer.expected.audience";
        public const string OAuthSubClaim = "kafka.sasl.oauthbearer.sub.claim.name";
        public const string OAuthScopeClaim = "kafka.sasl.oauthbearer.scope.claim.name";
        public const string OAuthClockSkewSeconds = "kafka.sasl.oauthbearer.clock.skew.seconds";
        public const string MskIamCredentials = "kafka.sasl.aws.msk.iam.credentials";
        public const string AuthorizerEnable = "kafka.authorizer.enable";
        public const string SuperUsers = "super.users";
        public const string AllowEveryoneIfNoAclFound = "allow.everyone.if.no.acl.found";
        public const string SocketRequestMaxBytes = "socket.request.max.bytes";
        public const string NumPartitions = "num.partitions";
        public const string AutoCreateTopics = "auto.create.topics.enable";
        public const string MessageMaxBytes = "message.max.bytes";
        public const string GroupMinSessionTimeoutMs = "group.min.session.timeout.ms";
        public const string GroupMaxSessionTimeoutMs = "group.max.session.timeout.ms";
        public const string GroupInitialRebalanceDelayMs = "group.initial.rebalance.delay.ms";
        public const string GroupMaxSize = "group.max.size";
        public const string ConsumerSessionTimeoutMs = "group.consumer.session.timeout.ms";
        public const string ConsumerHeartbeatIntervalMs = "group.consumer.heartbeat.interval.ms";
        public const string OffsetsRetentionMinutes = "offsets.retention.minutes";
        public const string OffsetsRetentionCheckIntervalMs = "offsets.retention.check.interval.ms";
        public const string OffsetMetadataMaxBytes = "offset.metadata.max.bytes";
        public const string TransactionMaxTimeoutMs = "transaction.max.timeout.ms";
        public const string TransactionAbortCheckIntervalMs = "transaction.abort.timed.out.transaction.cleanup.interval.ms";
        public const string TransactionStateLogPartitions = "transaction.state.log.num.partitions";
        public const string SegmentBytes = "log.segment.bytes";
        public const string RollMs = "log.roll.ms";
        public const string IndexIntervalBytes = "log.index.interval.bytes";
        public const string RetentionMs = "log.retention.ms";
        public const string RetentionBytes = "log.retention.bytes";
        public const string CleanupPolicy = "log.cleanup.policy";
        public const string DeleteRetentionMs = "log.cleaner.delete.retention.ms";
        public const string MinCleanableRatio = "log.cleaner.min.cleanable.ratio";
        public const string FlushPolicy = "log.flush.policy";
        public const string FlushIntervalMs = "log.flush.interval.ms";
        public const string RetentionCheckIntervalMs = "log.retention.check.interval.ms";
        public const string CleanerBackoffMs = "log.cleaner.backoff.ms";
        public const string CheckpointIntervalMs = "log.checkpoint.interval.ms";
        public const string OpenParallelism = "log.open.parallelism";

        // AWS-compatible HTTP APIs (Kinesis; later Firehose).
        public const string AwsHost = "aws.host";
        public const string AwsPort = "aws.port";
        public const string AwsHttp2Port = "aws.http2.port";
        public const string AwsMaxRequestBytes = "aws.max.request.bytes";
        public const string AwsCredentials = "aws.credentials";
        public const string AwsRegion = "aws.region";
        public const string AwsAccountId = "aws.account.id";
        public const string KinesisShardLimit = "kinesis.shard.limit";
        public const string KinesisEnforceLimits = "kinesis.enforce.limits";

        // Admin port.
        public const string AdminHost = "admin.host";
        public const string AdminPort = "admin.port";

        // Schema registry.
        public const string RegistryHost = "registry.host";
        public const string RegistryPort = "registry.port";
        public const string RegistryTopic = "registry.topic";
        public const string RegistryCompatibilityLevel = "registry.compatibility.level";

        // Connect REST listener (a standalone worker on the embedded broker).
        public const string ConnectRestHost = "connect.rest.host";
        public const string ConnectRestPort = "connect.rest.port";

        // MSK Connect's worker groups (the kafkaconnect API).
        public const string MskConnectScaleSampleMs = "msk.connect.scale.sample.ms";
        public const string MskConnectScaleCooldownMs = "msk.connect.scale.cooldown.ms";
        public const string MskConnectLogFlushMs = "msk.connect.log.flush.ms";
        public const string MskConnectTrustStore = "msk.connect.ssl.truststore.location";
        public const string MskConnectWorkerCredentials = "msk.connect.worker.credentials";
        public const string MskConnectPluginS3Endpoint = "msk.connect.plugin.s3.endpoint";
        public const string MskConnectPluginS3Region = "msk.connect.plugin.s3.region";
        public const string MskConnectPluginS3AccessKey = "msk.connect.plugin.s3.access.key";
        public const string MskConnectPluginS3SecretKey = "msk.connect.plugin.s3.secret.key";

        // Delivery streams.
        public const string DeliveryDestination = "delivery.destination";
        public const string DeliveryLocalDirectory = "delivery.local.directory";
        public const string DeliveryS3Endpoint = "delivery.s3.endpoint";
        public const string DeliveryS3Region = "delivery.s3.region";
        public const string DeliveryS3PathStyle = "delivery.s3.path.style";
        public const string DeliveryS3AccessKey = "delivery.s3.access.key";
        public const string DeliveryS3SecretKey = "delivery.s3.secret.key";
        public const string DeliveryS3PartSizeBytes = "delivery.s3.part.size.bytes";
        public const string DeliveryS3CreateBuckets = "delivery.s3.create.buckets";
        public const string DeliveryMaxStreams = "delivery.max.streams";
        public const string DeliveryMaxBufferedBytes = "delivery.max.buffered.bytes";
        public const string DeliveryMaxActivePartitions = "delivery.max.active.partitions";
        public const string DeliveryLambdaEndpoints = "delivery.lambda.endpoints";
        public const string DeliveryLambdaTimeoutMs = "delivery.lambda.timeout.ms";
        public const string DeliveryStreamsFile = "delivery.streams.file";
        public const string DeliveryTablesDirectory = "delivery.tables.directory";

        public static IReadOnlyList<string> All { get; } =
        [
            DataDir, KafkaHost, KafkaPort, KafkaAdvertisedHost, KafkaListeners, KafkaAdvertisedListeners, KafkaListenerSecurityProtocolMap,
            KafkaSslCertificateLocation, KafkaSslKeyLocation, KafkaSslKeyPassword, KafkaSslClientAuth, KafkaSslTruststoreLocation, KafkaSslPrincipalMappingRules, KafkaSaslEnabledMechanisms, ConnectionsMaxReauthMs,
            OAuthUnsecuredEnable, OAuthUnsecuredPrincipalClaim, OAuthUnsecuredScopeClaim, OAuthUnsecuredRequiredScope, OAuthUnsecuredClockSkewMs, OAuthJwksUrl,
            OAuthExpectedIssuer, OAuthExpectedAudience, OAuthSubClaim, OAuthScopeClaim, OAuthClockSkewSeconds, MskIamCredentials,
            AuthorizerEnable, SuperUsers, AllowEveryoneIfNoAclFound, SocketRequestMaxBytes, NumPartitions, AutoCreateTopics, MessageMaxBytes,
            GroupMinSessionTimeoutMs, GroupMaxSessionTimeoutMs, GroupInitialRebalanceDelayMs, GroupMaxSize, ConsumerSessionTimeoutMs, ConsumerHeartbeatIntervalMs,
            OffsetsRetentionMinutes, OffsetsRetentionCheckIntervalMs, OffsetMetadataMaxBytes,
            TransactionMaxTimeoutMs, TransactionAbortCheckIntervalMs, TransactionStateLogPartitions, SegmentBytes, RollMs, IndexIntervalBytes, RetentionMs, RetentionBytes, CleanupPolicy,
            DeleteRetentionMs, MinCleanableRatio, FlushPolicy, FlushIntervalMs, RetentionCheckIntervalMs,
            CleanerBackoffMs, CheckpointIntervalMs, OpenParallelism,
            AwsHost, AwsPort, AwsHttp2Port, AwsMaxRequestBytes, AwsCredentials, AwsRegion, AwsAccountId, KinesisShardLimit, KinesisEnforceLimits,
            AdminHost, AdminPort, RegistryHost, RegistryPort, RegistryTopic, RegistryCompatibilityLevel, ConnectRestHost, ConnectRestPort, MskConnectScaleSampleMs, MskConnectScaleCooldownMs, MskConnectLogFlushMs, MskConnectTrustStore, MskConnectWorkerCredentials, MskConnectPluginS3Endpoint, MskConnectPluginS3Region, MskConnectPluginS3AccessKey, MskConnectPluginS3SecretKey, DeliveryDestination, DeliveryLocalDirectory, DeliveryS3Endpoint, DeliveryS3Region, DeliveryS3PathStyle, DeliveryS3AccessKey,
            DeliveryS3SecretKey, DeliveryS3PartSizeBytes, DeliveryS3CreateBuckets, DeliveryMaxStreams, DeliveryMaxBufferedBytes,
            DeliveryMaxActivePartitions, DeliveryLambdaEndpoints, DeliveryLambdaTimeoutMs, DeliveryStreamsFile, DeliveryTablesDirectory,
        ];
    }

    public const string EnvironmentPrefix = "TRIBUTARY_";

    private readonly Dictionary<string, string> _values;
    private readonly ConcurrentDictionary<string, bool> _read = new(StringComparer.Ordinal);

    private ServerConfiguration(Dictionary<string, string> values, IReadOnlyDictionary<string, string> sources)
    {
        _values = values;
        Sources = sources;
    }

    /// <summary>Where each value came from: "default", a file path, "environment" or "flag".</summary>
    public IReadOnlyDictionary<string, string> Sources { get; }

    public IReadOnlyDictionary<string, string> Values => _values;

    /// <summary>Every key read so far (by <see cref="OptionBinder"/>, the one place that reads them); for the binding test.</summary>
    public IReadOnlyCollection<string> KeysRead => (IReadOnlyCollection<string>)_read.Keys;

    /// <summary>The embedded defaults file, parsed: key → (value, description).</summary>
    public static IReadOnlyDictionary<string, (string Value, string Description)> Defaults { get; } = ParseDocumented(ReadDefaultsText(), "defaults.conf");

    public static string ReadDefaultsText()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Tributary.Server.defaults.conf")
            ?? throw new InvalidOperationException("defaults.conf is not embedded in the program.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// Builds the configuration. <paramref name="environment"/> is normally the process environment;
    /// <paramref name="flags"/> are key/value pairs from the command line, applied last.
    /// </summary>
    public static ServerConfiguration Build(string? configFile, IReadOnlyDictionary<string, string?> environment, IEnumerable<KeyValuePair<string, string>> flags)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var sources = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, entry) in Defaults)
        {
            values[key] = entry.Value;
            sources[key] = "default";
        }
        if (configFile is not null)
        {
            if (!File.Exists(configFile))
            {
                throw new ConfigurationException($"Config file {configFile} does not exist.");
            }
            foreach (var (key, entry) in ParseDocumented(File.ReadAllText(configFile), configFile, requireDescriptions: false))
            {
                Set(values, sources, key, entry.Value, configFile);
            }
        }
        foreach (var key in Keys.All)
        {
            var variable = EnvironmentPrefix + key.ToUpperInvariant().Replace('.', '_');
            if (environment.TryGetValue(variable, out var value) && value is not null)
            {
                Set(values, sources, key, value, "environment");
            }
        }
        foreach (var (key, value) in flags)
        {
            Set(values, sources, key, value, "flag");
        }
        var configuration = new ServerConfiguration(values, sources);
        configuration.ValidateAll();
        return configuration;
    }

    private static void Set(Dictionary<string, string> values, Dictionary<string, string> sources, string key, string value, string source)
    {
        if (!Defaults.ContainsKey(key))
        {
            throw new ConfigurationException($"Unknown option '{key}' (from {source}). Options are listed in defaults.conf; run `tributary config`.");
        }
        values[key] = value.Trim();
        sources[key] = source;
    }

    /// <summary>
    /// Parses <c>key = value</c> lines; comment lines (#) directly above an option are its description.
    /// A blank line ends a description.
    /// </summary>
    public static Dictionary<string, (string Value, string Description)> ParseDocumented(string text, string origin, bool requireDescriptions = true)
    {
        var result = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        var description = new List<string>();
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.Trim();
            if (line.Length == 0)
            {
                description.Clear();
                continue;
            }
            if (line.StartsWith('#'))
            {
                description.Add(line.TrimStart('#').Trim());
                continue;
            }
            var equals = line.IndexOf('=');
            if (equals <= 0)
            {
                throw new ConfigurationException($"{origin}:{lineNumber}: expected 'key = value', found '{line}'.");
            }
            var key = line[..equals].Trim();
            var value = line[(equals + 1)..].Trim();
            if (result.ContainsKey(key))
            {
                throw new ConfigurationException($"{origin}:{lineNumber}: '{key}' is set twice.");
            }
            var joined = string.Join(' ', description).Trim();
            if (requireDescriptions && joined.Length == 0)
            {
                throw new ConfigurationException($"{origin}:{lineNumber}: option '{key}' has no description.");
            }
            result[key] = (value, joined);
            description.Clear();
        }
        return result;
    }

    public string GetString(string key)
    {
        if (!_values.TryGetValue(key, out var value))
        {
            throw new ConfigurationException($"Unknown option '{key}'.");
        }
        _read.TryAdd(key, true);
        return value;
    }

    public long GetInt64(string key, long min = long.MinValue, long max = long.MaxValue)
    {
        var text = GetString(key);
        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new ConfigurationException($"Option '{key}' must be an integer between {min} and {max}; got '{text}' (from {Sources[key]}).");
        }
        return value;
    }

    public int GetInt32(string key, int min = int.MinValue, int max = int.MaxValue) => (int)GetInt64(key, min, max);

    public double GetDouble(string key, double min, double max)
    {
        var text = GetString(key);
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new ConfigurationException($"Option '{key}' must be a number between {min} and {max}; got '{text}' (from {Sources[key]}).");
        }
        return value;
    }

    public T GetChoice<T>(string key, IReadOnlyDictionary<string, T> choices)
    {
        var text = GetString(key);
        return choices.TryGetValue(text, out var value)
            ? value
            : throw new ConfigurationException($"Option '{key}' must be one of {string.Join(", ", choices.Keys)}; got '{text}' (from {Sources[key]}).");
    }

    public bool GetBool(string key)
    {
        var text = GetString(key);
        return text switch
        {
            "true" => true,
            "false" => false,
            _ => throw new ConfigurationException($"Option '{key}' must be true or false; got '{text}' (from {Sources[key]})."),
        };
    }

    private void ValidateAll() => _ = OptionBinder.Bind(this);
}
