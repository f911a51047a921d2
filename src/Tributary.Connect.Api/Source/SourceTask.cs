
namespace Tributary.Connect.Source;

/// <summary>
/// A source task (Kafka's <c>SourceTask</c>). The worker calls <see cref="Initialize"/>, <see cref="StartAsync"/>, then
/// <see cref="PollAsync"/> in a loop on the task's own thread of control; it sends what poll returns to Kafka (after
/// transformations and conversion), records the source offsets once the records are acknowledged, calls
/// <see cref="CommitRecord"/> per acknowledged record and <see cref="CommitAsync"/> after each offset flush. Stopping
/// cancels the token given to <see cref="PollAsync"/>, waits for the loop, then calls <see cref="StopAsync"/>.
/// </summary>
public abstract class SourceTask : IVersioned
{
    /// <summary>Set by <see cref="Initialize"/> before <see cref="StartAsync"/>.</summary>
    protected SourceTaskContext Context { get; private set; } = null!;

    public abstract string Version { get; }

    /// <summary>Gauges and a warning the task publishes; the worker shows them on the admin port's metrics and logs the warning.</summary>
    public Tributary.Connect.Metrics.PluginMetrics Metrics { get; } = new();

    public virtual void Initialize(SourceTaskContext context) => Context = context;

    /// <summary>Starts with the task's configuration (one entry of the connector's task configs).</summary>
    public abstract Task StartAsync(IReadOnlyDictionary<string, string> properties, CancellationToken cancellationToken);

    /// <summary>
    /// Records available now, or null/empty after waiting a while (the worker calls again). Throwing fails the task,
    /// except for <see cref="Errors.RetriableException"/>, which makes the worker call again later.
    /// </summary>
    public abstract ValueTask<IReadOnlyList<SourceRecord>?> PollAsync(CancellationToken cancellationToken);

    /// <summary>Called after the offsets of the records polled so far were flushed (an external system's acknowledgement point).</summary>
    public virtual Task CommitAsync() => Task.CompletedTask;

    /// <summary>Called once per record, after Kafka acknowledged it (metadata) or after it was filtered out (null).</summary>
    public virtual void CommitRecord(SourceRecord record, RecordMetadata? metadata)
    {
    }

    /// <summary>Releases what the task holds; called once, after the poll loop has ended.</summary>
    public abstract Task StopAsync();
}

/// <summary>What a source task can ask of its worker.</summary>
public interface SourceTaskContext
{
    /// <summary>The task's configuration.</summary>
    IReadOnlyDictionary<string, string> Configs { get; }

    /// <summary>The committed offsets, to resume from.</summary>
    OffsetStorageReader OffsetStorageReader { get; }

    /// <summary>With exactly-once support and <c>transaction.boundary=connector</c>: where the task marks transaction ends; null otherwise.</summary>
    TransactionContext? TransactionContext { get; }
}

/// <summary>Lets a source task define transaction boundaries (KIP-618, <c>transaction.boundary=connector</c>).</summary>
public interface TransactionContext
{
    /// <summary>Commits the transaction after the records polled so far.</summary>
    void CommitTransaction();

    /// <summary>Commits the transaction right after <paramref name="record"/>.</summary>
    void CommitTransaction(SourceRecord record);

    void AbortTransaction();

    void AbortTransaction(SourceRecord record);
}
