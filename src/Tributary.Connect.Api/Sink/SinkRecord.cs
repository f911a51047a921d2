using Tributary.Connect.Data;
using Tributary.Connect.Headers;

namespace Tributary.Connect.Sink;

/// <summary>A topic partition (Kafka's <c>TopicPartition</c>); prints as <c>topic-partition</c>.</summary>
public readonly record struct TopicPartition(string Topic, int Partition)
{
    public override string ToString() => $"{Topic}-{Partition}";
}

/// <summary>An offset to commit (the next one to read) with optional metadata.</summary>
public readonly record struct OffsetAndMetadata(long Offset, string? Metadata = null);

/// <summary>How a record's timestamp was set.</summary>
public enum TimestampType
{
    NoTimestampType,
    CreateTime,
    LogAppendTime,
}

/// <summary>
/// A record a sink task receives (Kafka's <c>SinkRecord</c>): the converted, transformed record plus the Kafka
/// offset it was read at and how its timestamp was set. <see cref="OriginalTopic"/>, <see cref="OriginalKafkaPartition"/>
/// and <see cref="OriginalKafkaOffset"/> keep where it was read even after a transformation renamed its topic (KIP-793);
/// a sink task that tracks offsets must use those.
/// </summary>
public sealed class SinkRecord(
    string topic,
    int partition,
    Schema? keySchema,
    object? key,
    Schema? valueSchema,
    object? value,
    long kafkaOffset,
    long? timestamp = null,
    TimestampType timestampType = TimestampType.NoTimestampType,
    IEnumerable<Header>? headers = null,
    string? originalTopic = null,
    int? originalKafkaPartition = null,
    long? originalKafkaOffset = null)
    : ConnectRecord(topic, partition, keySchema, key, valueSchema, value, timestamp, headers is null ? null : new ConnectHeaders(headers))
{
    public long KafkaOffset { get; } = kafkaOffset;

    public TimestampType TimestampType { get; } = timestampType;

    public string OriginalTopic { get; } = originalTopic ?? topic;

    public int OriginalKafkaPartition { get; } = originalKafkaPartition ?? partition;

    public long OriginalKafkaOffset { get; } = originalKafkaOffset ?? kafkaOffset;

    public override ConnectRecord NewRecord(string topic, int? kafkaPartition, Schema? keySchema, object? key, Schema? valueSchema, object? value, long? timestamp, IEnumerable<Header>? headers = null) =>
        new SinkRecord(topic, kafkaPartition ?? OriginalKafkaPartition, keySchema, key, valueSchema, value, KafkaOffset, timestamp, TimestampType, headers ?? Headers.Duplicate(), OriginalTopic, OriginalKafkaPartition, OriginalKafkaOffset);

    public override string ToString() =>
        $"SinkRecord{{kafkaOffset={KafkaOffset}, timestampType={TimestampType}, originalTopic={OriginalTopic}, originalKafkaPartition={OriginalKafkaPartition}, originalKafkaOffset={OriginalKafkaOffset}}} ConnectRecord{{topic='{Topic}', kafkaPartition={KafkaPartition}, key={Key}, value={Value}, timestamp={Timestamp?.ToString() ?? "null"}}}";
}
