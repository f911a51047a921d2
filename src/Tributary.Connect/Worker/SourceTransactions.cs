using Tributary.Client;
using Tributary.Connect.Errors;
using Tributary.Connect.Runtime.Storage;

namespace Tributary.Connect.Runtime.Worker;

/// <summary>Where an exactly-once source task ends its transactions (<c>transaction.boundary</c>, KIP-618).</summary>
public enum TransactionBoundary
{
    /// <summary>Every poll's records (and their offsets) in one transaction.</summary>
    Poll,

    /// <summary>A transaction per <c>transaction.boundary.interval.ms</c>.</summary>
    Interval,
}

/// <summary>
/// An exactly-once source task's transactional parts (KIP-618): its producer (transactional id
/// <c>&lt;group.id&gt;-&lt;connector&gt;-&lt;task&gt;</c>, so starting it fences every older instance of the task and aborts
/// what that zombie left open), where its offsets are staged (flushed inside the transaction), and the boundary.
/// </summary>
public sealed class SourceTransactions(TransactionalProducer producer, IOffsetStore offsets, TransactionBoundary boundary, TimeSpan interval)
{
    public TransactionalProducer Producer { get; } = producer;

    /// <summary>The task's offsets, written to the offsets topic inside its transaction.</summary>
    public IOffsetStore Offsets { get; } = offsets;

    public TransactionBoundary Boundary { get; } = boundary;

    public TimeSpan Interval { get; } = interval;

    /// <summary>The transactional id of a task (Kafka's <c>Worker.taskTransactionalId</c>).</summary>
    public static string TransactionalId(string groupId, string connector, int taskId) => $"{groupId}-{connector}-{taskId}";

    /// <summary>Parses <c>transaction.boundary</c>; <c>connector</c> (task-defined boundaries) is refused with the reason.</summary>
    public static TransactionBoundary ParseBoundary(string? value) => value?.ToLowerInvariant() switch
    {
        null or "poll" => TransactionBoundary.Poll,
        "interval" => TransactionBoundary.Interval,
        "connector" => throw new ConnectException("transaction.boundary=connector needs task-defined transaction boundaries (TransactionContext), which this runtime does not offer yet; use poll or interval."),
        _ => throw new ConnectException($"transaction.boundary must be poll, interval or connector, not '{value}'."),
    };
}
