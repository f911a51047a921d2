using Tributary.Connect.Data;
using Tributary.Connect.Headers;
using Tributary.Connect.Source;

namespace Tributary.Cdc;

/// <summary>
/// The task half of a Debezium source, what the MySQL and PostgreSQL tasks share: a background reader (snapshot, then
/// the database's change stream, <see cref="ReadAsync"/>) fills a <see cref="ChangeEventQueue"/> that
/// <see cref="PollAsync"/> drains; the reader's failure fails the task at the next poll with
/// <see cref="Describe"/>'s reason; stopping cancels the reader and waits for it. The emit helpers write Debezium's
/// records: changes (a primary key change as delete, tombstone and create; deletes followed by tombstones when
/// <c>tombstones.on.delete</c>), heartbeats and transaction metadata. The source partition is <c>{"server": prefix}</c>.
/// PollAsync is called by the worker's loop; the emit helpers by the reader task only.
/// </summary>
public abstract class CdcSourceTask : SourceTask
{
    private CancellationTokenSource _stopping = new();
    private Task _reader = Task.CompletedTask;

    public override string Version => SourceBlock.DebeziumVersion;

    protected CdcConfig Cdc { get; private set; } = null!;

    protected TopicNaming Naming { get; private set; } = null!;

    protected IReadOnlyDictionary<string, object?> Partition { get; private set; } = null!;

    protected ChangeEventQueue Queue { get; private set; } = null!;

    /// <summary>
    /// Where signal lines go (a <c>log</c> signal's message, warnings about skipped signals): the worker's standard
    /// output, as its console log; the runtime gives tasks no logger. Set before start (tests capture it).
    /// </summary>
    public TextWriter SignalOutput { get; set; } = Console.Out;

    /// <summary>The <c>kafka</c> signal channel when <c>signal.enabled.channels</c> lists it (started with the reader); null otherwise.</summary>
    protected KafkaSignalChannel? KafkaSignals { get; private set; }

    /// <summary>Blocking snapshots signals asked for, in arrival order, for the reader to run between transactions.</summary>
    private readonly Queue<SnapshotRequest> _blockingSnapshots = new();

    /// <summary>BEGIN/END records and blocks when <c>provide.transaction.metadata</c> is on; null otherwise.</summary>
    protected TransactionMetadata? Transactions { get; private set; }

    public static IReadOnlyDictionary<string, object?> SourcePartition(string serverName) => new Dictionary<string, object?> { ["server"] = serverName };

    public override Task StartAsync(IReadOnlyDictionary<string, string> properties, CancellationToken cancellationToken)
    {
        Cdc = Configure(properties);
        Naming = new TopicNaming(Cdc.TopicPrefix, Cdc.HeartbeatTopicPrefix);
        Partition = SourcePartition(Cdc.TopicPrefix);
        Queue = new ChangeEventQueue(Cdc.MaxQueueSize, Cdc.MaxBatchSize, TimeSpan.FromMilliseconds(Cdc.PollIntervalMs));
        Transactions = Cdc.ProvideTransactionMetadata ? new TransactionMetadata(Naming, Partition) : null;
        var stored = Context.OffsetStorageReader.Offset(Partition);
        _blockingSnapshots.Clear();
        if (Cdc.KafkaSignals is { } kafkaSignals)
        {
            var resumeAfter = KafkaSignalChannel.StoredOffset(stored);
            if (resumeAfter is { } signalOffset)
            {
                // Records written before the next signal keep the stored position, so a restart before one does not read old signals again.
                Queue.SetSignalOffset(signalOffset);
            }
            KafkaSignals = new KafkaSignalChannel(kafkaSignals, Cdc.TopicPrefix, resumeAfter, SignalOutput);
            KafkaSignals.Start();
        }
        _stopping = new CancellationTokenSource();
        var token = _stopping.Token;
        _reader = Task.Run(() => RunReaderAsync(stored, token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Parses the connector's configuration (keeping its own part) and returns the shared part.</summary>
    protected abstract CdcConfig Configure(IReadOnlyDictionary<string, string> properties);

    /// <summary>Snapshot and stream from <paramref name="storedOffset"/> (null: none) until cancelled; throw to fail the task.</summary>
    protected abstract Task ReadAsync(IReadOnlyDictionary<string, object?>? storedOffset, CancellationToken cancellationToken);

    /// <summary>The reason a reader failure gives in the task's status trace.</summary>
    protected abstract string Describe(Exception error);

    /// <summary>Called by <see cref="StopAsync"/> after the reader ended (e.g. to drop a replication slot).</summary>
    protected virtual Task OnStoppedAsync() => Task.CompletedTask;

    private async Task RunReaderAsync(IReadOnlyDictionary<string, object?>? stored, CancellationToken cancellationToken)
    {
        try
        {
            await ReadAsync(stored, cancellationToken).ConfigureAwait(false);
            Queue.Complete();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Queue.Complete();
        }
        catch (Exception error)
        {
            Queue.Fail(error, Describe(error));
        }
    }

    public override ValueTask<IReadOnlyList<SourceRecord>?> PollAsync(CancellationToken cancellationToken) => Queue.PollAsync(cancellationToken);

    public override async Task StopAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _reader.ConfigureAwait(false);
        }
        catch (Exception) when (_stopping.IsCancellationRequested)
        {
            // The reader's failure was reported through the queue already.
        }
        await OnStoppedAsync().ConfigureAwait(false);
        if (KafkaSignals is { } kafkaSignals)
        {
            KafkaSignals = null;
            await kafkaSignals.DisposeAsync().ConfigureAwait(false);
        }
        _stopping.Dispose();
    }

    /// <summary>
    /// Acts on one signal from either channel (see <see cref="SourceSignals.ApplyAsync"/>): <paramref name="incremental"/>
    /// is the connector's incremental snapshot (null without a signalling table); <paramref name="captured"/> lists the
    /// captured tables as <c>namespace.table</c>. A blocking snapshot is queued for <see cref="NextBlockingSnapshot"/>.
    /// </summary>
    protected async Task ApplySignalAsync(ISnapshotSignalTarget? incremental, string? id, string? type, string? data, Func<Task<IEnumerable<string>>> captured)
    {
        if (await SourceSignals.ApplyAsync(incremental, Cdc.TopicPrefix, id, type, data, captured, Cdc.Dialect.IgnoreCase, SignalOutput).ConfigureAwait(false) is { } blocking)
        {
            _blockingSnapshots.Enqueue(blocking);
        }
    }

    /// <summary>
    /// Between transactions: acts on the Kafka signals waiting (none without the channel), in topic order, stopping
    /// after one that asks for a blocking snapshot so the snapshot runs before the signals after it. Each one's offset
    /// then rides in the records that follow. A failed channel fails the reader here.
    /// </summary>
    protected async Task ApplyKafkaSignalsAsync(ISnapshotSignalTarget? incremental, Func<Task<IEnumerable<string>>> captured)
    {
        if (KafkaSignals is not { } channel)
        {
            return;
        }
        while (_blockingSnapshots.Count == 0 && channel.TryRead(out var signal))
        {
            await ApplySignalAsync(incremental, signal.Id, signal.Type, signal.Data, captured).ConfigureAwait(false);
            Queue.SetSignalOffset(signal.ChannelOffset!.Value);
            channel.Acknowledge(signal.ChannelOffset.Value);
        }
    }

    /// <summary>
    /// Completes when a Kafka signal is waiting (never without the channel), so a reader waiting on a quiet database
    /// wakes for it; a failed channel faults it.
    /// </summary>
    protected Task KafkaSignalArrivalAsync(CancellationToken cancellationToken) =>
        KafkaSignals?.WaitToReadAsync(cancellationToken) ?? Task.Delay(Timeout.Infinite, cancellationToken);

    /// <summary>
    /// Whether rows of the signalling table are signals (<c>signal.enabled.channels</c> lists <c>source</c>); its
    /// watermark rows are read either way, since an incremental snapshot asked for through Kafka writes them there.
    /// </summary>
    protected bool SourceChannelEnabled => Cdc.SignalChannels.Contains(SourceSignals.SourceChannel);

    /// <summary>The next blocking snapshot a signal asked for, or null.</summary>
    protected SnapshotRequest? NextBlockingSnapshot() => _blockingSnapshots.TryDequeue(out var request) ? request : null;

    protected ValueTask EmitAsync(SourceRecord record, CancellationToken cancellationToken) => Queue.EnqueueAsync(record, cancellationToken);

    /// <summary>
    /// The records of one change to <paramref name="table"/>: a create (<paramref name="after"/>), an update (before
    /// may be null when the database sent no old row; a changed key makes it a delete, its tombstone and a create), a
    /// delete (<paramref name="before"/>, then its tombstone when <c>tombstones.on.delete</c>).
    /// </summary>
    protected async Task EmitChangeAsync<TRaw>(Operation operation, CapturedTableShape<TRaw> table, TRaw?[]? before, TRaw?[]? after, Struct source,
        IReadOnlyDictionary<string, object?> offset, DateTimeOffset now, CancellationToken cancellationToken)
    {
        switch (operation)
        {
            case Operation.Create:
                await EmitEventAsync(table, table.Key(after!), Operation.Create, null, table.Row(after!), source, offset, now, cancellationToken).ConfigureAwait(false);
                break;
            case Operation.Update:
                {
                    var newKey = table.Key(after!);
                    var oldKey = before is null ? null : table.Key(before);
                    if (oldKey is not null && !oldKey.Equals(newKey))
                    {
                        // A primary key change is a delete of the old key (and its tombstone) carrying the new key in
                        // __debezium.newkey, then a create of the new key carrying the old one in __debezium.oldkey.
                        await EmitDeleteAsync(table, before!, source, offset, now, cancellationToken, [new Header(NewKeyHeader, table.KeySchema, newKey)]).ConfigureAwait(false);
                        await EmitEventAsync(table, newKey, Operation.Create, null, table.Row(after!), source, offset, now, cancellationToken,
                            [new Header(OldKeyHeader, table.KeySchema, oldKey)]).ConfigureAwait(false);
                    }
                    else
                    {
                        await EmitEventAsync(table, newKey, Operation.Update, before is null ? null : table.Row(before), table.Row(after!), source, offset, now, cancellationToken).ConfigureAwait(false);
                    }
                    break;
                }
            case Operation.Delete:
                await EmitDeleteAsync(table, before!, source, offset, now, cancellationToken).ConfigureAwait(false);
                break;
            case Operation.Truncate:
                // A truncate event has no key and neither before nor after (Debezium's op=t).
                await EmitEventAsync(table, null, Operation.Truncate, null, null, source, offset, now, cancellationToken).ConfigureAwait(false);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(operation));
        }
    }

    /// <summary>The delete of a primary key change carries the new key in this header (Debezium's PK_UPDATE_NEWKEY_FIELD).</summary>
    public const string NewKeyHeader = "__debezium.newkey";

    /// <summary>The create of a primary key change carries the old key in this header (Debezium's PK_UPDATE_OLDKEY_FIELD).</summary>
    public const string OldKeyHeader = "__debezium.oldkey";

    /// <summary>A delete and, with <c>tombstones.on.delete</c>, its tombstone (which carries the delete's headers, as Connect's newRecord copies them).</summary>
    private async Task EmitDeleteAsync<TRaw>(CapturedTableShape<TRaw> table, TRaw?[] before, Struct source, IReadOnlyDictionary<string, object?> offset, DateTimeOffset now,
        CancellationToken cancellationToken, IEnumerable<Header>? headers = null)
    {
        var key = table.Key(before);
        await EmitEventAsync(table, key, Operation.Delete, table.Row(before), null, source, offset, now, cancellationToken, headers).ConfigureAwait(false);
        if (Cdc.TombstonesOnDelete)
        {
            await EmitAsync(new SourceRecord(Partition, offset, table.Topic, null, table.KeySchema, key, null, null, null, headers), cancellationToken).ConfigureAwait(false);
        }
    }

    private ValueTask EmitEventAsync<TRaw>(CapturedTableShape<TRaw> table, Struct? key, Operation operation, Struct? before, Struct? after, Struct source,
        IReadOnlyDictionary<string, object?> offset, DateTimeOffset now, CancellationToken cancellationToken, IEnumerable<Header>? headers = null) =>
        EmitAsync(new SourceRecord(Partition, offset, table.Topic, null, key is null ? null : table.KeySchema, key, table.Envelope.Schema,
            table.Envelope.Create(operation, before, after, source, now, Transactions?.NextBlock(table.DataCollection)), null, headers), cancellationToken);

    /// <summary>A heartbeat record carrying <paramref name="offset"/>, so the worker commits offsets while the captured tables are quiet.</summary>
    protected ValueTask EmitHeartbeatAsync(IReadOnlyDictionary<string, object?> offset, DateTimeOffset now, CancellationToken cancellationToken) =>
        EmitAsync(new SourceRecord(Partition, offset, Naming.HeartbeatTopic, null, Heartbeat.KeySchema, Heartbeat.Key(Cdc.TopicPrefix), Heartbeat.ValueSchema,
            Heartbeat.Value(now)), cancellationToken);

    /// <summary>
    /// With transaction metadata on: the BEGIN record of transaction <paramref name="id"/> before its first captured
    /// change (and the END of a transaction left open). <paramref name="offset"/> must say nothing of the transaction was emitted yet.
    /// </summary>
    protected async Task BeginTransactionAsync(string id, long timestampMs, IReadOnlyDictionary<string, object?> offset, CancellationToken cancellationToken)
    {
        if (Transactions?.Begin(id, timestampMs, offset, out var endOfPrevious) is { } begin)
        {
            if (endOfPrevious is not null)
            {
                await EmitAsync(endOfPrevious, cancellationToken).ConfigureAwait(false);
            }
            await EmitAsync(begin, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>With transaction metadata on: the END record of the transaction in progress, if one is.</summary>
    protected async Task EndTransactionAsync(long timestampMs, IReadOnlyDictionary<string, object?> offset, CancellationToken cancellationToken)
    {
        if (Transactions?.End(timestampMs, offset) is { } end)
        {
            await EmitAsync(end, cancellationToken).ConfigureAwait(false);
        }
    }
}
