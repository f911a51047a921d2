using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Tributary.Aws.RestJson;
using Tributary.MskConnect.Messages;
using Tributary.MskConnect.Workers;
using Tributary.ObjectStores;

namespace Tributary.MskConnect.State;

/// <summary>
/// MSK Connect's resources and their lifecycles. Custom plugins are CREATING until their archive is inspected
/// (<see cref="PluginInspector"/>, on the thread pool), then ACTIVE or CREATE_FAILED. Worker configurations are
/// ACTIVE from creation. Each connector not being deleted has a <see cref="ConnectorRuntime"/> running it; its state
/// goes CREATING → RUNNING/FAILED as the runtime reports, UPDATING → RUNNING/FAILED after an update, DELETING until
/// its workers are stopped, then it is gone. Every change is written to the state file before it is answered;
/// <see cref="Open"/> restarts the connectors found there. One lock guards the state. Thread-safe.
/// </summary>
public sealed class MskConnectRegistry : IAsyncDisposable
{
    /// <summary>Used when autoScaling leaves out a policy (MSK publishes no default).</summary>
    public const int DefaultScaleInPercent = 20;

    public const int DefaultScaleOutPercent = 80;

    private const int TasksPerMcu = 2;

    /// <summary>UpdateConnector operations kept per connector; older ones are forgotten.</summary>
    private const int MaxOperations = 50;

    private readonly Lock _lock = new();
    private readonly MskConnectStateFile _state;
    private readonly string _directory;
    private readonly LocalDirectoryStore _store;
    private readonly IObjectStore _pluginStore;
    private readonly S3ObjectStore? _externalPluginStore;
    private readonly MskConnectOptions _options;
    private readonly WorkerLauncher _launcher;
    private readonly ILogDeliveryStreams? _logStreams;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly Dictionary<string, ConnectorRuntime> _runtimes = new(StringComparer.Ordinal);
    private readonly List<Task> _deletions = [];
    private bool _disposed;

    private MskConnectRegistry(MskConnectStateFile state, string directory, LocalDirectoryStore store, MskConnectOptions options, WorkerLauncher launcher,
        ILogDeliveryStreams? logStreams, ILoggerFactory loggerFactory)
    {
        _logStreams = logStreams;
        _state = state;
        _directory = directory;
        _store = store;
        _externalPluginStore = options.PluginStore is { } s3 ? new S3ObjectStore(s3) : null;
        _pluginStore = (IObjectStore?)_externalPluginStore ?? store;
        _options = options;
        _launcher = launcher;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<MskConnectRegistry>();
    }

    public string StatePath => Path.Combine(_directory, MskConnectStateFile.FileName);

    /// <summary>
    /// Loads (or starts) the state in <paramref name="directory"/> and starts its connectors' workers. Worker logs
    /// bound for a delivery stream go through <paramref name="logStreams"/> (null: such delivery fails, logged).
    /// </summary>
    public static MskConnectRegistry Open(string directory, LocalDirectoryStore store, MskConnectOptions options, WorkerLauncher launcher, ILoggerFactory loggerFactory,
        ILogDeliveryStreams? logStreams = null)
    {
        Directory.CreateDirectory(directory);
        var state = MskConnectStateFile.Load(Path.Combine(directory, MskConnectStateFile.FileName)) ?? new MskConnectStateFile();
        var registry = new MskConnectRegistry(state, directory, store, options, launcher, logStreams, loggerFactory);
        lock (registry._lock)
        {
            // A deletion the previous process did not finish: its workers are gone with that process.
            state.Connectors.RemoveAll(c => c.State == "DELETING");
            foreach (var plugin in state.CustomPlugins.Where(p => p.State == "CREATING"))
            {
                registry.StartInspection(plugin);
            }
            foreach (var connector in state.Connectors)
            {
                registry.StartRuntime(connector);
            }
            registry.Save();
        }
        return registry;
    }

    // ---- Custom plugins ----

    public StoredPlugin CreatePlugin(CreateCustomPluginRequest request)
    {
        ConnectorValidation.Name(request.Name, "name");
        if (request.ContentType is not ("ZIP" or "JAR"))
        {
            throw MskConnectException.BadRequest($"contentType must be ZIP or JAR, not {request.ContentType ?? "absent"}.");
        }
        var s3 = request.Location?.S3Location ?? throw MskConnectException.BadRequest("location.s3Location is required.");
        ConnectorValidation.Required(s3.BucketArn, "location.s3Location.bucketArn");
        ConnectorValidation.Required(s3.FileKey, "location.s3Location.fileKey");
        if (!s3.BucketArn!.StartsWith("arn:aws:s3:::", StringComparison.Ordinal) || s3.BucketArn.Length == "arn:aws:s3:::".Length || s3.BucketArn.Contains('/', StringComparison.Ordinal))
        {
            throw MskConnectException.BadRequest($"location.s3Location.bucketArn {s3.BucketArn} is not a bucket ARN (arn:aws:s3:::BUCKET).");
        }
        var now = AwsRestJson.Timestamp(DateTimeOffset.UtcNow);
        lock (_lock)
        {
            if (_state.CustomPlugins.Any(p => p.Name == request.Name))
            {
                throw MskConnectException.Conflict($"A custom plugin named {request.Name} already exists.");
            }
            var plugin = new StoredPlugin
            {
                Arn = Arn("custom-plugin", request.Name!),
                Name = request.Name!,
                Description = request.Description,
                CreationTime = now,
                State = "CREATING",
                Tags = new Dictionary<string, string>(request.Tags ?? [], StringComparer.Ordinal),
                Revisions =
                [
                    new StoredPluginRevision
                    {
                        Revision = 1,
                        ContentType = request.ContentType,
                        CreationTime = now,
                        Description = request.Description,
                        BucketArn = s3.BucketArn,
                        FileKey = s3.FileKey!,
                        ObjectVersion = s3.ObjectVersion,
                    },
                ],
            };
            _state.CustomPlugins.Add(plugin);
            Save();
            StartInspection(plugin);
            return Clone(plugin);
        }
    }

    public StoredPlugin GetPlugin(string arn)
    {
        lock (_lock)
        {
            return Clone(FindPlugin(arn));
        }
    }

    public IReadOnlyList<StoredPlugin> ListPlugins()
    {
        lock (_lock)
        {
            return [.. _state.CustomPlugins.Select(Clone)];
        }
    }

    /// <summary>Removes the plugin (connectors already running keep running); answers its ARN with state DELETING.</summary>
    public StoredPlugin DeletePlugin(string arn)
    {
        lock (_lock)
        {
            var plugin = FindPlugin(arn);
            _state.CustomPlugins.Remove(plugin);
            Save();
            plugin.State = "DELETING";
            return plugin;
        }
    }

    // ---- Tags ----

    /// <summary>The tags of a custom plugin, worker configuration or connector; NotFoundException for another ARN.</summary>
    public IReadOnlyDictionary<string, string> Tags(string resourceArn)
    {
        lock (_lock)
        {
            return new Dictionary<string, string>(TagsOf(resourceArn), StringComparer.Ordinal);
        }
    }

    /// <summary>TagResource: adds or replaces the tags, saved before the answer.</summary>
    public void Tag(string resourceArn, IReadOnlyDictionary<string, string> tags)
    {
        lock (_lock)
        {
            var target = TagsOf(resourceArn);
            foreach (var (key, value) in tags)
            {
                target[key] = value;
            }
            Save();
        }
    }

    /// <summary>UntagResource: removes the keys (absent ones are no error), saved before the answer.</summary>
    public void Untag(string resourceArn, IEnumerable<string> keys)
    {
        lock (_lock)
        {
            var target = TagsOf(resourceArn);
            foreach (var key in keys)
            {
                target.Remove(key);
            }
            Save();
        }
    }

    /// <summary>The live tag map of a resource (a connector's are kept in its spec, as CreateConnector gave them).</summary>
    private Dictionary<string, string> TagsOf(string resourceArn)
    {
        if (_state.CustomPlugins.FirstOrDefault(p => p.Arn == resourceArn) is { } plugin)
        {
            return plugin.Tags;
        }
        if (_state.WorkerConfigurations.FirstOrDefault(w => w.Arn == resourceArn) is { } configuration)
        {
            return configuration.Tags;
        }
        if (_state.Connectors.FirstOrDefault(c => c.Arn == resourceArn) is { } connector)
        {
            return connector.Spec.Tags ??= new Dictionary<string, string>(StringComparer.Ordinal);
        }
        throw MskConnectException.NotFound($"The resource {resourceArn} does not exist.");
    }

    private StoredPlugin FindPlugin(string arn) =>
        _state.CustomPlugins.FirstOrDefault(p => p.Arn == arn) ?? throw MskConnectException.NotFound($"The custom plugin {arn} does not exist.");

    private void StartInspection(StoredPlugin plugin)
    {
        var revision = plugin.Revisions[^1];
        var extractTo = Path.Combine(_directory, "plugins", plugin.Arn.Split('/')[^1], revision.Revision.ToString(CultureInfo.InvariantCulture));
        _ = Task.Run(async () =>
        {
            PluginInspector.Result result;
            try
            {
                result = await PluginInspector.InspectAsync(_pluginStore, revision, extractTo).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                result = new PluginInspector.Result([], null, null, null, new StateDescription("PLUGIN_UNREADABLE", e.Message));
            }
            lock (_lock)
            {
                var stored = _state.CustomPlugins.FirstOrDefault(p => p.Arn == plugin.Arn);
                if (stored is null || _disposed)
                {
                    return;
                }
                var latest = stored.Revisions[^1];
                latest.ConnectorClasses = result.ConnectorClasses;
                latest.PluginPath = result.PluginPath;
                latest.FileMd5 = result.FileMd5;
                latest.FileSize = result.FileSize;
                stored.State = result.Failure is null ? "ACTIVE" : "CREATE_FAILED";
                stored.StateDescription = result.Failure;
                Save();
            }
        });
    }

    // ---- Worker configurations ----

    public StoredWorkerConfiguration CreateWorkerConfiguration(CreateWorkerConfigurationRequest request)
    {
        ConnectorValidation.Name(request.Name, "name");
        ConnectorValidation.Required(request.PropertiesFileContent, "propertiesFileContent");
        try
        {
            _ = Convert.FromBase64String(request.PropertiesFileContent!);
        }
        catch (FormatException)
        {
            throw MskConnectException.BadRequest("propertiesFileContent is not valid base64.");
        }
        var now = AwsRestJson.Timestamp(DateTimeOffset.UtcNow);
        lock (_lock)
        {
            if (_state.WorkerConfigurations.Any(w => w.Name == request.Name))
            {
                throw MskConnectException.Conflict($"A worker configuration named {request.Name} already exists.");
            }
            var configuration = new StoredWorkerConfiguration
            {
                Arn = Arn("worker-configuration", request.Name!),
                Name = request.Name!,
                Description = request.Description,
                CreationTime = now,
                Tags = new Dictionary<string, string>(request.Tags ?? [], StringComparer.Ordinal),
                Revisions = [new StoredWorkerConfigurationRevision { Revision = 1, CreationTime = now, Description = request.Description, PropertiesFileContent = request.PropertiesFileContent! }],
            };
            _state.WorkerConfigurations.Add(configuration);
            Save();
            return configuration;
        }
    }

    public StoredWorkerConfiguration GetWorkerConfiguration(string arn)
    {
        lock (_lock)
        {
            return FindWorkerConfiguration(arn);
        }
    }

    public IReadOnlyList<StoredWorkerConfiguration> ListWorkerConfigurations()
    {
        lock (_lock)
        {
            return [.. _state.WorkerConfigurations];
        }
    }

    public StoredWorkerConfiguration DeleteWorkerConfiguration(string arn)
    {
        lock (_lock)
        {
            var configuration = FindWorkerConfiguration(arn);
            _state.WorkerConfigurations.Remove(configuration);
            Save();
            return configuration;
        }
    }

    private StoredWorkerConfiguration FindWorkerConfiguration(string arn) =>
        _state.WorkerConfigurations.FirstOrDefault(w => w.Arn == arn) ?? throw MskConnectException.NotFound($"The worker configuration {arn} does not exist.");

    // ---- Connectors ----

    public StoredConnector CreateConnector(CreateConnectorRequest request)
    {
        ConnectorValidation.Name(request.ConnectorName, "connectorName");
        ConnectorValidation.Capacity(request.Capacity);
        LogDestinations.Parse(request.LogDelivery);
        ConnectorValidation.Required(request.ConnectorConfiguration is { Count: > 0 } ? request.ConnectorConfiguration : null, "connectorConfiguration");
        ConnectorValidation.Required(request.KafkaCluster?.ApacheKafkaCluster?.BootstrapServers, "kafkaCluster.apacheKafkaCluster.bootstrapServers");
        ConnectorValidation.Required(request.KafkaConnectVersion, "kafkaConnectVersion");
        if (request.Plugins is not { Count: 1 } || request.Plugins[0].CustomPlugin is not { } pluginReference)
        {
            throw MskConnectException.BadRequest("plugins must list exactly one customPlugin.");
        }
        ConnectorValidation.Required(pluginReference.CustomPluginArn, "plugins[0].customPlugin.customPluginArn");
        var authentication = request.KafkaClusterClientAuthentication?.AuthenticationType ?? "NONE";
        var encryption = request.KafkaClusterEncryptionInTransit?.EncryptionType ?? "PLAINTEXT";
        if (authentication is not ("NONE" or "IAM"))
        {
            throw MskConnectException.BadRequest($"kafkaClusterClientAuthentication.authenticationType must be NONE or IAM, not {authentication}.");
        }
        if (encryption is not ("PLAINTEXT" or "TLS"))
        {
            throw MskConnectException.BadRequest($"kafkaClusterEncryptionInTransit.encryptionType must be PLAINTEXT or TLS, not {encryption}.");
        }
        if (authentication == "IAM" && encryption != "TLS")
        {
            // MSK's IAM access control runs on its TLS listener only.
            throw MskConnectException.BadRequest("kafkaClusterClientAuthentication.authenticationType IAM needs kafkaClusterEncryptionInTransit.encryptionType TLS.");
        }
        lock (_lock)
        {
            var plugin = FindPlugin(pluginReference.CustomPluginArn!);
            if (plugin.State != "ACTIVE")
            {
                throw MskConnectException.BadRequest($"The custom plugin {plugin.Arn} is {plugin.State}, not ACTIVE.");
            }
            var revision = pluginReference.Revision ?? plugin.Revisions[^1].Revision;
            if (plugin.Revisions.All(r => r.Revision != revision))
            {
                throw MskConnectException.NotFound($"The custom plugin {plugin.Arn} has no revision {revision}.");
            }
            if (request.WorkerConfiguration is { } workerReference)
            {
                ConnectorValidation.Required(workerReference.WorkerConfigurationArn, "workerConfiguration.workerConfigurationArn");
                var configuration = FindWorkerConfiguration(workerReference.WorkerConfigurationArn!);
                workerReference.Revision ??= configuration.Revisions[^1].Revision;
                if (configuration.Revisions.All(r => r.Revision != workerReference.Revision))
                {
                    throw MskConnectException.NotFound($"The worker configuration {configuration.Arn} has no revision {workerReference.Revision}.");
                }
            }
            if (_state.Connectors.Any(c => c.Name == request.ConnectorName))
            {
                throw MskConnectException.Conflict($"A connector named {request.ConnectorName} already exists.");
            }
            pluginReference.Revision = revision;
            var arn = Arn("connector", request.ConnectorName!);
            var connector = new StoredConnector
            {
                Arn = arn,
                Name = request.ConnectorName!,
                Id = arn.Split('/')[^1],
                CreationTime = AwsRestJson.Timestamp(DateTimeOffset.UtcNow),
                CurrentVersion = NewVersion(),
                State = "CREATING",
                WorkerCount = request.Capacity!.ProvisionedCapacity?.WorkerCount ?? request.Capacity.AutoScaling!.MinWorkerCount!.Value,
                Spec = request,
            };
            _state.Connectors.Add(connector);
            Save();
            StartRuntime(connector);
            return connector;
        }
    }

    public DescribedConnector GetConnector(string arn)
    {
        lock (_lock)
        {
            var connector = FindConnector(arn);
            return new DescribedConnector(Clone(connector), _runtimes.TryGetValue(arn, out var runtime) ? runtime.ProcessIds : []);
        }
    }

    public IReadOnlyList<StoredConnector> ListConnectors()
    {
        lock (_lock)
        {
            return [.. _state.Connectors.Select(Clone)];
        }
    }

    /// <summary>Applies a capacity or a configuration update; the runtime re-applies and reports RUNNING or FAILED.</summary>
    public StoredConnector UpdateConnector(string arn, string? currentVersion, UpdateConnectorRequest request)
    {
        ConnectorValidation.Required(currentVersion, "currentVersion");
        if ((request.Capacity is null) == (request.ConnectorConfiguration is null))
        {
            throw MskConnectException.BadRequest("An update carries exactly one of capacity and connectorConfiguration.");
        }
        if (request.Capacity is not null)
        {
            ConnectorValidation.Capacity(request.Capacity);
        }
        else if (request.ConnectorConfiguration!.Count == 0)
        {
            throw MskConnectException.BadRequest("connectorConfiguration must not be empty.");
        }
        lock (_lock)
        {
            var connector = FindConnector(arn);
            RequireVersion(connector, currentVersion!);
            if (connector.State is "CREATING" or "UPDATING" or "DELETING")
            {
                throw MskConnectException.BadRequest($"The connector {connector.Name} is {connector.State}; it can be updated once it is RUNNING or FAILED.");
            }
            var operation = new StoredConnectorOperation
            {
                Arn = $"arn:aws:kafkaconnect:{_options.Region}:{_options.AccountId}:connector-operation/{connector.Name}/{connector.Id}/{Guid.NewGuid()}",
                Type = request.Capacity is null ? "UPDATE_CONNECTOR_CONFIGURATION" : "UPDATE_WORKER_SETTING",
                State = "UPDATE_IN_PROGRESS",
                CreationTime = AwsRestJson.Timestamp(DateTimeOffset.UtcNow),
                OriginCapacity = request.Capacity is null ? null : Clone(connector.Spec.Capacity),
                TargetCapacity = request.Capacity,
                OriginConfiguration = request.Capacity is null ? Clone(connector.Spec.ConnectorConfiguration) : null,
                TargetConfiguration = request.ConnectorConfiguration,
            };
            var operations = connector.Operations ??= [];
            operations.Add(operation);
            if (operations.Count > MaxOperations)
            {
                operations.RemoveRange(0, operations.Count - MaxOperations);
            }
            if (request.Capacity is { } capacity)
            {
                connector.Spec.Capacity = capacity;
                connector.WorkerCount = capacity.ProvisionedCapacity?.WorkerCount ?? Math.Clamp(connector.WorkerCount, capacity.AutoScaling!.MinWorkerCount!.Value, capacity.AutoScaling.MaxWorkerCount!.Value);
            }
            else
            {
                connector.Spec.ConnectorConfiguration = request.ConnectorConfiguration;
            }
            connector.State = "UPDATING";
            connector.StateDescription = null;
            connector.CurrentVersion = NewVersion();
            Save();
            return Clone(connector);
        }
    }

    /// <summary>Marks the connector DELETING and stops its workers in the background; then it is gone.</summary>
    public StoredConnector DeleteConnector(string arn, string? currentVersion)
    {
        ConnectorRuntime? runtime;
        StoredConnector answer;
        lock (_lock)
        {
            var connector = FindConnector(arn);
            if (currentVersion is not null)
            {
                RequireVersion(connector, currentVersion);
            }
            if (connector.State == "DELETING")
            {
                return Clone(connector);
            }
            connector.State = "DELETING";
            connector.StateDescription = null;
            Save();
            _runtimes.Remove(arn, out runtime);
            answer = Clone(connector);
        }
        var deletion = Task.Run(async () =>
        {
            if (runtime is not null)
            {
                await runtime.StopAsync().ConfigureAwait(false);
            }
            lock (_lock)
            {
                _state.Connectors.RemoveAll(c => c.Arn == arn);
                if (!_disposed)
                {
                    Save();
                }
            }
        });
        lock (_lock)
        {
            _deletions.RemoveAll(d => d.IsCompleted);
            _deletions.Add(deletion);
        }
        return answer;
    }

    private StoredConnector FindConnector(string arn) =>
        _state.Connectors.FirstOrDefault(c => c.Arn == arn) ?? throw MskConnectException.NotFound($"The connector {arn} does not exist.");

    private static void RequireVersion(StoredConnector connector, string currentVersion)
    {
        if (currentVersion != connector.CurrentVersion)
        {
            throw MskConnectException.BadRequest($"currentVersion {currentVersion} does not match the connector's current version {connector.CurrentVersion}.");
        }
    }

    private void StartRuntime(StoredConnector connector)
    {
        var arn = connector.Arn;
        var directory = Path.Combine(_directory, "connectors", connector.Id);
        var logger = _loggerFactory.CreateLogger("Tributary.MskConnect.Connector." + connector.Name);
        LogDestinations destinations;
        try
        {
            destinations = LogDestinations.Parse(connector.Spec.LogDelivery);
        }
        catch (MskConnectException e)
        {
            // Stored before log delivery was validated: the connector runs, its logs stay on the server.
            logger.LogWarning("MSK connector {Name}: logDelivery ignored: {Message}", connector.Name, e.Message);
            destinations = LogDestinations.Parse(null);
        }
        var logs = new WorkerLogDelivery(destinations, connector.Name, connector.Id, _options.Region, _options.AccountId,
            _store, _logStreams, directory, logger);
        var runtime = new ConnectorRuntime(
            () => PlanFor(arn),
            (state, description) => Report(arn, state, description),
            workers => ReportWorkers(arn, workers),
            connector.WorkerCount,
            _launcher,
            _options,
            directory,
            logger,
            logs);
        _runtimes[arn] = runtime;
        runtime.Start();
    }

    /// <summary>
    /// The runtime's plan: the worker group named after the connector (group <c>__amazon_msk_connect_NAME_ID</c>, the
    /// internal topics as MSK names them), MSK's default StringConverters, the worker configuration's properties over
    /// them (but never the group's identity or listener), the plugin's extracted .NET assemblies as plugin.path, and
    /// tasks.max capped at workers × MCUs × 2 (for autoscaling the maximum worker count).
    /// </summary>
    private ConnectorPlan? PlanFor(string arn)
    {
        lock (_lock)
        {
            if (_disposed || _state.Connectors.FirstOrDefault(c => c.Arn == arn) is not { State: not "DELETING" } connector)
            {
                return null;
            }
            var spec = connector.Spec;
            var suffix = $"{connector.Name}_{connector.Id}";
            var properties = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["key.converter"] = "org.apache.kafka.connect.storage.StringConverter",
                ["value.converter"] = "org.apache.kafka.connect.storage.StringConverter",
            };
            if (spec.WorkerConfiguration is { } reference
                && _state.WorkerConfigurations.FirstOrDefault(w => w.Arn == reference.WorkerConfigurationArn) is { } configuration
                && configuration.Revisions.FirstOrDefault(r => r.Revision == reference.Revision) is { } revision)
            {
                foreach (var (key, value) in ParseProperties(Encoding.UTF8.GetString(Convert.FromBase64String(revision.PropertiesFileContent))))
                {
                    properties[key] = value;
                }
            }
            properties["bootstrap.servers"] = spec.KafkaCluster!.ApacheKafkaCluster!.BootstrapServers!;
            ClientSecurity(properties, spec.KafkaClusterClientAuthentication?.AuthenticationType ?? "NONE", spec.KafkaClusterEncryptionInTransit?.EncryptionType ?? "PLAINTEXT");
            properties["group.id"] = "__amazon_msk_connect_" + suffix;
            properties["config.storage.topic"] = "__amazon_msk_connect_configs_" + suffix;
            properties["offset.storage.topic"] = "__amazon_msk_connect_offsets_" + suffix;
            properties["status.storage.topic"] = "__amazon_msk_connect_status_" + suffix;
            properties.Remove("listeners");
            var pluginReference = spec.Plugins![0].CustomPlugin!;
            if (_state.CustomPlugins.FirstOrDefault(p => p.Arn == pluginReference.CustomPluginArn)?.Revisions.FirstOrDefault(r => r.Revision == pluginReference.Revision)?.PluginPath is { } pluginPath)
            {
                properties["plugin.path"] = pluginPath;
            }
            var auto = spec.Capacity!.AutoScaling;
            var mcu = auto?.McuCount ?? spec.Capacity.ProvisionedCapacity!.McuCount!.Value;
            var cap = (auto?.MaxWorkerCount ?? spec.Capacity.ProvisionedCapacity!.WorkerCount!.Value) * mcu * TasksPerMcu;
            var config = new Dictionary<string, string>(spec.ConnectorConfiguration!, StringComparer.Ordinal);
            config["tasks.max"] = (int.TryParse(config.GetValueOrDefault("tasks.max"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var asked) && asked is > 0
                ? Math.Min(asked, cap) : cap).ToString(CultureInfo.InvariantCulture);
            config.Remove("name");
            return new ConnectorPlan(
                connector.Name, connector.CurrentVersion, properties, config, connector.WorkerCount, auto is not null,
                auto?.MinWorkerCount ?? connector.WorkerCount, auto?.MaxWorkerCount ?? connector.WorkerCount, mcu,
                auto?.ScaleInPolicy?.CpuUtilizationPercentage ?? DefaultScaleInPercent,
                auto?.ScaleOutPolicy?.CpuUtilizationPercentage ?? DefaultScaleOutPercent);
        }
    }

    /// <summary>For the admin port's metrics: each connector's name, state, worker count and the autoscaler's steps out and in.</summary>
    public IReadOnlyList<(string Name, string State, int Workers, long ScaleOuts, long ScaleIns)> ConnectorMetrics()
    {
        lock (_lock)
        {
            return [.. _state.Connectors.Select(c =>
            {
                var (outs, ins) = _runtimes.TryGetValue(c.Arn, out var runtime) ? runtime.ScalingSteps : (0, 0);
                return (c.Name, c.State, c.WorkerCount, outs, ins);
            })];
        }
    }

    /// <summary>
    /// The client security MSK Connect sets up for a connector's workers, in Kafka's property names for the worker
    /// itself and for its connectors' producers, consumers and admin clients: TLS trusting
    /// <see cref="MskConnectOptions.TrustStoreLocation"/> (MSK's workers trust Amazon's CAs; ours the CA the server is
    /// configured with), and for IAM the MSK IAM login module, signing with the credentials the workers get
    /// (<see cref="MskConnectOptions.WorkerCredentials"/>, MSK's service execution role). Set last: a worker
    /// configuration cannot weaken them.
    /// </summary>
    private void ClientSecurity(Dictionary<string, string> properties, string authentication, string encryption)
    {
        if (encryption != "TLS")
        {
            return;
        }
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["security.protocol"] = authentication == "IAM" ? "SASL_SSL" : "SSL",
        };
        if (_options.TrustStoreLocation is { } trustStore)
        {
            settings["ssl.truststore.type"] = "PEM";
            settings["ssl.truststore.location"] = trustStore;
        }
        if (authentication == "IAM")
        {
            settings["sasl.mechanism"] = "AWS_MSK_IAM";
            settings["sasl.jaas.config"] = "software.amazon.msk.auth.iam.IAMLoginModule required;";
            settings["sasl.client.callback.handler.class"] = "software.amazon.msk.auth.iam.IAMClientCallbackHandler";
        }
        foreach (var prefix in (string[])["", "producer.", "consumer.", "admin."])
        {
            foreach (var (key, value) in settings)
            {
                properties[prefix + key] = value;
            }
        }
    }

    private void Report(string arn, string state, StateDescription? description)
    {
        lock (_lock)
        {
            if (_disposed || _state.Connectors.FirstOrDefault(c => c.Arn == arn) is not { } connector || connector.State == "DELETING")
            {
                return;
            }
            if (connector.State == state && Equals(connector.StateDescription, description))
            {
                return;
            }
            connector.State = state;
            connector.StateDescription = description;
            if (state is "RUNNING" or "FAILED" && connector.Operations?.LastOrDefault() is { State: "UPDATE_IN_PROGRESS" } operation)
            {
                operation.State = state == "RUNNING" ? "UPDATE_COMPLETE" : "UPDATE_FAILED";
                operation.ErrorInfo = description;
                operation.EndTime = AwsRestJson.Timestamp(DateTimeOffset.UtcNow);
            }
            Save();
        }
    }

    /// <summary>ListConnectorOperations: a connector's operations, newest first; NotFoundException for an unknown connector.</summary>
    public IReadOnlyList<StoredConnectorOperation> ConnectorOperations(string connectorArn)
    {
        lock (_lock)
        {
            return [.. (FindConnector(connectorArn).Operations ?? []).AsEnumerable().Reverse().Select(Clone)];
        }
    }

    /// <summary>DescribeConnectorOperation: the operation and its connector's ARN; NotFoundException for an unknown operation.</summary>
    public (string ConnectorArn, StoredConnectorOperation Operation) ConnectorOperation(string operationArn)
    {
        lock (_lock)
        {
            foreach (var connector in _state.Connectors)
            {
                if (connector.Operations?.FirstOrDefault(o => o.Arn == operationArn) is { } operation)
                {
                    return (connector.Arn, Clone(operation));
                }
            }
            throw MskConnectException.NotFound($"The connector operation {operationArn} does not exist.");
        }
    }

    private void ReportWorkers(string arn, int workers)
    {
        lock (_lock)
        {
            if (!_disposed && _state.Connectors.FirstOrDefault(c => c.Arn == arn) is { } connector && connector.WorkerCount != workers)
            {
                connector.WorkerCount = workers;
                Save();
            }
        }
    }

    /// <summary>Java properties as worker configurations hold them: key=value or key:value lines, # and ! comments.</summary>
    internal static IEnumerable<KeyValuePair<string, string>> ParseProperties(string text)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or '!')
            {
                continue;
            }
            var separator = line.IndexOfAny(['=', ':']);
            if (separator <= 0)
            {
                continue;
            }
            yield return new(line[..separator].Trim(), line[(separator + 1)..].Trim());
        }
    }

    private string Arn(string type, string name) =>
        $"arn:aws:kafkaconnect:{_options.Region}:{_options.AccountId}:{type}/{name}/{Guid.NewGuid()}-{Random.Shared.Next(1, 10)}";

    private static string NewVersion() => Guid.NewGuid().ToString("N")[..14].ToUpperInvariant();

    private void Save() => _state.Save(StatePath);

    private static T Clone<T>(T value) =>
        JsonSerializer.Deserialize<T>(JsonSerializer.SerializeToUtf8Bytes(value, AwsRestJson.Options), AwsRestJson.Options)!;

    /// <summary>Stops every connector's workers (they come back at the next <see cref="Open"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        List<ConnectorRuntime> runtimes;
        List<Task> deletions;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            runtimes = [.. _runtimes.Values];
            _runtimes.Clear();
            deletions = [.. _deletions];
        }
        // Deletions in progress stop their workers too: no worker outlives the server.
        await Task.WhenAll(runtimes.Select(r => r.StopAsync()).Concat(deletions)).ConfigureAwait(false);
        // An inspection still reading from it fails (CREATE_FAILED is not saved once disposed; it runs again at Open).
        _externalPluginStore?.Dispose();
    }
}

/// <summary>A connector and the process ids of its running workers.</summary>
public sealed record DescribedConnector(StoredConnector Connector, IReadOnlyList<int> WorkerProcessIds);
