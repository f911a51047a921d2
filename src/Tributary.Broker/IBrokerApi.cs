using Tributary.Broker.Groups;
using Tributary.Broker.Transactions;

namespace Tributary.Broker;

/// <summary>A topic as the broker knows it.</summary>
public sealed record TopicInfo(string Name, Guid TopicId, int PartitionCount, IReadOnlyDictionary<string, string> Configs, bool IsInternal);

/// <summary>One partition's offsets.</summary>
public readonly record struct PartitionOffsets(long LogStartOffset, long HighWatermark, long LogEndOffset);

/// <summary>How long a produce waits: 0 = no answer, 1 = written to the OS, -1 = durable (fsynced by group commit).</summary>
public enum Acks : short
{
    None = 0,
    Leader = 1,
    All = -1,
}

/// <summary>
/// Outcome of producing one batch to one partition. <paramref name="RecordErrors"/> (KIP-467, Produce v8+) names the
/// records that caused an INVALID_RECORD refusal of the whole batch, by their index in the batch; null otherwise.
/// </summary>
public readonly record struct ProduceResult(ErrorCode Error, long BaseOffset, long LogAppendTime, long LogStartOffset, string? ErrorMessage = null, IReadOnlyList<RecordError>? RecordErrors = null);

/// <summary>One refused record of a batch (KIP-467): its index in the batch and why.</summary>
public readonly record struct RecordError(int BatchIndex, string Message);

/// <summary>What a fetch asks of one partition.</summary>
public readonly record struct FetchPartitionRequest(string Topic, int Partition, long FetchOffset, int MaxBytes);

/// <summary>
/// What a fetch returns for one partition. <see cref="Records"/> holds whole batches (or is null) and must be
/// disposed by whoever sends it (it leases the segment).
/// <see cref="AbortedTransactions"/> (read_committed only) lists the aborted transactions whose data may lie in
/// <see cref="Records"/>, which the client must drop.
/// </summary>
public sealed record FetchPartitionResult(string Topic, int Partition, ErrorCode Error, long HighWatermark, long LastStableOffset, long LogStartOffset, FetchedRecords? Records, IReadOnlyList<AbortedTransaction>? AbortedTransactions = null);

/// <summary>Kafka's isolation levels (Fetch and ListOffsets): read_committed stops at the last stable offset.</summary>
public enum IsolationLevel : sbyte
{
    ReadUncommitted = 0,
    ReadCommitted = 1,
}

/// <summary>An offset found by ListOffsets.</summary>
public readonly record struct ListOffsetResult(ErrorCode Error, long Offset, long Timestamp);

/// <summary>Result of InitProducerId.</summary>
public readonly record struct ProducerIdResult(ErrorCode Error, long ProducerId, short ProducerEpoch);

/// <summary>
/// The narrow broker API every front-end (Kafka protocol, Kinesis, in-process pipelines) calls; it knows
/// nothing of wire formats. All members are thread-safe. Errors are returned as Kafka error codes, never
/// thrown, except for programming errors.
/// </summary>
public interface IBrokerApi
{
    /// <summary>This broker's node id (single-node: 0) and cluster id.</summary>
    int NodeId { get; }

    string ClusterId { get; }

    /// <summary>
    /// The directory where the broker and the front-ends keep their metadata files (topics, Kinesis streams,
    /// delivery streams): inside the data directory, never scanned as a partition log.
    /// </summary>
    string MetadataDirectory { get; }

    /// <summary>Consumer groups and committed offsets.</summary>
    IGroupCoordinator Groups { get; }

    /// <summary>All topics (internal ones included only when asked).</summary>
    IReadOnlyList<TopicInfo> ListTopics(bool includeInternal = false);

    TopicInfo? GetTopic(string name);

    TopicInfo? GetTopic(Guid topicId);

    /// <summary>
    /// Creates a topic. Partitions -1 means the default (num.partitions). Validates the name (Kafka's rules:
    /// 1–249 chars of [a-zA-Z0-9._-], not "." or "..") and configs. With <paramref name="validateOnly"/> nothing is created.
    /// </summary>
    (ErrorCode Error, string? Message, TopicInfo? Topic) CreateTopic(string name, int partitions, IReadOnlyDictionary<string, string?>? configs, bool validateOnly = false);

    /// <summary>Returns the topic, creating it with defaults when auto-creation is enabled.</summary>
    (ErrorCode Error, TopicInfo? Topic) GetOrAutoCreateTopic(string name, bool allowAutoCreate);

    ErrorCode DeleteTopic(string name);

    PartitionOffsets? GetOffsets(string topic, int partition);

    /// <summary>
    /// Appends a batch (magic v2, as received; rewritten in place: base offset, LogAppendTime if the topic
    /// uses it) after validation and idempotent-producer sequence checks, then waits per <paramref name="acks"/>.
    /// A duplicate of one of the producer's last five batches answers with its original base offset.
    /// </summary>
    ValueTask<ProduceResult> ProduceAsync(string topic, int partition, Memory<byte> batch, Acks acks, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads from each partition starting at its fetch offset; waits up to <paramref name="maxWaitMs"/> until
    /// at least <paramref name="minBytes"/> are available across partitions (long-poll), and returns at most
    /// <paramref name="maxBytes"/> in total (at least one batch for the first partition with data).
    /// </summary>
    /// With <see cref="IsolationLevel.ReadCommitted"/> each partition is read only below its last stable offset.
    ValueTask<IReadOnlyList<FetchPartitionResult>> FetchAsync(IReadOnlyList<FetchPartitionRequest> partitions, int maxWaitMs, int minBytes, int maxBytes, CancellationToken cancellationToken = default, IsolationLevel isolation = IsolationLevel.ReadUncommitted);

    /// <summary>ListOffsets: -1 latest, -2 earliest, -3 max timestamp, or the first offset at or after a timestamp.</summary>
    /// read_committed answers LATEST (-1) with the last stable offset.
    ListOffsetResult ListOffset(string topic, int partition, long timestamp, IsolationLevel isolation = IsolationLevel.ReadUncommitted);

    /// <summary>The transaction coordinator (transactional ids, EndTxn, markers).</summary>
    ITransactionCoordinator Transactions { get; }

    /// <summary>Assigns a new producer id (or bumps the epoch of a known one) for the idempotent producer.</summary>
    ProducerIdResult InitProducerId(long producerId = -1, short producerEpoch = -1);

    /// <summary>CreatePartitions: grows a topic to <paramref name="count"/> partitions (never shrinks).</summary>
    (ErrorCode Error, string? Message) CreatePartitions(string topic, int count, bool validateOnly = false);

    /// <summary>Every supported config of a topic with its value and source; null for an unknown topic.</summary>
    IReadOnlyList<TopicConfigEntry>? DescribeTopicConfigs(string topic);

    /// <summary>Replaces a topic's config overrides (AlterConfigs; IncrementalAlterConfigs computes the new set first).</summary>
    (ErrorCode Error, string? Message) SetTopicConfigs(string topic, IReadOnlyDictionary<string, string> overrides, bool validateOnly = false);

    /// <summary>
    /// Replaces the dynamic broker-wide topic defaults (topic config names → values) and applies them to every topic
    /// whose own overrides do not set them; InvalidConfig with the reason when a value is invalid.
    /// </summary>
    (ErrorCode Error, string? Message) SetDynamicBrokerDefaults(IReadOnlyDictionary<string, string> defaults);

    /// <summary>DeleteRecords: advances a partition's log start offset (-1 = high watermark); returns the new low watermark.</summary>
    (ErrorCode Error, long LowWatermark) DeleteRecords(string topic, int partition, long offset);

    /// <summary>
    /// Reserves topic names starting with <paramref name="prefix"/> for another front end (<paramref name="owner"/>,
    /// e.g. Kinesis streams, whose shards are such topics): Kafka clients may read them but not create, write,
    /// delete, grow or reconfigure them. The owner itself still uses the ordinary calls.
    /// </summary>
    void ReserveTopicPrefix(string prefix, string owner);

    /// <summary>The owner of a reserved topic name (see <see cref="ReserveTopicPrefix"/>), or null.</summary>
    string? TopicOwner(string topic);

    /// <summary>The data directory and the size of every partition in it.</summary>
    (string Path, IReadOnlyList<PartitionLogInfo> Partitions) DescribeLogDirectory();
}
