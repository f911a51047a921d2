using Tributary.Connect.Data;
using Tributary.Connect.Headers;

namespace Tributary.Connect.Source;

/// <summary>
/// A record a source task produces (Kafka's <c>SourceRecord</c>): the record plus its source partition and source
/// offset — maps of string keys to primitive values (string, bool, numbers) that the framework stores in the offset
/// topic as JSON and hands back through <see cref="OffsetStorageReader"/> after a restart.
/// </summary>
public sealed class SourceRecord(
    IReadOnlyDictionary<string, object?>? sourcePartition,
    IReadOnlyDictionary<string, object?>? sourceOffset,
    string topic,
    int? kafkaPartition,
    Schema? keySchema,
    object? key,
    Schema? valueSchema,
    object? value,
    long? timestamp = null,
    IEnumerable<Header>? headers = null)
    : ConnectRecord(topic, kafkaPartition, keySchema, key, valueSchema, value, timestamp, headers is null ? null : new ConnectHeaders(headers))
{
    public SourceRecord(IReadOnlyDictionary<string, object?>? sourcePartition, IReadOnlyDictionary<string, object?>? sourceOffset, string topic, Schema? valueSchema, object? value)
        : this(sourcePartition, sourceOffset, topic, null, null, null, valueSchema, value)
    {
    }

    public IReadOnlyDictionary<string, object?>? SourcePartition { get; } = sourcePartition;

    public IReadOnlyDictionary<string, object?>? SourceOffset { get; } = sourceOffset;

    public override ConnectRecord NewRecord(string topic, int? kafkaPartition, Schema? keySchema, object? key, Schema? valueSchema, object? value, long? timestamp, IEnumerable<Header>? headers = null) =>
        new SourceRecord(SourcePartition, SourceOffset, topic, kafkaPartition, keySchema, key, valueSchema, value, timestamp, headers ?? Headers.Duplicate());

    public override string ToString() =>
        $"SourceRecord{{sourcePartition={Describe(SourcePartition)}, sourceOffset={Describe(SourceOffset)}}} ConnectRecord{{topic='{Topic}', kafkaPartition={KafkaPartition?.ToString() ?? "null"}, key={Key}, value={Value}, timestamp={Timestamp?.ToString() ?? "null"}}}";

    private static string Describe(IReadOnlyDictionary<string, object?>? map) =>
        map is null ? "null" : "{" + string.Join(", ", map.Select(p => $"{p.Key}={p.Value}")) + "}";
}

/// <summary>Where a produced source record landed (for <see cref="SourceTask.CommitRecord"/>).</summary>
public sealed record RecordMetadata(string Topic, int Partition, long Offset, long Timestamp);
