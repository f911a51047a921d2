using Tributary.Connect;
using Tributary.Connect.Config;
using Tributary.Connect.Plugins;
using Tributary.Connect.Source;

namespace Tributary.Cdc.Postgres;

/// <summary>
/// Debezium's PostgreSQL connector under its Java class name (and the <c>Postgres</c>/<c>PostgresConnector</c>
/// aliases): one task, which owns the replication slot (a slot has one reader at a time, as in Debezium).
/// </summary>
[ConnectPlugin("io.debezium.connector.postgresql.PostgresConnector", Aliases = ["Postgres", "PostgresConnector"])]
public sealed class PostgresSourceConnector : SourceConnector
{
    private IReadOnlyDictionary<string, string> _properties = new Dictionary<string, string>();

    public override string Version => SourceBlock.DebeziumVersion;

    public override ConfigDef Config => PostgresConnectorConfig.Definition;

    public override Type TaskClass => typeof(PostgresSourceTask);

    public override Task StartAsync(IReadOnlyDictionary<string, string> properties, CancellationToken cancellationToken)
    {
        PostgresConnectorConfig.Parse(properties);
        _properties = properties;
        return Task.CompletedTask;
    }

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
