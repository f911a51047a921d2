using Tributary.Connect.Config;
using Tributary.Connect.Plugins;

namespace Tributary.Cdc.Postgres;

/// <summary>
/// Debezium's PostgreSQL connector under its Java class name (and the <c>Postgres</c>/<c>PostgresConnector</c>
/// aliases): one task, which owns the replication slot (a slot has one reader at a time, as in Debezium).
/// </summary>
[ConnectPlugin("io.debezium.connector.postgresql.PostgresConnector", Aliases = ["Postgres", "PostgresConnector"])]
public sealed class PostgresSourceConnector : CdcSourceConnector<PostgresSourceTask>
{
    public override ConfigDef Config => PostgresConnectorConfig.Definition;

    protected override void Check(IReadOnlyDictionary<string, string> properties) => PostgresConnectorConfig.Parse(properties);
}
