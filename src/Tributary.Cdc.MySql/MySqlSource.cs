using Tributary.Connect.Data;

namespace Tributary.Cdc.MySql;

/// <summary>
/// The MySQL source block, <c>io.debezium.connector.mysql.Source</c> version 1 (Debezium 3.1+): the common head, then
/// <c>table, server_id, gtid, file, pos, row, thread, query</c> (BinlogSourceInfoStructMaker).
/// </summary>
public static class MySqlSource
{
    public static Connect.Data.Schema Schema { get; } = SourceBlock.CommonFields("io.debezium.connector.mysql.Source")
        .Field("table", SchemaBuilder.String().Optional().Build())
        .Field("server_id", SchemaBuilder.Int64().Build())
        .Field("gtid", SchemaBuilder.String().Optional().Build())
        .Field("file", SchemaBuilder.String().Build())
        .Field("pos", SchemaBuilder.Int64().Build())
        .Field("row", SchemaBuilder.Int32().Build())
        .Field("thread", SchemaBuilder.Int64().Optional().Build())
        .Field("query", SchemaBuilder.String().Optional().Build())
        .Build();

    /// <summary>Where an event came from.</summary>
    /// <summary>Where an event came from; <paramref name="Query"/> the statement behind it when <c>include.query</c> is on.</summary>
    public readonly record struct Position(string File, long Pos, int Row, long ServerId, string? Gtid, long? Thread, long EventTimeMicros, string? Query = null);

    public static Struct Create(string serverName, string database, string? table, SnapshotMarker snapshot, Position position) =>
        SourceBlock.PutCommon(new Struct(Schema), "mysql", serverName, position.EventTimeMicros, snapshot, database)
            .Put("table", table)
            .Put("server_id", position.ServerId)
            .Put("gtid", position.Gtid)
            .Put("file", position.File)
            .Put("pos", position.Pos)
            .Put("row", position.Row)
            .Put("thread", position.Thread)
            .Put("query", position.Query);
}
