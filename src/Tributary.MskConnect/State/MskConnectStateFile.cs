using System.Text.Json;
using Tributary.Aws.RestJson;
using Tributary.Foundation.IO;
using Tributary.MskConnect.Messages;

namespace Tributary.MskConnect.State;

/// <summary>
/// The MSK Connect state file, <c>&lt;data dir&gt;/msk-connect/state.json</c>: custom plugins, worker configurations
/// and connectors with what each was created from. A frozen format (docs/msk-connect-api.md; keep in sync with it
/// and <c>MskConnectStateFormatTests</c>): version 1, camelCase members, times as ISO 8601 UTC strings, worker
/// properties base64 as the API carries them. Replaced whole through <see cref="DurableFile"/>.
/// </summary>
public sealed class MskConnectStateFile
{
    public const int CurrentVersion = 1;

    public const string FileName = "state.json";

    private static readonly JsonSerializerOptions Json = new(AwsRestJson.Options) { WriteIndented = true };

    public int Version { get; set; } = CurrentVersion;

    public List<StoredPlugin> CustomPlugins { get; set; } = [];

    public List<StoredWorkerConfiguration> WorkerConfigurations { get; set; } = [];

    public List<StoredConnector> Connectors { get; set; } = [];

    public static MskConnectStateFile? Load(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }
        var state = Deserialize(File.ReadAllBytes(path)) ?? throw new InvalidDataException($"{path} is empty.");
        if (state.Version != CurrentVersion)
        {
            throw new InvalidDataException($"{path} has version {state.Version}; this Tributary reads version {CurrentVersion}.");
        }
        return state;
    }

    public void Save(string path) => DurableFile.WriteAtomically(path, Serialize());

    public byte[] Serialize() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    public static MskConnectStateFile? Deserialize(ReadOnlySpan<byte> bytes) => JsonSerializer.Deserialize<MskConnectStateFile>(bytes, Json);
}

public sealed class StoredPlugin
{
    public string Arn { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public string CreationTime { get; set; } = "";
    public string State { get; set; } = "";
    public StateDescription? StateDescription { get; set; }
    public Dictionary<string, string> Tags { get; set; } = new(StringComparer.Ordinal);
    public List<StoredPluginRevision> Revisions { get; set; } = [];
}

public sealed class StoredPluginRevision
{
    public long Revision { get; set; }
    public string ContentType { get; set; } = "";
    public string CreationTime { get; set; } = "";
    public string? Description { get; set; }
    public string BucketArn { get; set; } = "";
    public string FileKey { get; set; } = "";
    public string? ObjectVersion { get; set; }
    public string? FileMd5 { get; set; }
    public long? FileSize { get; set; }

    /// <summary>The connector classes found in the archive (built-in ones by their Java class name).</summary>
    public List<string> ConnectorClasses { get; set; } = [];

    /// <summary>Where the archive's .NET assemblies were extracted (the workers' plugin.path), or null.</summary>
    public string? PluginPath { get; set; }
}

public sealed class StoredWorkerConfiguration
{
    public string Arn { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public string CreationTime { get; set; } = "";
    public Dictionary<string, string> Tags { get; set; } = new(StringComparer.Ordinal);
    public List<StoredWorkerConfigurationRevision> Revisions { get; set; } = [];
}

public sealed class StoredWorkerConfigurationRevision
{
    public long Revision { get; set; }
    public string CreationTime { get; set; } = "";
    public string? Description { get; set; }
    public string PropertiesFileContent { get; set; } = "";
}

public sealed class StoredConnector
{
    public string Arn { get; set; } = "";
    public string Name { get; set; } = "";

    /// <summary>The ARN's last segment: part of the worker group's and internal topics' names.</summary>
    public string Id { get; set; } = "";
    public string CreationTime { get; set; } = "";
    public string CurrentVersion { get; set; } = "";
    public string State { get; set; } = "";
    public StateDescription? StateDescription { get; set; }

    /// <summary>The workers running now: the provisioned count, or the autoscaler's choice within [min, max].</summary>
    public int WorkerCount { get; set; }

    /// <summary>The request the connector was created from, with capacity and configuration as last updated.</summary>
    public CreateConnectorRequest Spec { get; set; } = new();

    /// <summary>UpdateConnector's operations, oldest first (the last 50 kept); absent until the first update.</summary>
    public List<StoredConnectorOperation>? Operations { get; set; }
}

/// <summary>One UpdateConnector as ListConnectorOperations / DescribeConnectorOperation report it.</summary>
public sealed class StoredConnectorOperation
{
    public string Arn { get; set; } = "";

    /// <summary>UPDATE_WORKER_SETTING (capacity) or UPDATE_CONNECTOR_CONFIGURATION.</summary>
    public string Type { get; set; } = "";

    /// <summary>UPDATE_IN_PROGRESS until the connector runs again (UPDATE_COMPLETE) or fails (UPDATE_FAILED).</summary>
    public string State { get; set; } = "";
    public string CreationTime { get; set; } = "";
    public string? EndTime { get; set; }
    public Capacity? OriginCapacity { get; set; }
    public Capacity? TargetCapacity { get; set; }
    public Dictionary<string, string>? OriginConfiguration { get; set; }
    public Dictionary<string, string>? TargetConfiguration { get; set; }
    public StateDescription? ErrorInfo { get; set; }
}
