using System.Globalization;
using Tributary.Connect.Config;
using Tributary.Connect.Plugins;
using Tributary.Connect.S3.Config;
using Tributary.Connect.Sink;

namespace Tributary.Connect.S3;

/// <summary>
/// Confluent's S3 sink connector under its Java class name, configured in its keys (<see cref="S3SinkConfigDef"/>).
/// Validation reports per key both single-key errors (types, ranges, class names) and Confluent's cross-key checks.
/// </summary>
[ConnectPlugin("io.confluent.connect.s3.S3SinkConnector")]
public sealed class S3SinkConnector : SinkConnector
{
    /// <summary>The version reported in /connector-plugins: Confluent's line this is compatible with, and Tributary's mark.</summary>
    public const string ConnectorVersion = "10.6.0-tributary";

    private IReadOnlyDictionary<string, string> _properties = new Dictionary<string, string>();

    public override string Version => ConnectorVersion;

    public override ConfigDef Config => S3SinkConfigDef.Definition;

    public override Type TaskClass => typeof(S3SinkTask);

    public override Task StartAsync(IReadOnlyDictionary<string, string> properties, CancellationToken cancellationToken)
    {
        _ = new S3SinkConnectorConfig(properties);
        _properties = properties;
        return Task.CompletedTask;
    }

    public override IReadOnlyList<IReadOnlyDictionary<string, string>> TaskConfigs(int maxTasks) =>
        [.. Enumerable.Range(0, maxTasks).Select(i => (IReadOnlyDictionary<string, string>)new Dictionary<string, string>(_properties)
        {
            [S3SinkTask.TaskIdConfig] = i.ToString(CultureInfo.InvariantCulture),
        })];

    public override Task StopAsync() => Task.CompletedTask;

    public override ConfigValidation Validate(IReadOnlyDictionary<string, string> properties)
    {
        var values = Config.Validate(properties);
        var byName = values.ToDictionary(v => v.Name, StringComparer.Ordinal);
        var parsed = values.Where(v => v.ErrorMessages.Count == 0).ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);
        foreach (var (key, message) in S3SinkConnectorConfig.CrossKeyErrors(parsed))
        {
            if (byName.TryGetValue(key, out var value) && !value.ErrorMessages.Contains(message))
            {
                value.AddErrorMessage(message);
            }
        }
        return new ConfigValidation(values);
    }
}
