namespace Tributary.Connect.Sink;

/// <summary>A connector that writes Kafka topics to an external system (Kafka's <c>SinkConnector</c>).</summary>
public abstract class SinkConnector : Connector
{
    /// <summary>The key naming the topics a sink reads (exactly one of this and <see cref="TopicsRegexConfig"/>).</summary>
    public const string TopicsConfig = "topics";

    public const string TopicsRegexConfig = "topics.regex";

    /// <summary>
    /// Called by PATCH/DELETE /connectors/{c}/offsets (KIP-875) while the connector is stopped, with the consumer
    /// offsets being set (null resets a partition); false (the default) means the connector keeps no offsets of its
    /// own outside the consumer group's.
    /// </summary>
    public virtual bool AlterOffsets(IReadOnlyDictionary<string, string> connectorConfig, IReadOnlyDictionary<TopicPartition, long?> offsets) => false;
}

/// <summary>
/// A sink task (Kafka's <c>SinkTask</c>). The worker calls <see cref="Initialize"/>, <see cref="StartAsync"/>,
/// <see cref="OpenAsync"/> for the partitions assigned, then <see cref="PutAsync"/> with each batch of converted,
/// transformed records; before committing consumer offsets it calls <see cref="PreCommitAsync"/> and commits what
/// that returns (by default: flush, then everything consumed so far). <see cref="CloseAsync"/> before partitions are
/// revoked; <see cref="StopAsync"/> at the end. Calls come one at a time from the task's own thread of control.
/// </summary>
public abstract class SinkTask : IVersioned
{
    /// <summary>Set by <see cref="Initialize"/> before <see cref="StartAsync"/>.</summary>
    protected SinkTaskContext Context { get; private set; } = null!;

    public abstract string Version { get; }

    /// <summary>Gauges and a warning the task publishes; the worker shows them on the admin port's metrics and logs the warning.</summary>
    public Tributary.Connect.Metrics.PluginMetrics Metrics { get; } = new();

    public virtual void Initialize(SinkTaskContext context) => Context = context;

    public abstract Task StartAsync(IReadOnlyDictionary<string, string> properties, CancellationToken cancellationToken);

    /// <summary>
    /// Takes records (in offset order per partition). A <see cref="Errors.RetriableException"/> makes the worker
    /// pause consumption and deliver the same records again after <see cref="SinkTaskContext.Timeout"/>; any other
    /// exception fails the task.
    /// </summary>
    public abstract Task PutAsync(IReadOnlyList<SinkRecord> records, CancellationToken cancellationToken);

    /// <summary>Makes everything put so far durable in the external system.</summary>
    public virtual Task FlushAsync(IReadOnlyDictionary<TopicPartition, OffsetAndMetadata> currentOffsets, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// The offsets safe to commit (the next offset to read per partition). The default flushes and returns
    /// <paramref name="currentOffsets"/>; a sink that makes records durable on its own schedule returns less
    /// (or an empty map to commit nothing now).
    /// </summary>
    public virtual async Task<IReadOnlyDictionary<TopicPartition, OffsetAndMetadata>> PreCommitAsync(IReadOnlyDictionary<TopicPartition, OffsetAndMetadata> currentOffsets, CancellationToken cancellationToken)
    {
        await FlushAsync(currentOffsets, cancellationToken).ConfigureAwait(false);
        return currentOffsets;
    }

    /// <summary>Partitions newly assigned to this task (after a rebalance or at start).</summary>
    public virtual Task OpenAsync(IReadOnlyCollection<TopicPartition> partitions, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Partitions about to be taken away: write out what is buffered for them.</summary>
    public virtual Task CloseAsync(IReadOnlyCollection<TopicPartition> partitions, CancellationToken cancellationToken) => Task.CompletedTask;

    public abstract Task StopAsync();
}

/// <summary>What a sink task can ask of its worker.</summary>
public interface SinkTaskContext
{
    IReadOnlyDictionary<string, string> Configs { get; }

    /// <summary>Rewinds (or forwards) consumption of partitions to these offsets before the next put.</summary>
    void Offset(IReadOnlyDictionary<TopicPartition, long> offsets);

    void Offset(TopicPartition partition, long offset);

    /// <summary>How long to wait before delivering records again after a <see cref="Errors.RetriableException"/> from put.</summary>
    void Timeout(long timeoutMs);

    /// <summary>The partitions currently assigned to this task.</summary>
    IReadOnlyCollection<TopicPartition> Assignment { get; }

    /// <summary>Stops fetching from these partitions until resumed (records already fetched may still arrive).</summary>
    void Pause(params TopicPartition[] partitions);

    void Resume(params TopicPartition[] partitions);

    /// <summary>Asks for an offset commit (preCommit, then commit) as soon as possible.</summary>
    void RequestCommit();

    /// <summary>Reports records that failed inside the task (KIP-610): logged and sent to the DLQ per the errors.* configs; null when the worker has none.</summary>
    ErrantRecordReporter? ErrantRecordReporter { get; }
}

/// <summary>KIP-610: a sink task hands over a record it could not process instead of failing.</summary>
public interface ErrantRecordReporter
{
    /// <summary>Completes once the report is durable (e.g. written to the DLQ topic); throws when tolerance is exceeded.</summary>
    Task ReportAsync(SinkRecord record, Exception error);
}
