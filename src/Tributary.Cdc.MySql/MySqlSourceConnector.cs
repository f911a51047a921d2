using Tributary.Connect.Config;
using Tributary.Connect.Plugins;

namespace Tributary.Cdc.MySql;

/// <summary>
/// Debezium's MySQL connector under its Java class name (and the <c>MySql</c> alias): one task, which reads the
/// snapshot and the binlog. Named MySqlSourceConnector in C# so it does not clash with the MySqlConnector library.
/// </summary>
[ConnectPlugin("io.debezium.connector.mysql.MySqlConnector", Aliases = ["MySql", "MySqlConnector"])]
public sealed class MySqlSourceConnector : CdcSourceConnector<MySqlSourceTask>
{
    public override ConfigDef Config => MySqlConnectorConfig.Definition;

    protected override void Check(IReadOnlyDictionary<string, string> properties) => MySqlConnectorConfig.Parse(properties);
}
