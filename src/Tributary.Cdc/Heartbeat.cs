using Tributary.Connect.Data;

namespace Tributary.Cdc;

/// <summary>
/// Debezium's heartbeat record: key <c>io.debezium.connector.common.ServerNameKey</c> {serverName}, value
/// <c>io.debezium.connector.common.Heartbeat</c> {ts_ms}. It carries the current source offset so the worker commits
/// offsets while the captured tables are quiet.
/// </summary>
public static class Heartbeat
{
    public static Schema KeySchema { get; } = SchemaBuilder.Struct().Name("io.debezium.connector.common.ServerNameKey").Version(1)
        .Field("serverName", SchemaBuilder.String().Build()).Build();

    public static Schema ValueSchema { get; } = SchemaBuilder.Struct().Name("io.debezium.connector.common.Heartbeat").Version(1)
        .Field("ts_ms", SchemaBuilder.Int64().Build()).Build();

    public static Struct Key(string serverName) => new Struct(KeySchema).Put("serverName", serverName);

    public static Struct Value(DateTimeOffset now) => new Struct(ValueSchema).Put("ts_ms", now.ToUnixTimeMilliseconds());
}
