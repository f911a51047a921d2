using Tributary.Connect.Data;
using Tributary.Connect.Headers;

namespace Tributary.Connect;

/// <summary>
/// What flows through Connect (Kafka's <c>ConnectRecord</c>): a topic, an optional Kafka partition, a key and a value
/// each with an optional schema, an optional timestamp (ms) and headers. <see cref="Source.SourceRecord"/> and
/// <see cref="Sink.SinkRecord"/> add their positions. Records are immutable but for their headers; transformations make
/// new ones with <see cref="NewRecord"/>.
/// </summary>
public abstract class ConnectRecord(string topic, int? kafkaPartition, Schema? keySchema, object? key, Schema? valueSchema, object? value, long? timestamp, ConnectHeaders? headers)
{
    public string Topic { get; } = topic;

    public int? KafkaPartition { get; } = kafkaPartition;

    public Schema? KeySchema { get; } = keySchema;

    public object? Key { get; } = key;

    public Schema? ValueSchema { get; } = valueSchema;

    public object? Value { get; } = value;

    public long? Timestamp { get; } = timestamp;

    private ConnectHeaders? _headers = headers;

    /// <summary>
    /// The record's headers, made on first use: most records carry none, and a sink that never reads them should not pay
    /// an object per record. (One thread uses a record at a time, as with every other part of it that can change.)
    /// </summary>
    public ConnectHeaders Headers => _headers ??= new ConnectHeaders();

    /// <summary>
    /// A record of the same kind (keeping this one's positions) with the given contents; without
    /// <paramref name="headers"/> this record's headers are duplicated, so the new record can change them independently.
    /// </summary>
    public abstract ConnectRecord NewRecord(string topic, int? kafkaPartition, Schema? keySchema, object? key, Schema? valueSchema, object? value, long? timestamp, IEnumerable<Header>? headers = null);
}
