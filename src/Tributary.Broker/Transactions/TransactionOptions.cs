namespace Tributary.Broker.Transactions;

/// <summary>The transaction coordinator's settings (Kafka's names and defaults).</summary>
public sealed record TransactionOptions
{
    /// <summary><c>transaction.max.timeout.ms</c>: the largest transaction timeout a producer may ask for (15 minutes).</summary>
    public int MaxTimeoutMs { get; init; } = 900_000;

    /// <summary>
    /// <c>transaction.abort.timed.out.transaction.cleanup.interval.ms</c>: how often open transactions are checked
    /// against their timeout (Kafka: 10 s); an expired one is aborted with a bumped epoch, fencing its producer.
    /// </summary>
    public int AbortCheckIntervalMs { get; init; } = 10_000;

    /// <summary><c>transaction.state.log.num.partitions</c>: partitions of <c>__transaction_state</c> (Kafka: 50).</summary>
    public int StateLogPartitions { get; init; } = 50;
}
