using Tributary.Connect.Data;

namespace Tributary.Cdc.Postgres.Messages;

/// <summary>
/// Debezium's records of logical decoding messages (<c>pg_logical_emit_message</c>, LogicalDecodingMessageMonitor):
/// topic <c>&lt;topic.prefix&gt;.message</c>; key <c>io.debezium.connector.postgresql.MessageKey</c> v1 {prefix};
/// value <c>io.debezium.connector.postgresql.MessageValue</c> v1 {op = "m", ts_ms (processing time), source (the
/// Postgres source block, schema and table empty), message <c>io.debezium.connector.postgresql.Message</c> v1
/// {prefix, content}}, the content as <c>binary.handling.mode</c> writes bytes. The value has no before, after or
/// transaction field. Immutable once built; thread-safe.
/// </summary>
public sealed class LogicalDecodingMessages
{
    public const string TopicSuffix = ".message";

    /// <summary>The data collection a transactional message counts under in transaction metadata (Debezium's LogicalDecodingMessageId).</summary>
    public const string DataCollection = "LOGICAL_DECODING_MESSAGE";

    public static Connect.Data.Schema KeySchema { get; } = SchemaBuilder.Struct().Name("io.debezium.connector.postgresql.MessageKey").Version(1)
        .Field("prefix", SchemaBuilder.String().Optional().Build()).Build();

    private readonly string _binaryHandling;
    private readonly Connect.Data.Schema _blockSchema;

    public LogicalDecodingMessages(string topicPrefix, string binaryHandling)
    {
        Topic = topicPrefix + TopicSuffix;
        _binaryHandling = binaryHandling;
        var content = binaryHandling == "bytes" ? SchemaBuilder.Bytes() : SchemaBuilder.String();
        _blockSchema = SchemaBuilder.Struct().Name("io.debezium.connector.postgresql.Message").Version(1)
            .Field("prefix", SchemaBuilder.String().Optional().Build())
            .Field("content", content.Optional().Build()).Build();
        ValueSchema = SchemaBuilder.Struct().Name("io.debezium.connector.postgresql.MessageValue").Version(1)
            .Field("op", SchemaBuilder.String().Build())
            .Field("ts_ms", SchemaBuilder.Int64().Optional().Build())
            .Field("source", PostgresSource.Schema)
            .Field("message", _blockSchema).Build();
    }

    public string Topic { get; }

    public Connect.Data.Schema ValueSchema { get; }

    public static Struct Key(string prefix) => new Struct(KeySchema).Put("prefix", prefix);

    public Struct Value(string prefix, byte[] content, Struct source, DateTimeOffset now) => new Struct(ValueSchema)
        .Put("op", "m")
        .Put("ts_ms", now.ToUnixTimeMilliseconds())
        .Put("source", source)
        .Put("message", new Struct(_blockSchema).Put("prefix", prefix).Put("content", Content(content)));

    /// <summary>The content as Debezium's binary.handling.mode writes it (java.util.Base64's encoders, padded; lower-case hex).</summary>
    private object Content(byte[] content) => _binaryHandling switch
    {
        "base64" => Convert.ToBase64String(content),
        "base64-url-safe" => Convert.ToBase64String(content).Replace('+', '-').Replace('/', '_'),
        "hex" => Convert.ToHexStringLower(content),
        _ => content,
    };
}
