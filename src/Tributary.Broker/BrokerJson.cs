using System.Text.Json.Serialization;

namespace Tributary.Broker;

/// <summary><c>__cluster/topics.json</c>: every topic with its id, partition count and config overrides.</summary>
internal sealed record TopicsFile(int Version, List<TopicRecord> Topics);

internal sealed record TopicRecord(string Name, Guid TopicId, int Partitions, Dictionary<string, string> Configs);

/// <summary>
/// <c>__cluster/cluster.json</c>: the cluster id, and the end of the block of producer ids reserved so far
/// (ids below it may have been handed out, so a restart continues from it).
/// </summary>
internal sealed record ClusterFile(int Version, string ClusterId, long ProducerIdBlockEnd);

/// <summary>
/// <c>__cluster/producer-state.json</c>: idempotent-producer state of every partition, written at clean
/// shutdown and consumed (deleted) at the next start.
/// </summary>
internal sealed record ProducerStateFile(int Version, List<PartitionProducerSnapshot> Partitions);

/// <summary>A partition's producers as of <see cref="EndOffset"/> (the log end offset when it was taken).</summary>
/// <remarks>Format 3 drops <see cref="AbortedTransactions"/> (the log's <c>.txnindex</c> files keep them); format 2 files are still read.</remarks>
internal sealed record PartitionProducerSnapshot(
    string Log,
    Guid TopicId,
    long EndOffset,
    List<ProducerSnapshot> Producers,
    List<OngoingTransactionSnapshot>? OngoingTransactions = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] List<AbortedTransactionSnapshot>? AbortedTransactions = null);

/// <summary>An open transaction on a partition: its producer and the offset of its first batch there (formats 2 and 3).</summary>
internal sealed record OngoingTransactionSnapshot(long ProducerId, long FirstOffset);

/// <summary>An aborted-transaction index entry (format 2 only; read to fill the log's index).</summary>
internal sealed record AbortedTransactionSnapshot(long ProducerId, long FirstOffset, long LastOffset);

internal sealed record ProducerSnapshot(long ProducerId, short Epoch, List<BatchSnapshot> Batches);

internal sealed record BatchSnapshot(int FirstSequence, int LastSequence, long BaseOffset);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(TopicsFile))]
[JsonSerializable(typeof(ClusterFile))]
[JsonSerializable(typeof(ProducerStateFile))]
internal sealed partial class BrokerJsonContext : JsonSerializerContext
{
}
