using Tributary.Connect.Config;
using Tributary.Connect.Errors;
using Tributary.Connect.Plugins;
using Tributary.Connect.Source;

namespace Tributary.Connect.File;

/// <summary>
/// Kafka's <c>FileStreamSourceConnector</c>: reads a file (or standard input) line by line into one topic. One task.
/// Keys: <c>file</c>, <c>topic</c> (exactly one), <c>batch.size</c> (2000).
/// </summary>
[ConnectPlugin("org.apache.kafka.connect.file.FileStreamSourceConnector")]
public sealed class FileStreamSourceConnector : SourceConnector
{
    public const string FileConfig = "file";
    public const string TopicConfig = "topic";
    public const string BatchSizeConfig = "batch.size";
    public const int DefaultBatchSize = 2000;

    private IReadOnlyDictionary<string, string> _properties = new Dictionary<string, string>();

    public static ConfigDef Definition { get; } = new ConfigDef()
        .Define(FileConfig, ConfigType.String, null, Importance.High, "Source filename. If not specified, the standard input will be used")
        .DefineRequired(TopicConfig, ConfigType.List, Importance.High, "The topic to publish data to", Validators.Lambda((name, value) =>
            value is IReadOnlyList<string> { Count: 1 } topics && topics[0].Trim().Length > 0 ? null : "'topic' in FileStreamSourceConnector configuration requires definition of a single topic"))
        .Define(BatchSizeConfig, ConfigType.Int, DefaultBatchSize, Importance.Low, "The maximum number of records the source task can read from the file each time it is polled");

    public override string Version => FileStreamVersion.Value;

    public override ConfigDef Config => Definition;

    public override Type TaskClass => typeof(FileStreamSourceTask);

    public override Task StartAsync(IReadOnlyDictionary<string, string> properties, CancellationToken cancellationToken)
    {
        _ = new AbstractConfig(Definition, properties);
        _properties = properties;
        return Task.CompletedTask;
    }

    /// <summary>One task whatever tasks.max says: a file has one reader.</summary>
    public override IReadOnlyList<IReadOnlyDictionary<string, string>> TaskConfigs(int maxTasks) => [new Dictionary<string, string>(_properties)];

    public override Task StopAsync() => Task.CompletedTask;

    public override ExactlyOnceSupport? ExactlyOnceSupport(IReadOnlyDictionary<string, string> properties) =>
        properties.TryGetValue(FileConfig, out var file) && file.Trim().Length > 0 ? Source.ExactlyOnceSupport.Supported : Source.ExactlyOnceSupport.Unsupported;

    /// <summary>Accepts offsets of Kafka's shape only: partition {"filename"}, offset {"position": non-negative integer}.</summary>
    public override bool AlterOffsets(IReadOnlyDictionary<string, string> connectorConfig, IReadOnlyDictionary<IReadOnlyDictionary<string, object?>, IReadOnlyDictionary<string, object?>?> offsets)
    {
        foreach (var (partition, offset) in offsets)
        {
            if (!partition.ContainsKey(FileStreamSourceTask.FilenameField))
            {
                throw new ConnectException($"Partition objects for offsets must contain the key '{FileStreamSourceTask.FilenameField}'");
            }
            if (offset is not null && (!offset.TryGetValue(FileStreamSourceTask.PositionField, out var position) || position is not (long and >= 0 or int and >= 0)))
            {
                throw new ConnectException($"Offset objects should either be null or contain the key '{FileStreamSourceTask.PositionField}' with a non-negative integer value");
            }
        }
        return true;
    }
}

/// <summary>The version the FileStream plugins report: this assembly's.</summary>
internal static class FileStreamVersion
{
    public static readonly string Value = typeof(FileStreamVersion).Assembly.GetName().Version?.ToString(3) ?? "1.0.0";
}
