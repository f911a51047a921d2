using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Tributary.Aws.RestJson;
using Tributary.Broker;
using Tributary.Msk.Properties;

namespace Tributary.Msk.State;

/// <summary>
/// The MSK control plane's state: the embedded broker as the first cluster (a stable ARN made at first start), the
/// clusters CreateCluster makes (each its own broker, run by <see cref="IClusterBrokers"/>), the configurations with
/// their revisions, tags, and the cluster operations. Every change is saved to the state file
/// (<see cref="MskStateFile"/>) before it is answered; at open, the configuration each cluster was last given is applied
/// to its broker again (a broker keeps no dynamic defaults of its own) and the created clusters' brokers are started.
/// A created cluster is CREATING until its broker listens, then ACTIVE (FAILED with a message when it cannot start);
/// DeleteCluster makes it DELETING, closes its broker, removes its data directory and then forgets it. Thread-safe: one
/// lock around state and file; readers get copies; a cluster's start and stop run in the background, one after the
/// other, and are awaited at disposal.
/// </summary>
public sealed class MskRegistry : IAsyncDisposable
{
    /// <summary>Created clusters' data directories, one per cluster id, under the embedded broker's metadata directory.</summary>
    public const string ClustersDirectoryName = "msk-clusters";

    private readonly object _lock = new();
    private readonly string _path;
    private readonly MskStateFile _state;
    private readonly IBrokerApi _broker;
    private readonly Func<string> _bootstrapBrokers;
    private readonly IClusterBrokers _clusterBrokers;
    private readonly ILogger _logger;
    private readonly Dictionary<string, IClusterBroker> _running = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Task> _lifecycle = new(StringComparer.Ordinal);
    private bool _disposed;

    private MskRegistry(string path, MskStateFile state, IBrokerApi broker, Func<string> bootstrapBrokers, IClusterBrokers clusterBrokers, MskOptions options, ILogger logger)
    {
        _path = path;
        _state = state;
        _broker = broker;
        _bootstrapBrokers = bootstrapBrokers;
        _clusterBrokers = clusterBrokers;
        _logger = logger;
        Options = options;
    }

    public MskOptions Options { get; }

    /// <summary>The embedded cluster's ARN.</summary>
    public string ClusterArn => _state.Cluster!.Arn;

    /// <summary>
    /// Loads (or creates) the state in the broker's metadata directory, applies the embedded cluster's configuration to
    /// the broker, starts the created clusters' brokers (awaited, so they listen when serve says it is serving) and
    /// finishes deletions a stop interrupted. InvalidDataException when the file is unreadable or of another version.
    /// </summary>
    public static async Task<MskRegistry> OpenAsync(IBrokerApi broker, Func<string> bootstrapBrokers, IClusterBrokers clusterBrokers, MskOptions options, ILogger logger)
    {
        var path = Path.Combine(broker.MetadataDirectory, MskStateFile.FileName);
        var state = MskStateFile.Load(path) ?? new MskStateFile();
        var registry = new MskRegistry(path, state, broker, bootstrapBrokers, clusterBrokers, options, logger);
        List<StoredCluster> created;
        lock (registry._lock)
        {
            if (state.Cluster is null)
            {
                state.Cluster = new StoredCluster
                {
                    Arn = $"arn:aws:kafka:{options.Region}:{options.AccountId}:cluster/{options.ClusterName}/{Guid.NewGuid()}",
                    Name = options.ClusterName,
                    CreationTime = AwsRestJson.Timestamp(DateTimeOffset.UtcNow),
                    CurrentVersion = NewClusterVersion(),
                };
            }
            registry.Save();
            registry.ReapplyLocked(state.Cluster, broker);
            created = [.. state.CreatedClusters];
        }
        foreach (var cluster in created)
        {
            if (cluster.State == "DELETING")
            {
                registry.Schedule(cluster.Arn, () => registry.RemoveAsync(cluster.Arn));
            }
            else
            {
                registry.Schedule(cluster.Arn, () => registry.StartBrokerAsync(cluster.Arn));
            }
        }
        await registry.IdleAsync().ConfigureAwait(false);
        return registry;
    }

    /// <summary>The cluster when <paramref name="arn"/> names one; NotFoundException otherwise.</summary>
    public StoredCluster Cluster(string arn)
    {
        lock (_lock)
        {
            return Copy(FindClusterLocked(arn));
        }
    }

    /// <summary>Every cluster (the embedded one first, then the created ones) whose name starts with the filter, as MSK's clusterNameFilter matches.</summary>
    public IReadOnlyList<StoredCluster> Clusters(string? nameFilter)
    {
        lock (_lock)
        {
            return [.. AllClustersLocked().Where(c => nameFilter is null || c.Name.StartsWith(nameFilter, StringComparison.Ordinal)).Select(Copy)];
        }
    }

    /// <summary>Whether <paramref name="cluster"/> is the embedded broker (serve's own, not deletable).</summary>
    public bool IsEmbedded(StoredCluster cluster) => string.Equals(cluster.Arn, ClusterArn, StringComparison.Ordinal);

    /// <summary>A cluster's state as MSK reports it: the embedded one is always ACTIVE.</summary>
    public static string StateOf(StoredCluster cluster) => cluster.State ?? "ACTIVE";

    /// <summary>
    /// The cluster's bootstrap string, <c>host:port</c>; BadRequestException while a created cluster is not ACTIVE
    /// (its broker does not listen yet, or any more).
    /// </summary>
    public string BootstrapBrokers(string clusterArn) => Running(clusterArn) is { } running ? running.BootstrapBrokers : _bootstrapBrokers();

    /// <summary>The Kafka node id of the cluster's broker, as clients see it in metadata.</summary>
    public int BrokerNodeId(string clusterArn) => Running(clusterArn) is { } running ? running.Broker.NodeId : _broker.NodeId;

    /// <summary>
    /// CreateCluster / CreateClusterV2: records the cluster as CREATING (ConflictException for a name in use,
    /// BadRequestException for an unknown configuration revision), then starts its broker in the background on a data
    /// directory of its own and a free port; the cluster becomes ACTIVE once the broker listens and its configuration
    /// is applied, FAILED with the reason otherwise. Returns the new cluster.
    /// </summary>
    public StoredCluster CreateCluster(string name, string kafkaVersion, string instanceType, string? configurationArn, long? configurationRevision, IReadOnlyDictionary<string, string> tags)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (AllClustersLocked().Any(c => c.Name == name))
            {
                throw MskException.Conflict($"A cluster named {name} already exists.", "clusterName");
            }
            if (configurationArn is not null)
            {
                FindConfigurationLocked(configurationArn);
                if (configurationRevision is not { } revision || FindRevisionLocked(configurationArn, revision) is null)
                {
                    throw MskException.BadRequest($"The configuration {configurationArn} has no revision {configurationRevision}.", "configurationInfo");
                }
            }
            var cluster = new StoredCluster
            {
                Arn = $"arn:aws:kafka:{Options.Region}:{Options.AccountId}:cluster/{name}/{Guid.NewGuid()}",
                Name = name,
                CreationTime = AwsRestJson.Timestamp(DateTimeOffset.UtcNow),
                CurrentVersion = NewClusterVersion(),
                ConfigurationArn = configurationArn,
                ConfigurationRevision = configurationArn is null ? null : configurationRevision,
                Tags = new Dictionary<string, string>(tags, StringComparer.Ordinal),
                State = "CREATING",
                KafkaVersion = kafkaVersion,
                InstanceType = instanceType,
            };
            _state.CreatedClusters.Add(cluster);
            Save();
            Schedule(cluster.Arn, () => StartBrokerAsync(cluster.Arn));
            return Copy(cluster);
        }
    }

    /// <summary>
    /// DeleteCluster: the embedded cluster is refused (BadRequestException), as is a stale <paramref name="currentVersion"/>;
    /// otherwise the cluster becomes DELETING and its broker is closed and its data directory removed in the background,
    /// after which the cluster is gone (NotFoundException). Returns the cluster in state DELETING.
    /// </summary>
    public StoredCluster DeleteCluster(string arn, string? currentVersion)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var cluster = FindClusterLocked(arn);
            if (IsEmbedded(cluster))
            {
                throw MskException.BadRequest($"The cluster {cluster.Arn} is Tributary's embedded broker and cannot be deleted.", "clusterArn");
            }
            if (currentVersion is not null && !string.Equals(cluster.CurrentVersion, currentVersion, StringComparison.Ordinal))
            {
                throw MskException.BadRequest("The provided current cluster version does not match the cluster's current version.", "currentVersion");
            }
            if (cluster.State != "DELETING")
            {
                cluster.State = "DELETING";
                cluster.StateMessage = null;
                Save();
                Schedule(arn, () => RemoveAsync(arn));
            }
            return Copy(cluster);
        }
    }

    /// <summary>Waits for every cluster start and stop under way (tests and disposal).</summary>
    public Task IdleAsync()
    {
        lock (_lock)
        {
            return Task.WhenAll(_lifecycle.Values);
        }
    }

    /// <summary>Waits for the starts and stops under way, then closes every created cluster's broker.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            _disposed = true;
        }
        await IdleAsync().ConfigureAwait(false);
        List<IClusterBroker> running;
        lock (_lock)
        {
            running = [.. _running.Values];
            _running.Clear();
        }
        foreach (var broker in running)
        {
            await broker.DisposeAsync().ConfigureAwait(false);
        }
    }

    public StoredConfiguration CreateConfiguration(string name, string? description, IReadOnlyList<string> kafkaVersions, byte[] serverProperties)
    {
        ServerProperties.Validate(ServerProperties.Parse(serverProperties));
        lock (_lock)
        {
            if (_state.Configurations.Any(c => c.Name == name))
            {
                throw MskException.Conflict($"A configuration named {name} already exists.", "name");
            }
            var now = AwsRestJson.Timestamp(DateTimeOffset.UtcNow);
            var configuration = new StoredConfiguration
            {
                Arn = $"arn:aws:kafka:{Options.Region}:{Options.AccountId}:configuration/{name}/{Guid.NewGuid()}-1",
                Name = name,
                Description = description ?? "",
                KafkaVersions = [.. kafkaVersions],
                CreationTime = now,
                Revisions = [new StoredRevision { Revision = 1, CreationTime = now, Description = description, ServerProperties = serverProperties }],
            };
            _state.Configurations.Add(configuration);
            Save();
            return Copy(configuration);
        }
    }

    /// <summary>UpdateConfiguration: a new revision with these properties.</summary>
    public StoredConfiguration AddRevision(string arn, string? description, byte[] serverProperties)
    {
        ServerProperties.Validate(ServerProperties.Parse(serverProperties));
        lock (_lock)
        {
            var configuration = FindConfigurationLocked(arn);
            var latest = configuration.Revisions[^1];
            configuration.Revisions.Add(new StoredRevision
            {
                Revision = latest.Revision + 1,
                CreationTime = AwsRestJson.Timestamp(DateTimeOffset.UtcNow),
                Description = description,
                ServerProperties = serverProperties,
            });
            Save();
            return Copy(configuration);
        }
    }

    public StoredConfiguration Configuration(string arn)
    {
        lock (_lock)
        {
            return Copy(FindConfigurationLocked(arn));
        }
    }

    public IReadOnlyList<StoredConfiguration> Configurations()
    {
        lock (_lock)
        {
            return [.. _state.Configurations.Select(Copy)];
        }
    }

    /// <summary>A revision; NotFoundException for an unknown configuration or revision.</summary>
    public StoredRevision Revision(string arn, long revision)
    {
        lock (_lock)
        {
            FindConfigurationLocked(arn);
            return FindRevisionLocked(arn, revision) ?? throw MskException.NotFound($"The configuration {arn} has no revision {revision}.", "revision");
        }
    }

    /// <summary>DeleteConfiguration: refused (BadRequestException) while the cluster uses the configuration.</summary>
    public void DeleteConfiguration(string arn)
    {
        lock (_lock)
        {
            var configuration = FindConfigurationLocked(arn);
            if (AllClustersLocked().FirstOrDefault(c => c.ConfigurationArn == arn) is { } user)
            {
                throw MskException.BadRequest($"The configuration {arn} is in use by the cluster {user.Arn}.", "arn");
            }
            _state.Configurations.Remove(configuration);
            Save();
        }
    }

    /// <summary>
    /// UpdateClusterConfiguration: checks the cluster's current version (MSK's optimistic lock), applies the revision's
    /// properties to the broker, then records the new configuration, a new current version and a completed operation.
    /// Returns the operation's ARN.
    /// </summary>
    public string UpdateClusterConfiguration(string clusterArn, string currentVersion, string configurationArn, long revision)
    {
        lock (_lock)
        {
            var cluster = FindClusterLocked(clusterArn);
            if (StateOf(cluster) != "ACTIVE")
            {
                throw MskException.BadRequest($"The cluster {clusterArn} is {StateOf(cluster)}; its configuration can be updated when it is ACTIVE.", "clusterArn");
            }
            if (!string.Equals(cluster.CurrentVersion, currentVersion, StringComparison.Ordinal))
            {
                throw MskException.BadRequest("The provided current cluster version does not match the cluster's current version.", "currentVersion");
            }
            FindConfigurationLocked(configurationArn);
            var stored = FindRevisionLocked(configurationArn, revision)
                ?? throw MskException.BadRequest($"The configuration {configurationArn} has no revision {revision}.", "configurationInfo");
            var started = AwsRestJson.Timestamp(DateTimeOffset.UtcNow);
            ApplyLocked(BrokerLocked(cluster), stored.ServerProperties);
            var operation = new StoredOperation
            {
                Arn = $"arn:aws:kafka:{Options.Region}:{Options.AccountId}:cluster-operation/{cluster.Name}/{ClusterId(cluster.Arn)}/{Guid.NewGuid()}",
                Type = "UPDATE_CLUSTER_CONFIGURATION",
                State = "UPDATE_COMPLETE",
                CreationTime = started,
                EndTime = AwsRestJson.Timestamp(DateTimeOffset.UtcNow),
                SourceConfigurationArn = cluster.ConfigurationArn,
                SourceConfigurationRevision = cluster.ConfigurationRevision,
                TargetConfigurationArn = configurationArn,
                TargetConfigurationRevision = revision,
            };
            cluster.ConfigurationArn = configurationArn;
            cluster.ConfigurationRevision = revision;
            cluster.CurrentVersion = NewClusterVersion();
            _state.Operations.Add(operation);
            if (_state.Operations.Count > Options.MaxOperations)
            {
                _state.Operations.RemoveRange(0, _state.Operations.Count - Options.MaxOperations);
            }
            Save();
            return operation.Arn;
        }
    }

    public StoredOperation Operation(string arn)
    {
        lock (_lock)
        {
            return _state.Operations.FirstOrDefault(o => o.Arn == arn)
                ?? throw MskException.NotFound($"The cluster operation {arn} does not exist.", "clusterOperationArn");
        }
    }

    public IReadOnlyDictionary<string, string> Tags(string resourceArn)
    {
        lock (_lock)
        {
            return new Dictionary<string, string>(TagsLocked(resourceArn), StringComparer.Ordinal);
        }
    }

    public void Tag(string resourceArn, IReadOnlyDictionary<string, string> tags)
    {
        lock (_lock)
        {
            var target = TagsLocked(resourceArn);
            foreach (var (key, value) in tags)
            {
                target[key] = value;
            }
            Save();
        }
    }

    public void Untag(string resourceArn, IEnumerable<string> keys)
    {
        lock (_lock)
        {
            var target = TagsLocked(resourceArn);
            foreach (var key in keys)
            {
                target.Remove(key);
            }
            Save();
        }
    }

    /// <summary>The UUID part of a cluster ARN (<c>…:cluster/NAME/UUID</c>).</summary>
    public static string ClusterId(string clusterArn) => clusterArn[(clusterArn.LastIndexOf('/') + 1)..];

    private Dictionary<string, string> TagsLocked(string resourceArn)
    {
        if (AllClustersLocked().FirstOrDefault(c => c.Arn == resourceArn) is { } cluster)
        {
            return cluster.Tags;
        }
        return _state.Configurations.FirstOrDefault(c => c.Arn == resourceArn)?.Tags
            ?? throw MskException.NotFound($"The resource {resourceArn} does not exist.", "resourceArn");
    }

    private IEnumerable<StoredCluster> AllClustersLocked() => [_state.Cluster!, .. _state.CreatedClusters];

    private StoredCluster FindClusterLocked(string arn) =>
        AllClustersLocked().FirstOrDefault(c => string.Equals(c.Arn, arn, StringComparison.Ordinal))
        ?? throw MskException.NotFound($"The cluster {arn} does not exist.", "clusterArn");

    /// <summary>The running broker of a created cluster; null for the embedded one; BadRequestException when not running.</summary>
    private IClusterBroker? Running(string clusterArn)
    {
        lock (_lock)
        {
            var cluster = FindClusterLocked(clusterArn);
            if (IsEmbedded(cluster))
            {
                return null;
            }
            return _running.GetValueOrDefault(cluster.Arn)
                ?? throw MskException.BadRequest($"The cluster {clusterArn} is {StateOf(cluster)}; its brokers are reachable when it is ACTIVE.", "clusterArn");
        }
    }

    private IBrokerApi BrokerLocked(StoredCluster cluster) =>
        IsEmbedded(cluster) ? _broker : _running.GetValueOrDefault(cluster.Arn)?.Broker
            ?? throw MskException.BadRequest($"The cluster {cluster.Arn} is {StateOf(cluster)}.", "clusterArn");

    private string DataDirectory(string clusterArn) => Path.Combine(_broker.MetadataDirectory, ClustersDirectoryName, ClusterId(clusterArn));

    /// <summary>Runs <paramref name="work"/> after the cluster's previous start or stop; the last one is kept for <see cref="IdleAsync"/>.</summary>
    private void Schedule(string clusterArn, Func<Task> work)
    {
        lock (_lock)
        {
            var previous = _lifecycle.GetValueOrDefault(clusterArn) ?? Task.CompletedTask;
            _lifecycle[clusterArn] = previous.ContinueWith(_ => work(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
        }
    }

    /// <summary>
    /// Starts a created cluster's broker on its data directory and the port it had (a free one the first time; a free
    /// one again, with a warning, when that port is taken now), applies its configuration, and records it ACTIVE with
    /// the port; FAILED with the reason when the broker cannot start.
    /// </summary>
    private async Task StartBrokerAsync(string arn)
    {
        int? port;
        lock (_lock)
        {
            if (_disposed || _state.CreatedClusters.FirstOrDefault(c => c.Arn == arn) is not { State: not "DELETING" } cluster)
            {
                return;
            }
            port = cluster.Port;
        }
        IClusterBroker? started = null;
        string? failure = null;
        try
        {
            try
            {
                started = await _clusterBrokers.StartAsync(DataDirectory(arn), port ?? 0).ConfigureAwait(false);
            }
            catch (ClusterBrokerException e) when (port is not null)
            {
                _logger.LogWarning("The MSK cluster {Arn} cannot listen on its port {Port} again ({Message}); it gets a new port.", arn, port, e.Message);
                started = await _clusterBrokers.StartAsync(DataDirectory(arn), 0).ConfigureAwait(false);
            }
        }
        catch (ClusterBrokerException e)
        {
            failure = e.Message;
        }
        lock (_lock)
        {
            var cluster = _state.CreatedClusters.FirstOrDefault(c => c.Arn == arn);
            if (started is not null && cluster is not null && !_disposed)
            {
                _running[arn] = started;
                started = null;
                ReapplyLocked(cluster, _running[arn].Broker);
                if (cluster.State is "CREATING" or "FAILED")
                {
                    cluster.State = "ACTIVE";
                }
                cluster.StateMessage = null;
                cluster.Port = _running[arn].Port;
                Save();
            }
            else if (cluster is not null && failure is not null)
            {
                _logger.LogWarning("The MSK cluster {Arn} cannot start: {Message}", arn, failure);
                cluster.State = "FAILED";
                cluster.StateMessage = failure;
                Save();
            }
        }
        if (started is not null)
        {
            await started.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Closes a deleted cluster's broker, removes its data directory and forgets the cluster.</summary>
    private async Task RemoveAsync(string arn)
    {
        IClusterBroker? running;
        lock (_lock)
        {
            _running.Remove(arn, out running);
        }
        if (running is not null)
        {
            await running.DisposeAsync().ConfigureAwait(false);
        }
        var directory = DataDirectory(arn);
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Kept DELETING: the next start tries again.
            _logger.LogWarning("The data directory {Directory} of the deleted MSK cluster {Arn} cannot be removed: {Message}", directory, arn, e.Message);
            return;
        }
        lock (_lock)
        {
            _state.CreatedClusters.RemoveAll(c => c.Arn == arn);
            Save();
        }
    }

    /// <summary>Applies the configuration revision a cluster was last given to its broker; a failure is logged (accepted once).</summary>
    private void ReapplyLocked(StoredCluster cluster, IBrokerApi broker)
    {
        if (cluster.ConfigurationArn is { } arn && cluster.ConfigurationRevision is { } revision && FindRevisionLocked(arn, revision) is { } stored)
        {
            try
            {
                ApplyLocked(broker, stored.ServerProperties);
            }
            catch (MskException e)
            {
                // Accepted once, so only a broker that validates differently now refuses it: run with the static defaults.
                _logger.LogWarning("The MSK configuration {Arn} revision {Revision} no longer applies to {Cluster}: {Message}", arn, revision, cluster.Arn, e.Message);
            }
        }
    }

    private static void ApplyLocked(IBrokerApi broker, byte[] serverProperties)
    {
        var defaults = ServerProperties.TopicDefaults(ServerProperties.Parse(serverProperties));
        var (error, message) = broker.SetDynamicBrokerDefaults(defaults);
        if (error != ErrorCode.None)
        {
            throw MskException.BadRequest($"The broker refused the configuration: {message}", "configurationInfo");
        }
    }

    private StoredConfiguration FindConfigurationLocked(string arn) =>
        _state.Configurations.FirstOrDefault(c => c.Arn == arn)
        ?? throw MskException.NotFound($"The configuration {arn} does not exist.", "arn");

    private StoredRevision? FindRevisionLocked(string arn, long revision) =>
        _state.Configurations.FirstOrDefault(c => c.Arn == arn)?.Revisions.FirstOrDefault(r => r.Revision == revision);

    private void Save()
    {
        try
        {
            _state.Save(_path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw MskException.InternalServerError($"Saving the MSK state failed: {e.Message}");
        }
    }

    /// <summary>MSK's current versions are opaque upper-case alphanumeric strings (e.g. K3AEGXETSR30VB).</summary>
    private static string NewClusterVersion() => RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 14);

    private static StoredCluster Copy(StoredCluster c) => new()
    {
        Arn = c.Arn,
        Name = c.Name,
        CreationTime = c.CreationTime,
        CurrentVersion = c.CurrentVersion,
        ConfigurationArn = c.ConfigurationArn,
        ConfigurationRevision = c.ConfigurationRevision,
        Tags = new Dictionary<string, string>(c.Tags, StringComparer.Ordinal),
        State = c.State,
        StateMessage = c.StateMessage,
        Port = c.Port,
        KafkaVersion = c.KafkaVersion,
        InstanceType = c.InstanceType,
    };

    private static StoredConfiguration Copy(StoredConfiguration c) => new()
    {
        Arn = c.Arn,
        Name = c.Name,
        Description = c.Description,
        KafkaVersions = [.. c.KafkaVersions],
        CreationTime = c.CreationTime,
        Tags = new Dictionary<string, string>(c.Tags, StringComparer.Ordinal),
        Revisions = [.. c.Revisions],
    };
}
