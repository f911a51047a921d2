using Tributary.Connect.Data;

namespace Tributary.Cdc.Postgres;

/// <summary>
/// The PostgreSQL source block, <c>io.debezium.connector.postgresql.Source</c> version 1 (Debezium 3.1–3.4): the
/// common head, then <c>schema, table, txId, lsn, xmin</c> (PostgresSourceInfoStructMaker). <c>sequence</c> is the
/// JSON array string <c>["&lt;last commit lsn&gt;","&lt;lsn&gt;"]</c> of decimal LSNs (null entries written as null):
/// the end LSN of the last transaction committed before the event (null until the stream saw one), then the event's LSN.
/// <c>xmin</c> is the slot's <c>catalog_xmin</c>, only when <c>xmin.fetch.interval.ms</c> &gt; 0 (null otherwise, as in Debezium).
/// </summary>
public static class PostgresSource
{
    public static Connect.Data.Schema Schema { get; } = SourceBlock.CommonFields("io.debezium.connector.postgresql.Source")
        .Field("schema", SchemaBuilder.String().Build())
        .Field("table", SchemaBuilder.String().Build())
        .Field("txId", SchemaBuilder.Int64().Optional().Build())
        .Field("lsn", SchemaBuilder.Int64().Optional().Build())
        .Field("xmin", SchemaBuilder.Int64().Optional().Build())
        .Build();

    /// <summary>Where an event came from: the transaction, the change's LSN, the last commit LSN before or at it and the slot's xmin when fetched.</summary>
    public readonly record struct Position(long? TxId, ulong? Lsn, ulong? LastCommitLsn, long EventTimeMicros, long? Xmin = null);

    public static Struct Create(string serverName, string database, string schema, string table, SnapshotMarker snapshot, Position position) =>
        SourceBlock.PutCommon(new Struct(Schema), "postgresql", serverName, position.EventTimeMicros, snapshot, database)
            .Put("sequence", Sequence(position.LastCommitLsn, position.Lsn))
            .Put("schema", schema)
            .Put("table", table)
            .Put("txId", position.TxId)
            .Put("lsn", position.Lsn is { } lsn ? (long)lsn : null)
            .Put("xmin", position.Xmin);

    public static string Sequence(ulong? lastCommitLsn, ulong? lsn) => $"[{Quoted(lastCommitLsn)},{Quoted(lsn)}]";

    private static string Quoted(ulong? lsn) => lsn is { } value ? "\"" + value.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\"" : "null";
}
