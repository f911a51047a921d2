using Tributary.Connect.Config;
using Tributary.Connect.Plugins;
using Tributary.Connect.Sink;

namespace Tributary.Connect.File;

/// <summary>Kafka's <c>FileStreamSinkConnector</c>: writes each record's value as a line to a file (or standard output). Key: <c>file</c>.</summary>
[ConnectPlugin("org.apache.kafka.connect.file.FileStreamSinkConnector")]
public sealed class FileStreamSinkConnector : SinkConnector
{
    public const string FileConfig = "file";

    private IReadOnlyDictionary<string, string> _properties = new Dictionary<string, string>();

    public static ConfigDef Definition { get; } = new ConfigDef()
        .Define(FileConfig, ConfigType.String, null, Importance.High, "Destination filename. If not specified, the standard output will be used");

    public override string Version => FileStreamVersion.Value;

    public override ConfigDef Config => Definition;

    public override Type TaskClass => typeof(FileStreamSinkTask);

    public override Task StartAsync(IReadOnlyDictionary<string, string> properties, CancellationToken cancellationToken)
    {
        _properties = properties;
        return Task.CompletedTask;
    }

    public override IReadOnlyList<IReadOnlyDictionary<string, string>> TaskConfigs(int maxTasks) =>
        [.. Enumerable.Range(0, maxTasks).Select(_ => (IReadOnlyDictionary<string, string>)new Dictionary<string, string>(_properties))];

    public override Task StopAsync() => Task.CompletedTask;

    /// <summary>The file keeps no offsets of its own: the consumer group's are all there is.</summary>
    public override bool AlterOffsets(IReadOnlyDictionary<string, string> connectorConfig, IReadOnlyDictionary<TopicPartition, long?> offsets) => true;
}
