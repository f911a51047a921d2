using Tributary.Broker.Groups;

namespace Tributary.Broker.Transactions;

/// <summary>A transactional id as DescribeTransactions shows it.</summary>
public sealed record TransactionDescription(string TransactionalId, TransactionStatus Status, int TimeoutMs, long StartTimestamp, long ProducerId, short ProducerEpoch, IReadOnlyList<TopicPartition> Partitions);

/// <summary>
/// The transaction coordinator as front-ends see it: transactional producer ids and epochs (fencing), the
/// partitions and groups of each open transaction, commit and abort (with the markers written to every
/// partition), transactional offset commits, and administration. Thread-safe; answers in Kafka error codes
/// (PRODUCER_FENCED is the front-end's to map to INVALID_PRODUCER_EPOCH for old versions). Its state is a
/// replayable record stream (<c>__transaction_state</c>), so another implementation can stand behind these calls.
/// </summary>
public interface ITransactionCoordinator
{
    /// <summary>InitProducerId with a transactional id: a new id or the next epoch; an open transaction is aborted first (CONCURRENT_TRANSACTIONS, retry).</summary>
    ValueTask<ProducerIdResult> InitProducerIdAsync(string transactionalId, int transactionTimeoutMs, long producerId, short producerEpoch);

    /// <summary>AddPartitionsToTxn: one error per partition, durable before it completes.</summary>
    ValueTask<IReadOnlyList<(TopicPartition Partition, ErrorCode Error)>> AddPartitionsAsync(string transactionalId, long producerId, short producerEpoch, IReadOnlyList<TopicPartition> partitions);

    /// <summary>AddOffsetsToTxn: adds the group's offsets partition to the transaction.</summary>
    ValueTask<ErrorCode> AddOffsetsAsync(string transactionalId, long producerId, short producerEpoch, string groupId);

    /// <summary>TxnOffsetCommit: offsets committed as part of the transaction (visible at its COMMIT).</summary>
    ValueTask<IReadOnlyList<(TopicPartition Partition, ErrorCode Error)>> CommitOffsetsAsync(string transactionalId, string groupId, long producerId, short producerEpoch, int generation, string memberId, string? groupInstanceId, IReadOnlyList<(TopicPartition Partition, CommittedOffset Offset)> offsets);

    /// <summary>EndTxn: answered once PrepareCommit/PrepareAbort is durable; the markers follow asynchronously.</summary>
    ValueTask<ErrorCode> EndTransactionAsync(string transactionalId, long producerId, short producerEpoch, bool commit);

    /// <summary>
    /// WriteTxnMarkers for one partition (admin tools ending a hanging transaction): appends a COMMIT or ABORT
    /// marker of the producer and completes once it is durable. INVALID_PRODUCER_EPOCH when the partition has seen
    /// a newer epoch of the producer; UNKNOWN_TOPIC_OR_PARTITION when there is no such partition.
    /// </summary>
    ValueTask<ErrorCode> WriteMarkerAsync(TopicPartition partition, long producerId, short producerEpoch, bool commit, int coordinatorEpoch);

    /// <summary>DescribeTransactions for one id; null when unknown.</summary>
    TransactionDescription? Describe(string transactionalId);

    /// <summary>ListTransactions: every known id (filters applied by the caller).</summary>
    IReadOnlyList<TransactionDescription> List();

    /// <summary>
    /// Checks a transactional produce of (<paramref name="producerId"/>, <paramref name="producerEpoch"/>) to a
    /// partition: the producer must have an ongoing transaction that added it (KIP-890 part 1).
    /// </summary>
    (ErrorCode Error, string? Message) VerifyWrite(long producerId, short producerEpoch, string topic, int partition);
}
