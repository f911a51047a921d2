using Tributary.Connect.Data;

namespace Tributary.Cdc;

/// <summary>
/// The common head of every Debezium source block, in Debezium's order (AbstractSourceInfoStructMaker#commonStruct):
/// <c>version, connector, name, ts_ms, snapshot, db, sequence, ts_us, ts_ns</c>. A connector appends its own fields
/// after these and names the struct (<c>io.debezium.connector.mysql.Source</c>, version 1 since Debezium 3.1).
/// </summary>
public static class SourceBlock
{
    /// <summary>The Debezium release whose layout these events follow; written as <c>source.version</c>.</summary>
    public const string DebeziumVersion = "3.1.0.Final";

    public static SchemaBuilder CommonFields(string name) => SchemaBuilder.Struct().Name(name).Version(1)
        .Field("version", SchemaBuilder.String().Build())
        .Field("connector", SchemaBuilder.String().Build())
        .Field("name", SchemaBuilder.String().Build())
        .Field("ts_ms", SchemaBuilder.Int64().Build())
        .Field("snapshot", SnapshotMarkers.Schema)
        .Field("db", SchemaBuilder.String().Build())
        .Field("sequence", SchemaBuilder.String().Optional().Build())
        .Field("ts_us", SchemaBuilder.Int64().Optional().Build())
        .Field("ts_ns", SchemaBuilder.Int64().Optional().Build());

    /// <summary>Fills the common fields; <paramref name="eventTimeMicros"/> is the database's event time.</summary>
    public static Struct PutCommon(Struct source, string connector, string serverName, long eventTimeMicros, SnapshotMarker snapshot, string database)
    {
        source.Put("version", DebeziumVersion)
            .Put("connector", connector)
            .Put("name", serverName)
            .Put("ts_ms", eventTimeMicros / 1000)
            .Put("snapshot", SnapshotMarkers.Text(snapshot))
            .Put("db", database)
            .Put("ts_us", eventTimeMicros)
            .Put("ts_ns", eventTimeMicros * 1000);
        return source;
    }
}
