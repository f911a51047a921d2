using Tributary.Connect.Data;

namespace Tributary.Cdc;

/// <summary>
/// Debezium's change-event envelope (Debezium 2.7+ layout, schema version 2): fields in the order
/// <c>before, after, source, transaction, op, ts_ms, ts_us, ts_ns</c> (DBZ-7698). <c>before</c>/<c>after</c> are the
/// table's optional <c>…Value</c> struct, <c>transaction</c> the optional <c>event.block</c> struct (null unless
/// transaction metadata is on), <c>ts_*</c> the connector's processing time. Immutable once built; thread-safe.
/// </summary>
public sealed class Envelope
{
    public const string Before = "before";
    public const string After = "after";
    public const string Source = "source";
    public const string Transaction = "transaction";
    public const string Operation = "op";

    /// <summary>The <c>event.block</c> schema (version 1): id, total_order, data_collection_order.</summary>
    public static Schema TransactionBlockSchema { get; } = SchemaBuilder.Struct().Name("event.block").Version(1)
        .Field("id", SchemaBuilder.String().Build())
        .Field("total_order", SchemaBuilder.Int64().Build())
        .Field("data_collection_order", SchemaBuilder.Int64().Build())
        .Optional().Build();

    private static readonly Schema OptionalInt64 = SchemaBuilder.Int64().Optional().Build();

    private Envelope(Schema schema) => Schema = schema;

    public Schema Schema { get; }

    /// <param name="name">The envelope's schema name, <c>&lt;prefix&gt;.&lt;db&gt;.&lt;table&gt;.Envelope</c>.</param>
    /// <param name="rowSchema">The table's optional <c>…Value</c> struct.</param>
    /// <param name="sourceSchema">The connector's source block schema.</param>
    public static Envelope Define(string name, Schema rowSchema, Schema sourceSchema) => new(
        SchemaBuilder.Struct().Name(name).Version(2)
            .Field(Before, rowSchema)
            .Field(After, rowSchema)
            .Field(Source, sourceSchema)
            .Field(Transaction, TransactionBlockSchema)
            .Field(Operation, SchemaBuilder.String().Build())
            .Field("ts_ms", OptionalInt64)
            .Field("ts_us", OptionalInt64)
            .Field("ts_ns", OptionalInt64)
            .Build());

    /// <summary>
    /// An envelope value: <paramref name="operation"/> is c, u, d, r or t; <paramref name="now"/> the processing time;
    /// <paramref name="transaction"/> the <c>event.block</c> when transaction metadata is on.
    /// </summary>
    public Struct Create(Operation operation, Struct? before, Struct? after, Struct source, DateTimeOffset now, Struct? transaction = null)
    {
        var ticks = now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return new Struct(Schema)
            .Put(Before, before)
            .Put(After, after)
            .Put(Source, source)
            .Put(Transaction, transaction)
            .Put(Operation, OperationCode(operation))
            .Put("ts_ms", ticks / TimeSpan.TicksPerMillisecond)
            .Put("ts_us", ticks / 10)
            .Put("ts_ns", ticks * 100);
    }

    public static string OperationCode(Operation operation) => operation switch
    {
        Cdc.Operation.Create => "c",
        Cdc.Operation.Update => "u",
        Cdc.Operation.Delete => "d",
        Cdc.Operation.Read => "r",
        Cdc.Operation.Truncate => "t",
        _ => throw new ArgumentOutOfRangeException(nameof(operation)),
    };
}

/// <summary>Debezium's <c>op</c> values.</summary>
public enum Operation
{
    Create,
    Update,
    Delete,
    Read,
    Truncate,
}
