using System.Collections.Concurrent;
using Tributary.Broker.Groups;
using Tributary.Protocol.Records;

namespace Tributary.Broker.Transactions;

/// <summary>
/// The transaction coordinator of this single-node broker (Kafka's transactions v1 with KIP-890 part 1
/// verification). Each transactional id has a state (<see cref="TransactionStatus"/>) kept in
/// <c>__transaction_state</c> (<see cref="TransactionRecords"/>, compacted, one partition per id by Java's
/// String.hashCode) and replayed at start.
/// <para>Durability and latency. A transaction pays two durability waits, both inside EndTxn(commit): the data of
/// all its partitions (one wait per partition, concurrently; transactional produces are acknowledged at append),
/// then PrepareCommit. EndTxn answers once PrepareX is durable (as Kafka does). The markers of all the
/// transaction's partitions are then appended together and awaited concurrently, then CompleteX is appended and
/// awaited, off the request path (<see cref="Entry.MarkersDone"/>). InitProducerId and fencing are durable before
/// they are answered. AddPartitionsToTxn/AddOffsetsToTxn are answered once appended, not durable, and only after
/// the previous transaction's MarkersDone (so an Ongoing record can never be durable while the previous
/// transaction's markers and CompleteX are not); an AddPartitionsToTxn that arrives while markers are in flight
/// waits for them (bounded) instead of sending the producer into a CONCURRENT_TRANSACTIONS retry loop, and gets
/// CONCURRENT_TRANSACTIONS (Kafka's answer; clients retry) only when they take longer.</para>
/// <para>What a crash can then leave, and how an unclean start (<see cref="StartAsync"/>) repairs it: transactional
/// data whose AddPartitions record was lost (an orphan: an open transaction on a partition that no Ongoing or
/// PrepareX state lists), and acknowledged data or AddPartitions records that were lost while the producer believes
/// its transaction still open. So after an unclean stop ids are fenced (epoch + 1, durable): an Ongoing transaction
/// is aborted together with its producer's orphans, a finished one has its producer's orphans aborted, and an id
/// in CompleteCommit is fenced even without orphans (EndTxn(commit) there would be taken for a retry of the
/// finished commit and answered with success); the old producer then gets PRODUCER_FENCED and re-initialises. An id in
/// PrepareX has no orphans (its next transaction could not start before CompleteX was durable): its markers are
/// written again, which is harmless.</para>
/// <para>Thread-safety: each id has an async gate serialising its changes (including the durability wait, so
/// records of one id reach the log in the order they are applied); the published view of an id is immutable and
/// read without the gate (<see cref="VerifyWrite"/> runs on every transactional produce).</para>
/// </summary>
internal sealed class TransactionCoordinator : ITransactionCoordinator, IAsyncDisposable
{
    public const string TopicName = "__transaction_state";

    /// <summary>How long AddPartitionsToTxn waits for the previous transaction's markers before CONCURRENT_TRANSACTIONS.</summary>
    private static readonly TimeSpan MarkerWait = TimeSpan.FromSeconds(5);

    private readonly Broker _broker;
    private readonly ProducerStateManager _producers;
    private readonly GroupCoordinator _groups;
    private readonly TransactionOptions _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, Entry> _byProducer = new();
    private readonly object _createLock = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task? _ticker;

    public TransactionCoordinator(Broker broker, ProducerStateManager producers, GroupCoordinator groups, TransactionOptions options, TimeProvider time)
    {
        _broker = broker;
        _producers = producers;
        _groups = groups;
        _options = options;
        _time = time;
    }

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// Replays <c>__transaction_state</c>, resumes the markers of prepared transactions, after an unclean stop fences
    /// and aborts what the crash may have left inconsistent (see the class comment), and starts the timeout check.
    /// </summary>
    public async Task StartAsync(bool stoppedCleanly)
    {
        if (_broker.GetTopic(TopicName) is { } topic)
        {
            var latest = new Dictionary<string, TransactionRecord?>(StringComparer.Ordinal);
            using var scratch = new Foundation.Buffers.PooledBufferWriter();
            for (var partition = 0; partition < topic.PartitionCount; partition++)
            {
                _broker.ReadPartition(TopicName, partition, chunk =>
                {
                    var next = 0L;
                    var position = 0;
                    int size;
                    while ((size = RecordBatch.FirstWholeBatchSize(chunk.Span[position..])) > 0)
                    {
                        var batch = chunk.Span.Slice(position, size);
                        next = RecordBatch.NextOffset(batch);
                        scratch.Reset();
                        var records = BatchRecords.Read(batch, scratch);
                        while (records.TryReadNext(out var record))
                        {
                            if (record.HasKey && TransactionRecords.TryDecode(record.Key.ToArray(), record.HasValue ? record.Value.ToArray() : null, out var id, out var state))
                            {
                                latest[id] = state;
                            }
                        }
                        position += size;
                    }
                    return next;
                });
            }
            foreach (var (id, record) in latest)
            {
                if (record is null)
                {
                    continue;
                }
                var entry = _entries.GetOrAdd(id, i => new Entry(i));
                Publish(entry, record);
                if (record.Status is TransactionStatus.PrepareCommit or TransactionStatus.PrepareAbort)
                {
                    entry.MarkersDone = WriteMarkersAsync(entry, record);
                }
            }
        }
        if (!stoppedCleanly)
        {
            await FenceAfterCrashAsync().ConfigureAwait(false);
        }
        _ticker = Task.Run(TickLoopAsync);
    }

    /// <summary>After an unclean stop: fences every id not in PrepareX and aborts open and orphaned transactions.</summary>
    private async Task FenceAfterCrashAsync()
    {
        var orphans = new Dictionary<long, List<(TopicPartition Partition, short Epoch)>>();
        foreach (var (partition, producerId, epoch) in _broker.OpenTransactions())
        {
            if (!orphans.TryGetValue(producerId, out var list))
            {
                orphans[producerId] = list = [];
            }
            list.Add((partition, epoch));
        }
        var now = Now();
        foreach (var entry in _entries.Values)
        {
            if (entry.View is not { } view)
            {
                continue;
            }
            // A prepared transaction's open partitions are its own, closed by the markers being written again.
            var mine = orphans.Remove(view.ProducerId, out var found) ? found.Select(o => o.Partition).ToList() : [];
            if (view.Status is TransactionStatus.PrepareCommit or TransactionStatus.PrepareAbort or TransactionStatus.Dead)
            {
                continue;
            }
            await entry.Gate.WaitAsync().ConfigureAwait(false);
            try
            {
                if (view.Status == TransactionStatus.Ongoing)
                {
                    await FenceAndAbortAsync(entry, view with { Partitions = [.. view.Partitions.Union(mine)] }, now).ConfigureAwait(false);
                }
                else if (mine.Count > 0)
                {
                    await FenceAndAbortAsync(entry, view with { Partitions = [.. mine], StartTimestamp = now }, now).ConfigureAwait(false);
                }
                else if (view.Status == TransactionStatus.CompleteCommit && view.ProducerEpoch < short.MaxValue - 1)
                {
                    // No transaction open, but the producer may believe one is (its AddPartitions and data lost with
                    // the crash), and EndTxn(commit) would be answered as a retry of the finished commit: fence it.
                    // (After CompleteAbort or Empty a commit is refused anyway.)
                    await PersistAndPublishAsync(entry, view with { ProducerEpoch = (short)(view.ProducerEpoch + 1), Status = TransactionStatus.Empty, Partitions = [], LastUpdateTimestamp = now, StartTimestamp = -1 }).ConfigureAwait(false);
                }
            }
            finally
            {
                entry.Gate.Release();
            }
        }
        // Open transactions of producer ids no transactional id holds any more: abort them where they are.
        foreach (var (producerId, list) in orphans)
        {
            foreach (var (partition, epoch) in list)
            {
                var (error, endOffset) = _broker.AppendMarker(partition.Topic, partition.Partition, producerId, epoch, commit: false, coordinatorEpoch: 0);
                if (error == ErrorCode.None)
                {
                    await _broker.WaitForDurableAsync(partition.Topic, partition.Partition, endOffset).ConfigureAwait(false);
                }
            }
        }
    }

    public async ValueTask<ProducerIdResult> InitProducerIdAsync(string transactionalId, int transactionTimeoutMs, long producerId, short producerEpoch)
    {
        if (transactionalId.Length == 0)
        {
            return new ProducerIdResult(ErrorCode.InvalidRequest, -1, -1);
        }
        if (transactionTimeoutMs <= 0 || transactionTimeoutMs > _options.MaxTimeoutMs)
        {
            return new ProducerIdResult(ErrorCode.InvalidTransactionTimeout, -1, -1);
        }
        var entry = _entries.GetOrAdd(transactionalId, id => new Entry(id));
        await entry.Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            var now = Now();
            var view = entry.View;
            if (view is null)
            {
                var fresh = new TransactionRecord(_producers.AllocateProducerId(), 0, transactionTimeoutMs, TransactionStatus.Empty, [], now, -1);
                return await PersistAndPublishAsync(entry, fresh).ConfigureAwait(false) is var error && error != ErrorCode.None
                    ? new ProducerIdResult(error, -1, -1)
                    : new ProducerIdResult(ErrorCode.None, fresh.ProducerId, fresh.ProducerEpoch);
            }
            if (producerId >= 0 && (producerId != view.ProducerId || producerEpoch != view.ProducerEpoch))
            {
                // KIP-360: a producer resuming with an id/epoch that is no longer current has been fenced.
                return new ProducerIdResult(ErrorCode.ProducerFenced, -1, -1);
            }
            switch (view.Status)
            {
                case TransactionStatus.PrepareCommit or TransactionStatus.PrepareAbort or TransactionStatus.PrepareEpochFence:
                    return new ProducerIdResult(ErrorCode.ConcurrentTransactions, -1, -1);
                case TransactionStatus.Ongoing:
                    {
                        // A new producer with this id: abort the open transaction under a bumped epoch, which fences
                        // the old producer; the client retries and gets the epoch after that.
                        var error = await FenceAndAbortAsync(entry, view, now).ConfigureAwait(false);
                        return new ProducerIdResult(error == ErrorCode.None ? ErrorCode.ConcurrentTransactions : error, -1, -1);
                    }
                default:
                    {
                        var next = view.ProducerEpoch >= short.MaxValue - 1
                            ? view with { ProducerId = _producers.AllocateProducerId(), ProducerEpoch = 0 }
                            : view with { ProducerEpoch = (short)(view.ProducerEpoch + 1) };
                        next = next with { TimeoutMs = transactionTimeoutMs, Status = TransactionStatus.Empty, Partitions = [], LastUpdateTimestamp = now, StartTimestamp = -1 };
                        var error = await PersistAndPublishAsync(entry, next).ConfigureAwait(false);
                        return error != ErrorCode.None ? new ProducerIdResult(error, -1, -1) : new ProducerIdResult(ErrorCode.None, next.ProducerId, next.ProducerEpoch);
                    }
            }
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    public async ValueTask<IReadOnlyList<(TopicPartition Partition, ErrorCode Error)>> AddPartitionsAsync(string transactionalId, long producerId, short producerEpoch, IReadOnlyList<TopicPartition> partitions)
    {
        IReadOnlyList<(TopicPartition, ErrorCode)> All(ErrorCode error) => [.. partitions.Select(p => (p, error))];
        var unknown = partitions.Where(p => _broker.GetTopic(p.Topic) is not { } topic || p.Partition < 0 || p.Partition >= topic.PartitionCount).ToHashSet();
        if (unknown.Count > 0)
        {
            return [.. partitions.Select(p => (p, unknown.Contains(p) ? ErrorCode.UnknownTopicOrPartition : ErrorCode.OperationNotAttempted))];
        }
        var error = await AddAsync(transactionalId, producerId, producerEpoch, partitions).ConfigureAwait(false);
        return All(error);
    }

    public async ValueTask<ErrorCode> AddOffsetsAsync(string transactionalId, long producerId, short producerEpoch, string groupId)
    {
        if (groupId.Length == 0)
        {
            return ErrorCode.InvalidGroupId;
        }
        var partition = _groups.OffsetsPartitionOf(groupId);
        if (partition < 0)
        {
            return ErrorCode.CoordinatorNotAvailable;
        }
        return await AddAsync(transactionalId, producerId, producerEpoch, [new TopicPartition(GroupStore.TopicName, partition)]).ConfigureAwait(false);
    }

    /// <summary>Adds partitions to the id's transaction (starting one if none is open); durable when it completes.</summary>
    private async ValueTask<ErrorCode> AddAsync(string transactionalId, long producerId, short producerEpoch, IReadOnlyList<TopicPartition> partitions)
    {
        if (!_entries.TryGetValue(transactionalId, out var entry))
        {
            return ErrorCode.InvalidProducerIdMapping;
        }
        for (var attempt = 0; ; attempt++)
        {
            var markers = entry.MarkersDone;
            if (!markers.IsCompleted)
            {
                // The previous transaction's markers (and CompleteX) are in flight: wait for them outside the gate.
                if (attempt > 1 || !await CompletesWithinAsync(markers, MarkerWait).ConfigureAwait(false))
                {
                    return ErrorCode.ConcurrentTransactions;
                }
                continue;
            }
            await entry.Gate.WaitAsync().ConfigureAwait(false);
            try
            {
                var view = entry.View;
                if (CheckProducer(view, producerId, producerEpoch) is var check && check != ErrorCode.None)
                {
                    return check;
                }
                if (view!.Status is TransactionStatus.PrepareCommit or TransactionStatus.PrepareAbort or TransactionStatus.PrepareEpochFence)
                {
                    if (attempt > 0 || entry.MarkersDone.IsCompleted)
                    {
                        // Markers failed and wait for the timeout check's retry.
                        return ErrorCode.ConcurrentTransactions;
                    }
                }
                else
                {
                    var ongoing = view.Status == TransactionStatus.Ongoing;
                    var current = ongoing ? entry.PartitionSet : [];
                    if (ongoing && partitions.All(current.Contains))
                    {
                        return ErrorCode.None;
                    }
                    var now = Now();
                    var next = view with
                    {
                        Status = TransactionStatus.Ongoing,
                        Partitions = [.. (ongoing ? view.Partitions : []).Union(partitions)],
                        LastUpdateTimestamp = now,
                        StartTimestamp = ongoing ? view.StartTimestamp : now,
                    };
                    // Answered once appended (see the class comment): a crash that loses this record is repaired
                    // at the next start by fencing the producer and aborting what it wrote.
                    if (Append(entry.Id, next).Error != ErrorCode.None)
                    {
                        return ErrorCode.CoordinatorNotAvailable;
                    }
                    Publish(entry, next);
                    return ErrorCode.None;
                }
            }
            finally
            {
                entry.Gate.Release();
            }
        }
    }

    private static async Task<bool> CompletesWithinAsync(Task task, TimeSpan limit)
    {
        try
        {
            await task.WaitAsync(limit).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public async ValueTask<IReadOnlyList<(TopicPartition Partition, ErrorCode Error)>> CommitOffsetsAsync(string transactionalId, string groupId, long producerId, short producerEpoch, int generation, string memberId, string? groupInstanceId, IReadOnlyList<(TopicPartition Partition, CommittedOffset Offset)> offsets)
    {
        IReadOnlyList<(TopicPartition, ErrorCode)> All(ErrorCode error) => [.. offsets.Select(o => (o.Partition, error))];
        var partition = _groups.OffsetsPartitionOf(groupId);
        if (partition < 0)
        {
            return All(ErrorCode.CoordinatorNotAvailable);
        }
        var (error, _) = VerifyWrite(producerId, producerEpoch, GroupStore.TopicName, partition);
        if (error != ErrorCode.None)
        {
            // Kafka: offsets of a group the transaction did not add (AddOffsetsToTxn) are refused.
            return All(error == ErrorCode.InvalidProducerEpoch ? ErrorCode.ProducerFenced : error);
        }
        return await _groups.CommitTransactionalOffsetsAsync(groupId, producerId, producerEpoch, generation, memberId, groupInstanceId, offsets).ConfigureAwait(false);
    }

    public async ValueTask<ErrorCode> EndTransactionAsync(string transactionalId, long producerId, short producerEpoch, bool commit)
    {
        if (!_entries.TryGetValue(transactionalId, out var entry))
        {
            return ErrorCode.InvalidProducerIdMapping;
        }
        await entry.Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            var view = entry.View;
            if (CheckProducer(view, producerId, producerEpoch) is var check && check != ErrorCode.None)
            {
                return check;
            }
            switch (view!.Status)
            {
                case TransactionStatus.Ongoing:
                    {
                        // A commit decision may become durable only after everything the transaction wrote is
                        // (its produces were acknowledged at append): otherwise a crash could commit part of it.
                        if (commit && await WaitForDataAsync(view.Partitions).ConfigureAwait(false) != ErrorCode.None)
                        {
                            return ErrorCode.CoordinatorNotAvailable;
                        }
                        var prepared = view with { Status = commit ? TransactionStatus.PrepareCommit : TransactionStatus.PrepareAbort, LastUpdateTimestamp = Now() };
                        var error = await PersistAndPublishAsync(entry, prepared).ConfigureAwait(false);
                        if (error == ErrorCode.None)
                        {
                            // On a pool worker, so the answer is not held back by the marker appends (one write per
                            // partition, under load about 0.1 ms each): the client's next request, AddPartitionsToTxn,
                            // waits for MarkersDone anyway. WriteMarkersAsync takes the gate held here only after the
                            // markers are durable.
                            entry.MarkersDone = Task.Run(() => WriteMarkersAsync(entry, prepared));
                        }
                        return error;
                    }
                case TransactionStatus.CompleteCommit:
                    return commit ? ErrorCode.None : ErrorCode.InvalidTxnState;
                case TransactionStatus.CompleteAbort:
                    return commit ? ErrorCode.InvalidTxnState : ErrorCode.None;
                case TransactionStatus.PrepareCommit:
                    return commit ? ErrorCode.ConcurrentTransactions : ErrorCode.InvalidTxnState;
                case TransactionStatus.PrepareAbort:
                    return commit ? ErrorCode.InvalidTxnState : ErrorCode.ConcurrentTransactions;
                default:
                    return ErrorCode.InvalidTxnState;
            }
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    /// <summary>Waits until every partition is durable up to its current log end, all partitions concurrently.</summary>
    private async ValueTask<ErrorCode> WaitForDataAsync(IReadOnlyList<TopicPartition> partitions)
    {
        var waits = new ValueTask<ErrorCode>[partitions.Count];
        for (var i = 0; i < waits.Length; i++)
        {
            waits[i] = _broker.WaitForDurableToLogEndAsync(partitions[i].Topic, partitions[i].Partition);
        }
        var result = ErrorCode.None;
        foreach (var wait in waits)
        {
            // A deleted topic has nothing left to make durable.
            if (await wait.ConfigureAwait(false) is var error && error is not (ErrorCode.None or ErrorCode.UnknownTopicOrPartition))
            {
                result = error;
            }
        }
        return result;
    }

    public (ErrorCode Error, string? Message) VerifyWrite(long producerId, short producerEpoch, string topic, int partition)
    {
        if (!_byProducer.TryGetValue(producerId, out var entry) || entry.View is not { } view || view.ProducerId != producerId)
        {
            return (ErrorCode.InvalidTxnState, $"Producer {producerId} has no ongoing transaction.");
        }
        if (producerEpoch < view.ProducerEpoch)
        {
            return (ErrorCode.InvalidProducerEpoch, $"Producer {producerId} has epoch {producerEpoch}, older than the current {view.ProducerEpoch}.");
        }
        if (producerEpoch > view.ProducerEpoch || view.Status != TransactionStatus.Ongoing)
        {
            return (ErrorCode.InvalidTxnState, $"Producer {producerId} epoch {producerEpoch} has no ongoing transaction.");
        }
        return entry.PartitionSet.Contains(new TopicPartition(topic, partition))
            ? (ErrorCode.None, null)
            : (ErrorCode.InvalidTxnState, $"Partition {topic}-{partition} was not added to the transaction.");
    }

    public async ValueTask<ErrorCode> WriteMarkerAsync(TopicPartition partition, long producerId, short producerEpoch, bool commit, int coordinatorEpoch)
    {
        if (producerId < 0 || producerEpoch < 0)
        {
            return ErrorCode.InvalidProducerEpoch;
        }
        var (error, endOffset) = _broker.AppendMarker(partition.Topic, partition.Partition, producerId, producerEpoch, commit, coordinatorEpoch);
        if (error != ErrorCode.None)
        {
            return error;
        }
        if (partition.Topic == GroupStore.TopicName)
        {
            _groups.CompleteTransaction(partition.Partition, producerId, commit);
        }
        return await _broker.WaitForDurableAsync(partition.Topic, partition.Partition, endOffset).ConfigureAwait(false);
    }

    public TransactionDescription? Describe(string transactionalId) =>
        _entries.TryGetValue(transactionalId, out var entry) && entry.View is { } view ? ToDescription(entry.Id, view) : null;

    public IReadOnlyList<TransactionDescription> List() =>
        [.. _entries.Values.Where(e => e.View is not null).Select(e => ToDescription(e.Id, e.View!)).OrderBy(d => d.TransactionalId, StringComparer.Ordinal)];

    private static TransactionDescription ToDescription(string id, TransactionRecord view) =>
        new(id, view.Status, view.TimeoutMs, view.StartTimestamp, view.ProducerId, view.ProducerEpoch, view.Partitions);

    private static ErrorCode CheckProducer(TransactionRecord? view, long producerId, short producerEpoch)
    {
        if (view is null || view.ProducerId != producerId)
        {
            return ErrorCode.InvalidProducerIdMapping;
        }
        return producerEpoch != view.ProducerEpoch ? ErrorCode.ProducerFenced : ErrorCode.None;
    }

    /// <summary>Aborts the open transaction under epoch+1 (fencing its producer). Call holding the gate.</summary>
    private async ValueTask<ErrorCode> FenceAndAbortAsync(Entry entry, TransactionRecord view, long now)
    {
        var fenced = view.ProducerEpoch >= short.MaxValue - 1
            ? view with { Status = TransactionStatus.PrepareAbort, LastUpdateTimestamp = now }
            : view with { ProducerEpoch = (short)(view.ProducerEpoch + 1), Status = TransactionStatus.PrepareAbort, LastUpdateTimestamp = now };
        var error = await PersistAndPublishAsync(entry, fenced).ConfigureAwait(false);
        if (error == ErrorCode.None)
        {
            entry.MarkersDone = WriteMarkersAsync(entry, fenced);
        }
        return error;
    }

    /// <summary>
    /// Writes the markers of a prepared transaction to all its partitions (appended one after another, made durable
    /// concurrently), then records CompleteX and waits until it is durable: the id's next Ongoing record is appended
    /// only after this completes (see the class comment). A marker that cannot be written (storage error) leaves
    /// the transaction prepared; the timeout check retries it.
    /// </summary>
    private async Task WriteMarkersAsync(Entry entry, TransactionRecord prepared)
    {
        var commit = prepared.Status == TransactionStatus.PrepareCommit;
        var waits = new List<ValueTask<ErrorCode>>(prepared.Partitions.Count);
        var failed = false;
        foreach (var partition in prepared.Partitions)
        {
            var (error, endOffset) = _broker.AppendMarker(partition.Topic, partition.Partition, prepared.ProducerId, prepared.ProducerEpoch, commit, coordinatorEpoch: 0);
            switch (error)
            {
                case ErrorCode.None:
                    waits.Add(_broker.WaitForDurableAsync(partition.Topic, partition.Partition, endOffset));
                    if (partition.Topic == GroupStore.TopicName)
                    {
                        _groups.CompleteTransaction(partition.Partition, prepared.ProducerId, commit);
                    }
                    break;
                case ErrorCode.UnknownTopicOrPartition or ErrorCode.InvalidProducerEpoch:
                    // The topic was deleted, or a newer epoch already ended this producer's transaction there.
                    break;
                default:
                    failed = true;
                    break;
            }
        }
        foreach (var wait in waits)
        {
            failed |= await wait.ConfigureAwait(false) != ErrorCode.None;
        }
        if (failed)
        {
            return;
        }
        (ErrorCode Error, int Partition, long EndOffset) completed = (ErrorCode.UnknownTopicOrPartition, -1, -1);
        await entry.Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (entry.View is { } view && view.ProducerId == prepared.ProducerId && view.ProducerEpoch == prepared.ProducerEpoch && view.Status == prepared.Status)
            {
                var complete = view with { Status = commit ? TransactionStatus.CompleteCommit : TransactionStatus.CompleteAbort, LastUpdateTimestamp = Now() };
                completed = Append(entry.Id, complete);
                if (completed.Error == ErrorCode.None)
                {
                    Publish(entry, complete);
                }
            }
        }
        finally
        {
            entry.Gate.Release();
        }
        if (completed.Error == ErrorCode.None)
        {
            await _broker.WaitForDurableAsync(TopicName, completed.Partition, completed.EndOffset).ConfigureAwait(false);
        }
    }

    private async ValueTask<ErrorCode> PersistAndPublishAsync(Entry entry, TransactionRecord record)
    {
        var (error, partition, endOffset) = Append(entry.Id, record);
        if (error != ErrorCode.None)
        {
            return ErrorCode.CoordinatorNotAvailable;
        }
        if (await _broker.WaitForDurableAsync(TopicName, partition, endOffset).ConfigureAwait(false) != ErrorCode.None)
        {
            return ErrorCode.CoordinatorNotAvailable;
        }
        Publish(entry, record);
        return ErrorCode.None;
    }

    private (ErrorCode Error, int Partition, long EndOffset) Append(string transactionalId, TransactionRecord record)
    {
        var partitions = EnsureTopic();
        if (partitions <= 0)
        {
            return (ErrorCode.CoordinatorNotAvailable, -1, -1);
        }
        var partition = GroupStore.PartitionFor(transactionalId, partitions);
        var timestamp = Now();
        byte[] batch;
        using (var builder = new RecordBatchBuilder(timestamp))
        {
            builder.Append(timestamp, TransactionRecords.Key(transactionalId), TransactionRecords.Value(record));
            batch = builder.ToArray(new BatchOptions());
        }
        var (error, _, endOffset) = _broker.AppendInternal(TopicName, partition, batch);
        return (error, partition, endOffset);
    }

    private void Publish(Entry entry, TransactionRecord record)
    {
        if (entry.View is { } old && old.ProducerId != record.ProducerId)
        {
            _byProducer.TryRemove(new KeyValuePair<long, Entry>(old.ProducerId, entry));
        }
        entry.PartitionSet = [.. record.Partitions];
        entry.View = record;
        _byProducer[record.ProducerId] = entry;
    }

    private int EnsureTopic()
    {
        if (_broker.GetTopic(TopicName) is { } existing)
        {
            return existing.PartitionCount;
        }
        lock (_createLock)
        {
            var configs = new Dictionary<string, string?> { ["cleanup.policy"] = "compact", ["segment.bytes"] = "104857600" };
            var (error, _, topic) = _broker.CreateTopic(TopicName, _options.StateLogPartitions, configs);
            return error == ErrorCode.None ? topic!.PartitionCount : _broker.GetTopic(TopicName)?.PartitionCount ?? -1;
        }
    }

    /// <summary>Aborts transactions open longer than their timeout (fencing their producers) and retries stuck markers.</summary>
    private async Task TickLoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(_options.AbortCheckIntervalMs), _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                var now = Now();
                foreach (var entry in _entries.Values)
                {
                    if (entry.View is not { } view)
                    {
                        continue;
                    }
                    var expired = view.Status == TransactionStatus.Ongoing && now - view.StartTimestamp > view.TimeoutMs;
                    var stuck = view.Status is TransactionStatus.PrepareCommit or TransactionStatus.PrepareAbort && entry.MarkersDone.IsCompleted;
                    if (!expired && !stuck)
                    {
                        continue;
                    }
                    await entry.Gate.WaitAsync(_stopping.Token).ConfigureAwait(false);
                    try
                    {
                        view = entry.View!;
                        if (view.Status == TransactionStatus.Ongoing && now - view.StartTimestamp > view.TimeoutMs)
                        {
                            await FenceAndAbortAsync(entry, view, now).ConfigureAwait(false);
                        }
                        else if (view.Status is TransactionStatus.PrepareCommit or TransactionStatus.PrepareAbort && entry.MarkersDone.IsCompleted)
                        {
                            entry.MarkersDone = Task.Run(() => WriteMarkersAsync(entry, view));
                        }
                    }
                    finally
                    {
                        entry.Gate.Release();
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        if (_ticker is not null)
        {
            await _ticker.ConfigureAwait(false);
        }
        foreach (var entry in _entries.Values)
        {
            try
            {
                await entry.MarkersDone.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Left prepared: the next start replays PrepareX and writes the markers again.
            }
        }
        _stopping.Dispose();
    }

    /// <summary>One transactional id: its gate, its published (immutable) state and the markers in flight.</summary>
    private sealed class Entry(string id)
    {
        public string Id { get; } = id;

        public SemaphoreSlim Gate { get; } = new(1, 1);

        /// <summary>The state as last made durable (null until the first InitProducerId is durable).</summary>
        public volatile TransactionRecord? View;

        /// <summary>The partitions of <see cref="View"/>, for lookups; replaced together with it, never changed.</summary>
        public volatile HashSet<TopicPartition> PartitionSet = [];

        /// <summary>Completes when the markers of the last prepared transaction and then its CompleteX are durable (or failed).</summary>
        public Task MarkersDone { get; set; } = Task.CompletedTask;
    }
}
