using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Tributary.Aws.RestJson;
using Tributary.Broker;
using Tributary.Msk.Properties;

namespace Tributary.Msk.State;

/// <summary>
/// The MSK control plane's state: the embedded broker as the one cluster (a stable ARN made at first start), the
/// configurations with their revisions, tags on both, and the cluster operations. Every change is saved to the state
/// file (<see cref="MskStateFile"/>) before it is answered; at open, the configuration the cluster was last given is
/// applied to the broker again (the broker keeps no dynamic defaults of its own). Thread-safe: one lock around state
/// and file; readers get copies.
/// </summary>
public sealed class MskRegistry
{
    private readonly object _lock = new();
    private readonly string _path;
    private readonly MskStateFile _state;
    private readonly IBrokerApi _broker;
    private readonly Func<string> _bootstrapBrokers;

    private MskRegistry(string path, MskStateFile state, IBrokerApi broker, Func<string> bootstrapBrokers, MskOptions options)
    {
        _path = path;
        _state = state;
        _broker = broker;
        _bootstrapBrokers = bootstrapBrokers;
        Options = options;
    }

    public MskOptions Options { get; }

    /// <summary>The embedded cluster's ARN.</summary>
    public string ClusterArn => _state.Cluster!.Arn;

    /// <summary>The advertised Kafka listener, <c>host:port</c>.</summary>
    public string BootstrapBrokers => _bootstrapBrokers();

    public int BrokerNodeId => _broker.NodeId;

    /// <summary>
    /// Loads (or creates) the state in the broker's metadata directory and applies the cluster's configuration to the
    /// broker. InvalidDataException when the file is unreadable or of another version.
    /// </summary>
    public static MskRegistry Open(IBrokerApi broker, Func<string> bootstrapBrokers, MskOptions options, ILogger logger)
    {
        var path = Path.Combine(broker.MetadataDirectory, MskStateFile.FileName);
        var state = MskStateFile.Load(path) ?? new MskStateFile();
        var registry = new MskRegistry(path, state, broker, bootstrapBrokers, options);
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
                registry.Save();
            }
            var cluster = state.Cluster;
            if (cluster.ConfigurationArn is { } arn && cluster.ConfigurationRevision is { } revision
                && registry.FindRevisionLocked(arn, revision) is { } stored)
            {
                try
                {
                    registry.ApplyLocked(stored.ServerProperties);
                }
                catch (MskException e)
                {
                    // Accepted once, so only a broker that validates differently now refuses it: start with the static defaults.
                    logger.LogWarning("The MSK configuration {Arn} revision {Revision} no longer applies: {Message}", arn, revision, e.Message);
                }
            }
        }
        return registry;
    }

    /// <summary>The cluster when <paramref name="arn"/> names it; NotFoundException otherwise.</summary>
    public StoredCluster Cluster(string arn)
    {
        lock (_lock)
        {
            var cluster = _state.Cluster!;
            if (!string.Equals(cluster.Arn, arn, StringComparison.Ordinal))
            {
                throw MskException.NotFound($"The cluster {arn} does not exist.", "clusterArn");
            }
            return Copy(cluster);
        }
    }

    /// <summary>Every cluster (the embedded one) whose name starts with the filter, as MSK's clusterNameFilter matches.</summary>
    public IReadOnlyList<StoredCluster> Clusters(string? nameFilter)
    {
        lock (_lock)
        {
            var cluster = _state.Cluster!;
            return nameFilter is null || cluster.Name.StartsWith(nameFilter, StringComparison.Ordinal) ? [Copy(cluster)] : [];
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
            if (_state.Cluster!.ConfigurationArn == arn)
            {
                throw MskException.BadRequest($"The configuration {arn} is in use by the cluster {_state.Cluster.Arn}.", "arn");
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
            var cluster = _state.Cluster!;
            if (!string.Equals(cluster.Arn, clusterArn, StringComparison.Ordinal))
            {
                throw MskException.NotFound($"The cluster {clusterArn} does not exist.", "clusterArn");
            }
            if (!string.Equals(cluster.CurrentVersion, currentVersion, StringComparison.Ordinal))
            {
                throw MskException.BadRequest("The provided current cluster version does not match the cluster's current version.", "currentVersion");
            }
            FindConfigurationLocked(configurationArn);
            var stored = FindRevisionLocked(configurationArn, revision)
                ?? throw MskException.BadRequest($"The configuration {configurationArn} has no revision {revision}.", "configurationInfo");
            var started = AwsRestJson.Timestamp(DateTimeOffset.UtcNow);
            ApplyLocked(stored.ServerProperties);
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
        if (_state.Cluster!.Arn == resourceArn)
        {
            return _state.Cluster.Tags;
        }
        return _state.Configurations.FirstOrDefault(c => c.Arn == resourceArn)?.Tags
            ?? throw MskException.NotFound($"The resource {resourceArn} does not exist.", "resourceArn");
    }

    private void ApplyLocked(byte[] serverProperties)
    {
        var defaults = ServerProperties.TopicDefaults(ServerProperties.Parse(serverProperties));
        var (error, message) = _broker.SetDynamicBrokerDefaults(defaults);
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
