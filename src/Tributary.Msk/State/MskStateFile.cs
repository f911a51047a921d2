using System.Text.Json;
using Tributary.Aws.RestJson;
using Tributary.Foundation.IO;

namespace Tributary.Msk.State;

/// <summary>
/// The MSK state file, <c>&lt;data dir&gt;/__cluster/msk.json</c>: the embedded cluster's identity, version, applied
/// configuration and tags; the clusters CreateCluster made (with their state and listener port); the configurations
/// with every revision; the last cluster operations. A frozen format (docs/formats/msk-state.md; keep in sync with it
/// and <c>MskStateFormatTests</c>): version 2 (version 1, without created clusters, is read and written back as 2),
/// camelCase members, times as ISO 8601 UTC strings, server properties base64. Replaced whole through
/// <see cref="DurableFile"/>.
/// </summary>
public sealed class MskStateFile
{
    public const int CurrentVersion = 2;

    /// <summary>Version 1 had no created clusters; it reads as version 2 with none.</summary>
    public const int PreviousVersion = 1;

    public const string FileName = "msk.json";

    private static readonly JsonSerializerOptions Json = new(AwsRestJson.Options) { WriteIndented = true };

    public int Version { get; set; } = CurrentVersion;

    public StoredCluster? Cluster { get; set; }

    /// <summary>The clusters made by CreateCluster, in creation order; a deleted one is removed once its broker is gone.</summary>
    public List<StoredCluster> CreatedClusters { get; set; } = [];

    public List<StoredConfiguration> Configurations { get; set; } = [];

    public List<StoredOperation> Operations { get; set; } = [];

    public static MskStateFile? Load(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }
        var state = JsonSerializer.Deserialize<MskStateFile>(File.ReadAllBytes(path), Json)
            ?? throw new InvalidDataException($"{path} is empty.");
        if (state.Version is not (CurrentVersion or PreviousVersion))
        {
            throw new InvalidDataException($"{path} has version {state.Version}; this Tributary reads versions {PreviousVersion} and {CurrentVersion}.");
        }
        state.Version = CurrentVersion;
        return state;
    }

    public void Save(string path) => DurableFile.WriteAtomically(path, Serialize());

    public byte[] Serialize() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    public static MskStateFile Deserialize(ReadOnlySpan<byte> bytes) => JsonSerializer.Deserialize<MskStateFile>(bytes, Json)!;
}

public sealed class StoredCluster
{
    public string Arn { get; set; } = "";
    public string Name { get; set; } = "";
    public string CreationTime { get; set; } = "";
    public string CurrentVersion { get; set; } = "";
    public string? ConfigurationArn { get; set; }
    public long? ConfigurationRevision { get; set; }
    public Dictionary<string, string> Tags { get; set; } = new(StringComparer.Ordinal);

    // The members below are a created cluster's; the embedded cluster has none of them (always ACTIVE, serve's listener).

    /// <summary>CREATING, ACTIVE, DELETING or FAILED, as MSK names cluster states.</summary>
    public string? State { get; set; }

    /// <summary>Why the cluster is FAILED (MSK's stateInfo message).</summary>
    public string? StateMessage { get; set; }

    /// <summary>The listener's port once the broker first listened; the broker binds it again at every start.</summary>
    public int? Port { get; set; }

    public string? KafkaVersion { get; set; }

    public string? InstanceType { get; set; }
}

public sealed class StoredConfiguration
{
    public string Arn { get; set; } = "";
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public List<string> KafkaVersions { get; set; } = [];
    public string CreationTime { get; set; } = "";
    public Dictionary<string, string> Tags { get; set; } = new(StringComparer.Ordinal);
    public List<StoredRevision> Revisions { get; set; } = [];
}

public sealed class StoredRevision
{
    public long Revision { get; set; }
    public string CreationTime { get; set; } = "";
    public string? Description { get; set; }
    public byte[] ServerProperties { get; set; } = [];
}

public sealed class StoredOperation
{
    public string Arn { get; set; } = "";
    public string Type { get; set; } = "";
    public string State { get; set; } = "";
    public string CreationTime { get; set; } = "";
    public string? EndTime { get; set; }
    public string? SourceConfigurationArn { get; set; }
    public long? SourceConfigurationRevision { get; set; }
    public string? TargetConfigurationArn { get; set; }
    public long? TargetConfigurationRevision { get; set; }
}
