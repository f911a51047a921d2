using Tributary.Connect;
using Tributary.Connect.Config;
using Tributary.Connect.Plugins;
using Tributary.Connect.Source;

namespace Tributary.Cdc.MySql;

/// <summary>
/// Debezium's MySQL connector under its Java class name (and the <c>MySql</c> alias): one task, which reads the
/// snapshot and the binlog. Named MySqlSourceConnector in C# so it does not clash with the MySqlConnector library.
/// </summary>
[ConnectPlugin("io.debezium.connector.mysql.MySqlConnector", Aliases = ["MySql", "MySqlConnector"])]
public sealed class MySqlSourceConnector : SourceConnector
{
    private IReadOnlyDictionary<string, string> _properties = new Dictionary<string, string>();

    public override string Version => SourceBlock.DebeziumVersion;

    public override ConfigDef Config => MySqlConnectorConfig.Definition;

    public override Type TaskClass => typeof(MySqlSourceTask);

    public override Task StartAsync(IReadOnlyDictionary<string, string> properties, CancellationToken cancellationToken)
    {
        MySqlConnectorConfig.Parse(properties);
        _properties = properties;
        return Task.CompletedTask;
    }

    /// <summary>One task whatever tasks.max says: a binlog is read by one replica connection (as Debezium does).</summary>
    public override IReadOnlyList<IReadOnlyDictionary<string, string>> TaskConfigs(int maxTasks) => [_properties];

    public override Task StopAsync() => Task.CompletedTask;

    public override ConfigValidation Validate(IReadOnlyDictionary<string, string> properties)
    {
        var result = base.Validate(properties);
        if (!properties.ContainsKey("topic.prefix") && !properties.ContainsKey("database.server.name"))
        {
            result.Values.First(v => v.Name == "topic.prefix").AddErrorMessage("Missing required configuration \"topic.prefix\" which has no default value.");
        }
        return result;
    }
}
