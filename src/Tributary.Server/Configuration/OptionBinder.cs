using System.Globalization;
using System.Net;
using Tributary.Aws;
using Tributary.Broker;
using Tributary.Broker.Groups;
using Tributary.Broker.Transactions;
using Tributary.Firehose.Api;
using Tributary.Firehose.Streams;
using Tributary.Kafka;
using Tributary.Kafka.Security;
using Tributary.Kinesis;
using Tributary.ObjectStores;
using Tributary.Registry;
using Tributary.Storage;

namespace Tributary.Server;

/// <summary>Where delivered objects go (delivery.destination): the local object directory or an S3-compatible store.</summary>
public sealed record ObjectStoreChoice(string Destination, string LocalDirectory, S3StoreOptions S3);

/// <summary>The admin port (admin.*).</summary>
public sealed record AdminOptions(string Host, int Port);

/// <summary>The Connect REST listener of <c>serve</c> (connect.rest.*); port -1 disables the embedded worker.</summary>
public sealed record ConnectOptions
{
    public string Host { get; init; } = "127.0.0.1";

    public int Port { get; init; } = 8083;
}

/// <summary>Every option record of the server, bound from one <see cref="ServerConfiguration"/> by <see cref="OptionBinder"/>.</summary>
public sealed record TributaryOptions
{
    public required string DataDirectory { get; init; }

    public required BrokerOptions Broker { get; init; }

    public required KafkaListenerOptions KafkaListener { get; init; }

    public required AwsHttpServerOptions AwsServer { get; init; }

    public required KinesisOptions Kinesis { get; init; }

    public required FirehoseOptions Firehose { get; init; }

    public required DeliveryOptions Delivery { get; init; }

    public required ObjectStoreChoice ObjectStore { get; init; }

    /// <summary>delivery.streams.file, or null when none.</summary>
    public required string? DeliveryStreamsFile { get; init; }

    public required AdminOptions Admin { get; init; }

    public required RegistryOptions Registry { get; init; }
    public required ConnectOptions Connect { get; init; }

    public required Tributary.MskConnect.State.MskConnectOptions MskConnect { get; init; }
}

/// <summary>
/// The one place that binds configuration keys to options: every key of defaults.conf is read here and nowhere else,
/// into the option records of the projects that use it. The records keep their own defaults for in-process and test
/// use; <c>OptionBindingTests</c> fails when a key of defaults.conf is not read here, or when a record's default differs
/// from what defaults.conf binds, so the two sets of defaults cannot drift apart.
/// </summary>
public static class OptionBinder
{
    private static readonly Dictionary<string, FlushPolicy> FlushPolicies = new(StringComparer.Ordinal)
    {
        ["every-append"] = FlushPolicy.EveryAppend,
        ["interval"] = FlushPolicy.Interval,
        ["os"] = FlushPolicy.Os,
    };

    private static readonly Dictionary<string, CleanupPolicy> CleanupPolicies = new(StringComparer.Ordinal)
    {
        ["delete"] = CleanupPolicy.Delete,
        ["compact"] = CleanupPolicy.Compact,
        ["compact,delete"] = CleanupPolicy.Compact | CleanupPolicy.Delete,
        ["delete,compact"] = CleanupPolicy.Compact | CleanupPolicy.Delete,
    };

    /// <summary>Binds (and so validates) every option; ConfigurationException names the first key that cannot be used.</summary>
    public static TributaryOptions Bind(ServerConfiguration configuration)
    {
        var broker = Broker(configuration);
        return new TributaryOptions
        {
            DataDirectory = broker.DataDirectory,
            Broker = broker,
            KafkaListener = KafkaListener(configuration),
            AwsServer = AwsServer(configuration),
            Kinesis = Kinesis(configuration),
            Firehose = new FirehoseOptions
            {
                Region = configuration.GetString(ServerConfiguration.Keys.AwsRegion),
                AccountId = configuration.GetString(ServerConfiguration.Keys.AwsAccountId),
            },
            Delivery = Delivery(configuration, broker.DataDirectory),
            ObjectStore = ObjectStore(configuration, broker.DataDirectory),
            DeliveryStreamsFile = Unless(configuration.GetString(ServerConfiguration.Keys.DeliveryStreamsFile), "none"),
            Admin = new AdminOptions(
                IpAddress(configuration, ServerConfiguration.Keys.AdminHost),
                configuration.GetInt32(ServerConfiguration.Keys.AdminPort, -1, 65535)),
            Connect = new ConnectOptions
            {
                Host = IpAddress(configuration, ServerConfiguration.Keys.ConnectRestHost),
                Port = configuration.GetInt32(ServerConfiguration.Keys.ConnectRestPort, -1, 65535),
            },
            Registry = Registry(configuration),
            MskConnect = new Tributary.MskConnect.State.MskConnectOptions
            {
                Region = configuration.GetString(ServerConfiguration.Keys.AwsRegion),
                AccountId = configuration.GetString(ServerConfiguration.Keys.AwsAccountId),
                ScaleSampleInterval = TimeSpan.FromMilliseconds(configuration.GetInt64(ServerConfiguration.Keys.MskConnectScaleSampleMs, 100, 3_600_000)),
                ScaleCooldown = TimeSpan.FromMilliseconds(configuration.GetInt64(ServerConfiguration.Keys.MskConnectScaleCooldownMs, 0, 86_400_000)),
                LogFlushInterval = TimeSpan.FromMilliseconds(configuration.GetInt64(ServerConfiguration.Keys.MskConnectLogFlushMs, 100, 3_600_000)),
                TrustStoreLocation = Unless(configuration.GetString(ServerConfiguration.Keys.MskConnectTrustStore), "none"),
                WorkerCredentials = WorkerCredentials(configuration.GetString(ServerConfiguration.Keys.MskConnectWorkerCredentials)),
                PluginStore = PluginStore(configuration),
            },
        };
    }

    /// <summary>msk.connect.plugin.s3.*: null for the embedded bucket, else the S3-compatible service plugins are read from.</summary>
    private static S3StoreOptions? PluginStore(ServerConfiguration configuration)
    {
        var endpoint = configuration.GetString(ServerConfiguration.Keys.MskConnectPluginS3Endpoint);
        var region = configuration.GetString(ServerConfiguration.Keys.MskConnectPluginS3Region);
        var accessKey = Unless(configuration.GetString(ServerConfiguration.Keys.MskConnectPluginS3AccessKey), "chain");
        var secretKey = Unless(configuration.GetString(ServerConfiguration.Keys.MskConnectPluginS3SecretKey), "chain");
        if (accessKey is null != secretKey is null)
        {
            throw new ConfigurationException($"{ServerConfiguration.Keys.MskConnectPluginS3AccessKey} and {ServerConfiguration.Keys.MskConnectPluginS3SecretKey}: give both, or chain for both");
        }
        if (endpoint == "embedded")
        {
            return null;
        }
        var serviceUrl = Unless(endpoint, "aws");
        if (serviceUrl is not null && !(Uri.TryCreate(serviceUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            throw new ConfigurationException($"{ServerConfiguration.Keys.MskConnectPluginS3Endpoint}: expected embedded, aws or an http(s) URL; got '{endpoint}'");
        }
        return new S3StoreOptions
        {
            ServiceUrl = serviceUrl,
            Region = region,
            ForcePathStyle = serviceUrl is not null,
            AccessKeyId = accessKey,
            SecretAccessKey = secretKey,
            CreateBuckets = false,
            // A plugin read is one GET: a few retries, so a wrong endpoint fails the plugin within seconds, not minutes.
            Retry = new S3RetryOptions { MaxAttempts = 3, MaxElapsed = TimeSpan.FromSeconds(20) },
        };
    }

    /// <summary>msk.connect.worker.credentials: ACCESS_KEY:SECRET, or none.</summary>
    private static (string, string)? WorkerCredentials(string value)
    {
        if (value == "none")
        {
            return null;
        }
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == value.Length - 1)
        {
            throw new ConfigurationException($"{ServerConfiguration.Keys.MskConnectWorkerCredentials}: expected ACCESS_KEY:SECRET or none");
        }
        return (value[..colon], value[(colon + 1)..]);
    }

    /// <summary>The schema registry (registry.*).</summary>
    public static RegistryOptions Registry(ServerConfiguration configuration)
    {
        var level = configuration.GetString(ServerConfiguration.Keys.RegistryCompatibilityLevel).ToUpperInvariant();
        if (!Tributary.Schemas.Compatibility.CompatibilityLevels.TryParse(level, out _))
        {
            throw new ConfigurationException($"{ServerConfiguration.Keys.RegistryCompatibilityLevel}: not a compatibility level: {level} (NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE)");
        }
        return new RegistryOptions
        {
            Host = IpAddress(configuration, ServerConfiguration.Keys.RegistryHost),
            Port = configuration.GetInt32(ServerConfiguration.Keys.RegistryPort, -1, 65535),
            Topic = configuration.GetString(ServerConfiguration.Keys.RegistryTopic),
            DefaultCompatibility = level,
        };
    }

    /// <summary>The log engine: the log.* options (their topic-level twins become the broker's topic defaults).</summary>
    public static LogManagerOptions LogManager(ServerConfiguration configuration)
    {
        var log = new LogConfig
        {
            SegmentBytes = configuration.GetInt32(ServerConfiguration.Keys.SegmentBytes, 1024, int.MaxValue),
            SegmentMs = configuration.GetInt64(ServerConfiguration.Keys.RollMs, 1),
            IndexIntervalBytes = configuration.GetInt32(ServerConfiguration.Keys.IndexIntervalBytes, 0),
            RetentionMs = configuration.GetInt64(ServerConfiguration.Keys.RetentionMs, -1),
            RetentionBytes = configuration.GetInt64(ServerConfiguration.Keys.RetentionBytes, -1),
            CleanupPolicy = configuration.GetChoice(ServerConfiguration.Keys.CleanupPolicy, CleanupPolicies),
            DeleteRetentionMs = configuration.GetInt64(ServerConfiguration.Keys.DeleteRetentionMs, 0),
            MinCleanableDirtyRatio = configuration.GetDouble(ServerConfiguration.Keys.MinCleanableRatio, 0, 1),
            FlushPolicy = configuration.GetChoice(ServerConfiguration.Keys.FlushPolicy, FlushPolicies),
            FlushIntervalMs = configuration.GetInt32(ServerConfiguration.Keys.FlushIntervalMs, 0),
        };
        log.Validate();
        var parallelism = configuration.GetInt32(ServerConfiguration.Keys.OpenParallelism, 0, 1024);
        return new LogManagerOptions
        {
            DefaultLogConfig = log,
            RetentionCheckIntervalMs = configuration.GetInt32(ServerConfiguration.Keys.RetentionCheckIntervalMs, 1),
            CleanerBackoffMs = configuration.GetInt32(ServerConfiguration.Keys.CleanerBackoffMs, 1),
            CheckpointIntervalMs = configuration.GetInt32(ServerConfiguration.Keys.CheckpointIntervalMs, 1),
            OpenParallelism = parallelism == 0 ? Math.Max(2, Environment.ProcessorCount * 2) : parallelism,
        };
    }

    /// <summary>
    /// Broker settings: the log.* options become the broker-wide defaults of the matching topic configs
    /// (log.retention.ms → retention.ms, ...), as in Kafka.
    /// </summary>
    public static BrokerOptions Broker(ServerConfiguration configuration)
    {
        var logs = LogManager(configuration);
        var log = logs.DefaultLogConfig;
        var invariant = CultureInfo.InvariantCulture;
        return new BrokerOptions
        {
            DataDirectory = Path.GetFullPath(configuration.GetString(ServerConfiguration.Keys.DataDir)),
            NumPartitions = configuration.GetInt32(ServerConfiguration.Keys.NumPartitions, 1, 100_000),
            AutoCreateTopics = configuration.GetBool(ServerConfiguration.Keys.AutoCreateTopics),
            MessageMaxBytes = configuration.GetInt32(ServerConfiguration.Keys.MessageMaxBytes, 1024, int.MaxValue),
            FlushPolicy = log.FlushPolicy,
            FlushIntervalMs = log.FlushIntervalMs,
            IndexIntervalBytes = log.IndexIntervalBytes,
            LogManager = logs,
            Groups = Groups(configuration),
            Transactions = Transactions(configuration),
            DefaultTopicConfigs = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["retention.ms"] = log.RetentionMs.ToString(invariant),
                ["retention.bytes"] = log.RetentionBytes.ToString(invariant),
                ["segment.bytes"] = log.SegmentBytes.ToString(invariant),
                ["segment.ms"] = log.SegmentMs.ToString(invariant),
                ["cleanup.policy"] = configuration.GetString(ServerConfiguration.Keys.CleanupPolicy),
                ["delete.retention.ms"] = log.DeleteRetentionMs.ToString(invariant),
                ["min.cleanable.dirty.ratio"] = log.MinCleanableDirtyRatio.ToString(invariant),
            },
        };
    }

    public static GroupOptions Groups(ServerConfiguration configuration)
    {
        var minSession = configuration.GetInt32(ServerConfiguration.Keys.GroupMinSessionTimeoutMs, 1, int.MaxValue);
        var maxSession = configuration.GetInt32(ServerConfiguration.Keys.GroupMaxSessionTimeoutMs, 1, int.MaxValue);
        if (maxSession < minSession)
        {
            throw new ConfigurationException($"Option '{ServerConfiguration.Keys.GroupMaxSessionTimeoutMs}' ({maxSession}) must not be below '{ServerConfiguration.Keys.GroupMinSessionTimeoutMs}' ({minSession}).");
        }
        var maxSize = configuration.GetInt32(ServerConfiguration.Keys.GroupMaxSize, 0, int.MaxValue);
        return new GroupOptions
        {
            MinSessionTimeoutMs = minSession,
            MaxSessionTimeoutMs = maxSession,
            InitialRebalanceDelayMs = configuration.GetInt32(ServerConfiguration.Keys.GroupInitialRebalanceDelayMs, 0, int.MaxValue),
            MaxGroupSize = maxSize == 0 ? int.MaxValue : maxSize,
            ConsumerSessionTimeoutMs = configuration.GetInt32(ServerConfiguration.Keys.ConsumerSessionTimeoutMs, 1, int.MaxValue),
            ConsumerHeartbeatIntervalMs = configuration.GetInt32(ServerConfiguration.Keys.ConsumerHeartbeatIntervalMs, 1, int.MaxValue),
            OffsetsRetentionMs = configuration.GetInt32(ServerConfiguration.Keys.OffsetsRetentionMinutes, 1, int.MaxValue) * 60_000L,
            OffsetsRetentionCheckIntervalMs = configuration.GetInt32(ServerConfiguration.Keys.OffsetsRetentionCheckIntervalMs, 1, int.MaxValue),
            OffsetMetadataMaxBytes = configuration.GetInt32(ServerConfiguration.Keys.OffsetMetadataMaxBytes, 0, int.MaxValue),
        };
    }

    public static TransactionOptions Transactions(ServerConfiguration configuration) => new()
    {
        MaxTimeoutMs = configuration.GetInt32(ServerConfiguration.Keys.TransactionMaxTimeoutMs, 1, int.MaxValue),
        AbortCheckIntervalMs = configuration.GetInt32(ServerConfiguration.Keys.TransactionAbortCheckIntervalMs, 1, int.MaxValue),
        StateLogPartitions = configuration.GetInt32(ServerConfiguration.Keys.TransactionStateLogPartitions, 1, 1000),
    };

    public static KafkaListenerOptions KafkaListener(ServerConfiguration configuration)
    {
        var host = IpAddress(configuration, ServerConfiguration.Keys.KafkaHost);
        var advertised = configuration.GetString(ServerConfiguration.Keys.KafkaAdvertisedHost);
        var advertisedHost = advertised == "auto" ? (host == "0.0.0.0" ? Dns.GetHostName() : host) : advertised;
        return new KafkaListenerOptions
        {
            Host = host,
            Port = configuration.GetInt32(ServerConfiguration.Keys.KafkaPort, 0, 65535),
            AdvertisedHost = advertisedHost,
            MaxRequestBytes = configuration.GetInt32(ServerConfiguration.Keys.SocketRequestMaxBytes, 1024, int.MaxValue),
            Listeners = KafkaListeners.Parse(configuration, host, advertised == "auto" ? null : advertised),
            Security = new KafkaSecurityOptions
            {
                Certificate = KafkaListeners.Certificate(configuration),
                ClientAuthentication = KafkaListeners.ClientAuthentication(configuration),
                EnabledMechanisms = KafkaListeners.Mechanisms(configuration),
                MaxReauthenticationMs = configuration.GetInt64(ServerConfiguration.Keys.ConnectionsMaxReauthMs, 0, long.MaxValue),
                OAuthBearer = KafkaListeners.OAuthBearer(configuration),
                MskIam = KafkaListeners.MskIam(configuration),
                AuthorizerSettings = KafkaListeners.Authorizer(configuration),
            },
        };
    }

    public static AwsHttpServerOptions AwsServer(ServerConfiguration configuration) => new()
    {
        Host = configuration.GetString(ServerConfiguration.Keys.AwsHost),
        Port = configuration.GetInt32(ServerConfiguration.Keys.AwsPort, -1, 65535),
        Http2Port = configuration.GetInt32(ServerConfiguration.Keys.AwsHttp2Port, -1, 65535),
        MaxRequestBytes = configuration.GetInt32(ServerConfiguration.Keys.AwsMaxRequestBytes, 1024, int.MaxValue),
        Credentials = ParseCredentials(configuration.GetString(ServerConfiguration.Keys.AwsCredentials)),
    };

    public static KinesisOptions Kinesis(ServerConfiguration configuration) => new()
    {
        Region = configuration.GetString(ServerConfiguration.Keys.AwsRegion),
        AccountId = configuration.GetString(ServerConfiguration.Keys.AwsAccountId),
        ShardLimit = configuration.GetInt32(ServerConfiguration.Keys.KinesisShardLimit, 1, 1_000_000),
        EnforceLimits = configuration.GetBool(ServerConfiguration.Keys.KinesisEnforceLimits),
    };

    public static DeliveryOptions Delivery(ServerConfiguration configuration, string dataDirectory) => new()
    {
        Directory = Path.Combine(dataDirectory, Tributary.Broker.Broker.ClusterDirectoryName, "delivery"),
        TablesDirectory = Path.Combine(dataDirectory, configuration.GetString(ServerConfiguration.Keys.DeliveryTablesDirectory)),
        Region = configuration.GetString(ServerConfiguration.Keys.AwsRegion),
        AccountId = configuration.GetString(ServerConfiguration.Keys.AwsAccountId),
        MaxStreams = configuration.GetInt32(ServerConfiguration.Keys.DeliveryMaxStreams, 1, 100_000),
        MaxBufferedBytes = configuration.GetInt64(ServerConfiguration.Keys.DeliveryMaxBufferedBytes, 1024 * 1024, long.MaxValue),
        MaxActivePartitions = configuration.GetInt32(ServerConfiguration.Keys.DeliveryMaxActivePartitions, 1, 100_000),
        LambdaEndpoints = ParseEndpoints(Unless(configuration.GetString(ServerConfiguration.Keys.DeliveryLambdaEndpoints), "none") ?? ""),
        LambdaTimeout = TimeSpan.FromMilliseconds(configuration.GetInt32(ServerConfiguration.Keys.DeliveryLambdaTimeoutMs, 1, 900_000)),
    };

    /// <summary>delivery.destination and the store's settings (both stores' settings are bound and checked, whichever is chosen).</summary>
    public static ObjectStoreChoice ObjectStore(ServerConfiguration configuration, string dataDirectory)
    {
        var destination = configuration.GetString(ServerConfiguration.Keys.DeliveryDestination);
        if (destination is not ("local" or "s3"))
        {
            throw new ConfigurationException($"Option '{ServerConfiguration.Keys.DeliveryDestination}' must be local or s3; got '{destination}'.");
        }
        // Path.Combine keeps an absolute setting as it is and puts a relative one under the data directory.
        var local = Path.Combine(dataDirectory, configuration.GetString(ServerConfiguration.Keys.DeliveryLocalDirectory));
        var s3 = new S3StoreOptions
        {
            ServiceUrl = Unless(configuration.GetString(ServerConfiguration.Keys.DeliveryS3Endpoint), "aws"),
            Region = configuration.GetString(ServerConfiguration.Keys.DeliveryS3Region),
            ForcePathStyle = configuration.GetBool(ServerConfiguration.Keys.DeliveryS3PathStyle),
            AccessKeyId = Unless(configuration.GetString(ServerConfiguration.Keys.DeliveryS3AccessKey), "chain"),
            SecretAccessKey = Unless(configuration.GetString(ServerConfiguration.Keys.DeliveryS3SecretKey), "chain"),
            PartSize = configuration.GetInt64(ServerConfiguration.Keys.DeliveryS3PartSizeBytes, 5 * 1024 * 1024, 5L * 1024 * 1024 * 1024),
            CreateBuckets = configuration.GetBool(ServerConfiguration.Keys.DeliveryS3CreateBuckets),
        };
        return new ObjectStoreChoice(destination, local, s3);
    }

    /// <summary>"KEY:SECRET,KEY2:SECRET2"; "any" (or empty) accepts every request unsigned or signed with anything.</summary>
    public static IReadOnlyDictionary<string, string> ParseCredentials(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (text is "" or "any")
        {
            return result;
        }
        foreach (var pair in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = pair.IndexOf(':');
            if (colon <= 0 || colon == pair.Length - 1)
            {
                throw new ConfigurationException($"Option '{ServerConfiguration.Keys.AwsCredentials}' expects ACCESS_KEY:SECRET pairs separated by commas, or 'any'.");
            }
            result[pair[..colon]] = pair[(colon + 1)..];
        }
        return result;
    }

    /// <summary>"NAME=URL,NAME=URL" (names may be ARNs, which contain ':' but never '=' or ',').</summary>
    public static IReadOnlyDictionary<string, string> ParseEndpoints(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=');
            if (equals <= 0 || !Uri.TryCreate(pair[(equals + 1)..], UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new ConfigurationException($"Option '{ServerConfiguration.Keys.DeliveryLambdaEndpoints}' expects NAME=http(s)://URL pairs separated by commas; got '{pair}'.");
            }
            result[pair[..equals]] = pair[(equals + 1)..];
        }
        return result;
    }

    private static string IpAddress(ServerConfiguration configuration, string key)
    {
        var host = configuration.GetString(key);
        return IPAddress.TryParse(host, out _)
            ? host
            : throw new ConfigurationException($"Option '{key}' must be an IP address to bind, such as 127.0.0.1 or 0.0.0.0; got '{host}'.");
    }

    /// <summary>Null for an empty value or the option's "not set" word (none, aws, chain).</summary>
    private static string? Unless(string text, string unset) => text.Length == 0 || text == unset ? null : text;
}
