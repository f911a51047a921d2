using Tributary.Connect;
using Tributary.Connect.Source;

namespace Tributary.Cdc;

/// <summary>
/// The connector half of a Debezium source: it checks the configuration on start (a bad one fails the connector with
/// the key in the message) and hands the same properties to one task, whatever <c>tasks.max</c> says — one change
/// stream (a binlog, a replication slot) has one reader, as in Debezium. <c>topic.prefix</c> is required, though its
/// definition has no default, so that 1.x's <c>database.server.name</c> can stand in for it.
/// </summary>
public abstract class CdcSourceConnector<TTask> : SourceConnector where TTask : SourceTask
{
    private IReadOnlyDictionary<string, string> _properties = new Dictionary<string, string>();

    public override string Version => SourceBlock.DebeziumVersion;

    public override Type TaskClass => typeof(TTask);

    /// <summary>Parses <paramref name="properties"/>, throwing a ConfigException when they are not usable.</summary>
    protected abstract void Check(IReadOnlyDictionary<string, string> properties);

    public override Task StartAsync(IReadOnlyDictionary<string, string> properties, CancellationToken cancellationToken)
    {
        Check(properties);
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
