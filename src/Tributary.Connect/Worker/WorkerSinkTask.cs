using Microsoft.Extensions.Logging;
using Tributary.Client;
using Tributary.Connect.Errors;
using Tributary.Connect.Headers;
using Tributary.Connect.Runtime.ErrorHandling;
using Tributary.Connect.Sink;
using Tributary.Protocol.Records;

namespace Tributary.Connect.Runtime.Worker;

/// <summary>
/// Runs one sink task (Kafka's <c>WorkerSinkTask</c>): a member of the consumer group <c>connect-&lt;name&gt;</c>
/// fetches records → key/value/header converters → transformation chain → <c>put</c>; every
/// offset.flush.interval.ms (and at stop, pause or partition revocation) <c>preCommit</c> decides what is safe and the
/// group offsets are committed — after the dead-letter queue holds the records that failed. A retriable error from
/// put rewinds to the first record of the batch and delivers it again after the context's timeout.
/// One thread of control (the loop).
/// </summary>
public sealed class WorkerSinkTask : WorkerTaskBase
{
    private readonly SinkTask _task;
    private readonly TaskPipeline _pipeline;
    private readonly RetryWithToleranceOperator _errors;
    private readonly DeadLetterQueueReporter? _dlq;
    private readonly KafkaClient _client;
    private readonly SinkConsumerConfig _consumerConfig;
    private readonly TimeSpan _commitInterval;
    private readonly Dictionary<TopicPartition, OffsetAndMetadata> _current = [];
    private readonly HashSet<TopicPartition> _assigned = [];
    private readonly HashSet<TopicPartition> _pausedPartitions = [];
    private readonly SinkContext _context;
    private GroupConsumer? _consumer;
    private long _lastCommit = Environment.TickCount64;

    /// <summary>The fetch of the next records, started before the current batch is put (null when none is running).</summary>
    private Task<List<ConsumedRecord>>? _prefetch;

    /// <summary>
    /// The two lists polls fill in turn, one being put while the prefetch fills the other (a fetch's records in a new
    /// list per poll was a large-object-heap array per poll).
    /// </summary>
    private readonly List<ConsumedRecord> _pollListA = [], _pollListB = [];

    /// <summary>What a finished prefetch returned, not yet converted.</summary>
    private IReadOnlyList<ConsumedRecord>? _prefetched;

    /// <summary>The consumed records of the batch being put: the errant-record reporter's originals (null between puts).</summary>
    private IReadOnlyList<ConsumedRecord>? _delivering;

    public WorkerSinkTask(string connector, int taskId, SinkTask task, IReadOnlyDictionary<string, string> taskConfig, TaskPipeline pipeline, RetryWithToleranceOperator errors, DeadLetterQueueReporter? dlq, KafkaClient client, SinkConsumerConfig consumerConfig, TimeSpan commitInterval, ITaskStatusListener listener, ILogger logger)
        : base(connector, taskId, taskConfig, listener, logger)
    {
        _task = task;
        LogWarnings(task.Metrics);
        _pipeline = pipeline;
        _errors = errors;
        _dlq = dlq;
        _client = client;
        _consumerConfig = consumerConfig;
        _commitInterval = commitInterval;
        _context = new SinkContext(this);
    }

    public long RecordsPut { get; private set; }

    public override RetryWithToleranceOperator ErrorCounters => _errors;

    public override Tributary.Connect.Metrics.PluginMetrics PluginMetrics => _task.Metrics;

    /// <summary>The partitions this task consumes now.</summary>
    public IReadOnlyCollection<TopicPartition> Assignment => [.. _assigned];

    protected override async Task StartTaskAsync(CancellationToken cancellationToken)
    {
        if (_dlq is not null)
        {
            // Before the task starts, as Kafka sets up its reporter: a DLQ that cannot be made fails the task at once.
            await _dlq.EnsureTopicAsync(cancellationToken).ConfigureAwait(false);
        }
        _task.Initialize(_context);
        await _task.StartAsync(TaskConfig, cancellationToken).ConfigureAwait(false);
        _consumer = new GroupConsumer(_client, _consumerConfig.Options);
    }

    protected override async Task ExecuteIterationAsync(CancellationToken cancellationToken)
    {
        var consumer = _consumer!;
        await SettlePrefetchAsync().ConfigureAwait(false);
        var fetched = _prefetched;
        _prefetched = null;
        if (fetched is not null && _context.HasRewinds)
        {
            // The task moved offsets (SinkTaskContext.offset) while these were being fetched: fetch again from there.
            SeekBack(consumer, fetched);
            fetched = null;
        }
        if (fetched is null)
        {
            await consumer.EnsureJoinedAsync(cancellationToken).ConfigureAwait(false);
            await SyncAssignmentAsync(consumer, cancellationToken).ConfigureAwait(false);
            ApplyRewinds(consumer);
            // Nothing fetched is held here (no prefetch, nothing kept back, nothing being put): either list is free.
            fetched = await consumer.PollAsync(_pollListA, 500, _consumerConfig.MaxPollRecords, cancellationToken).ConfigureAwait(false);
        }
        await SyncAssignmentAsync(consumer, cancellationToken).ConfigureAwait(false);
        if (fetched.Count > 0)
        {
            var batch = new List<SinkRecord>(fetched.Count);
            Dictionary<TopicPartition, long>? heldBack = null;
            // Records come in runs of one partition: the paused check is made once per run, not per record.
            var runPaused = false;
            for (var i = 0; i < fetched.Count; i++)
            {
                var record = fetched[i];
                if (i == 0 || !SamePartition(fetched[i - 1], record))
                {
                    runPaused = _pausedPartitions.Count > 0 && _pausedPartitions.Contains(new TopicPartition(record.Topic, record.Partition));
                }
                if (runPaused)
                {
                    // Paused by the task: fetch these again from here once resumed.
                    heldBack ??= [];
                    heldBack.TryAdd(new TopicPartition(record.Topic, record.Partition), record.Offset);
                    continue;
                }
                if (Convert(record) is { } converted)
                {
                    batch.Add(converted);
                }
            }
            // The seek also drops what the consumer fetched past max.poll.records for these partitions.
            foreach (var (partition, offset) in heldBack ?? [])
            {
                consumer.Seek(partition.Topic, partition.Partition, offset);
            }
            // Fetch the next records while this batch is converted and put (what librdkafka's fetch thread does for
            // kcat): nothing else touches the consumer until the prefetch is settled, which happens before any
            // commit, seek, pause or stop.
            if (!_context.HasRewinds && !CommitDue)
            {
                _prefetch = consumer.PollAsync(ListNotHolding(fetched), 500, _consumerConfig.MaxPollRecords, cancellationToken);
            }
            _delivering = fetched;
            try
            {
                await DeliverAsync(batch, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _delivering = null;
            }
            AdvanceCurrent(fetched);
        }
        if (CommitDue)
        {
            await SettlePrefetchAsync().ConfigureAwait(false);
            await CommitAsync(consumer, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Moves each delivered partition's position past its last record in <paramref name="delivered"/> (not a partition
    /// the task paused, whose records are fetched again). Records come in runs of one partition, so this is one
    /// dictionary write per run.
    /// </summary>
    private void AdvanceCurrent(IReadOnlyList<ConsumedRecord> delivered)
    {
        for (var i = 0; i < delivered.Count; i++)
        {
            var record = delivered[i];
            if (i + 1 < delivered.Count && SamePartition(delivered[i + 1], record))
            {
                continue;
            }
            var partition = new TopicPartition(record.Topic, record.Partition);
            if (_pausedPartitions.Count == 0 || !_pausedPartitions.Contains(partition))
            {
                _current[partition] = new OffsetAndMetadata(record.Offset + 1);
            }
        }
    }

    /// <summary>The poll list that <paramref name="held"/> is not.</summary>
    private List<ConsumedRecord> ListNotHolding(IReadOnlyList<ConsumedRecord> held) =>
        ReferenceEquals(held, _pollListA) ? _pollListB : _pollListA;

    private static bool SamePartition(ConsumedRecord a, ConsumedRecord b) =>
        a.Partition == b.Partition && string.Equals(a.Topic, b.Topic, StringComparison.Ordinal);

    private bool CommitDue => _context.CommitRequested || Environment.TickCount64 - _lastCommit >= (long)_commitInterval.TotalMilliseconds;

    /// <summary>Waits for the prefetch in flight, keeping its records for the next iteration.</summary>
    private async Task SettlePrefetchAsync()
    {
        if (_prefetch is { } prefetch)
        {
            _prefetch = null;
            _prefetched = await prefetch.ConfigureAwait(false);
        }
    }

    /// <summary>Drops records fetched but not delivered: each partition's position goes back to its first one.</summary>
    private static void SeekBack(GroupConsumer consumer, IReadOnlyList<ConsumedRecord> undelivered)
    {
        var seen = new HashSet<(string, int)>();
        foreach (var record in undelivered)
        {
            if (seen.Add((record.Topic, record.Partition)))
            {
                consumer.Seek(record.Topic, record.Partition, record.Offset);
            }
        }
    }

    /// <summary>Settles the prefetch and gives its records back (pause, stop: nothing may run beside a commit).</summary>
    private async Task DiscardPrefetchAsync(GroupConsumer consumer)
    {
        try
        {
            await SettlePrefetchAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is KafkaClientException or OperationCanceledException)
        {
            // The records were not delivered; the positions of a failed fetch did not move.
        }
        if (_prefetched is { } undelivered)
        {
            SeekBack(consumer, undelivered);
            _prefetched = null;
        }
    }

    protected override async Task OnPauseAsync(CancellationToken cancellationToken)
    {
        if (_consumer is { } consumer)
        {
            await DiscardPrefetchAsync(consumer).ConfigureAwait(false);
            await CommitAsync(consumer, cancellationToken).ConfigureAwait(false);
        }
    }

    protected override async Task StopTaskAsync()
    {
        if (_consumer is { } consumer)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await DiscardPrefetchAsync(consumer).ConfigureAwait(false);
                await CommitAsync(consumer, timeout.Token).ConfigureAwait(false);
                await _task.CloseAsync([.. _assigned], timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Logger.LogWarning(e, "{Connector}-{Task}: final commit failed", Connector, TaskId);
            }
            await consumer.DisposeAsync().ConfigureAwait(false);
        }
        await _task.StopAsync().ConfigureAwait(false);
        _pipeline.Dispose();
    }

    private async Task DeliverAsync(List<SinkRecord> batch, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await _task.PutAsync(batch, cancellationToken).ConfigureAwait(false);
                RecordsPut += batch.Count;
                return;
            }
            catch (RetriableException e)
            {
                Logger.LogWarning(e, "{Connector}-{Task}: put failed with a retriable error; delivering the batch again in {Timeout} ms", Connector, TaskId, _context.TimeoutMs);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(0, _context.TimeoutMs)), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Key, value and header converters, then the chain. Allocation per record is the record itself and what the
    /// converters return: the steps are static lambdas over (this, record), and the DLQ's copy of the consumed record is
    /// made only when a step fails.
    /// </summary>
    private SinkRecord? Convert(ConsumedRecord record)
    {
        var state = (Task: this, Record: record);
        var key = _errors.Execute(static s => s.Task._pipeline.KeyConverter.ToConnectData(s.Record.Topic, null, s.Record.Key), state, ErrorStage.KEY_CONVERTER, _pipeline.KeyConverterClass, OriginalOf, null, out var failed);
        if (failed)
        {
            return null;
        }
        var value = _errors.Execute(static s => s.Task._pipeline.ValueConverter.ToConnectData(s.Record.Topic, null, s.Record.Value), state, ErrorStage.VALUE_CONVERTER, _pipeline.ValueConverterClass, OriginalOf, null, out failed);
        if (failed)
        {
            return null;
        }
        ConnectHeaders? headers = null;
        if (record.Headers.Count > 0)
        {
            headers = _errors.Execute(static s => s.Task.ConvertHeaders(s.Record.Topic, s.Record.Headers), state, ErrorStage.HEADER_CONVERTER, _pipeline.HeaderConverterClass, OriginalOf, null, out failed);
            if (failed)
            {
                return null;
            }
        }
        var sinkRecord = new SinkRecord(record.Topic, record.Partition, key.Schema, key.Value, value.Schema, value.Value, record.Offset, record.Timestamp < 0 ? null : record.Timestamp,
            record.Timestamp < 0 ? TimestampType.NoTimestampType : record.LogAppendTime ? TimestampType.LogAppendTime : TimestampType.CreateTime, headers);
        if (_pipeline.Chain.Stages.Count == 0)
        {
            return sinkRecord;
        }
        return (SinkRecord?)_pipeline.Chain.Apply(sinkRecord, _errors, OriginalOf(state), out _);
    }

    private static FailedRecord OriginalOf((WorkerSinkTask Task, ConsumedRecord Record) state)
    {
        var record = state.Record;
        return new FailedRecord(record.Topic, record.Partition, record.Offset, record.Timestamp, record.Key, record.Value, record.Headers);
    }

    /// <summary>
    /// The consumed record a reported sink record came from (Kafka's <c>WorkerErrantRecordReporter</c>): its exact
    /// key, value and header bytes — nulls kept — while its batch is being put; a record reported later, or one the
    /// task built itself, is converted back with the task's converters, as Kafka does for records it did not consume.
    /// </summary>
    private FailedRecord OriginalOf(SinkRecord record)
    {
        if (_delivering is { } consumed)
        {
            foreach (var candidate in consumed)
            {
                if (candidate.Offset == record.OriginalKafkaOffset && candidate.Partition == record.OriginalKafkaPartition && candidate.Topic == record.OriginalTopic)
                {
                    return new FailedRecord(candidate.Topic, candidate.Partition, candidate.Offset, candidate.Timestamp, candidate.Key, candidate.Value, candidate.Headers);
                }
            }
        }
        var headers = new List<RecordHeader>();
        foreach (var header in record.Headers)
        {
            headers.Add(new RecordHeader(header.Key, _pipeline.HeaderConverter.FromConnectHeader(record.Topic, header.Key, header.Schema, header.Value)));
        }
        return new FailedRecord(record.OriginalTopic, record.OriginalKafkaPartition, record.OriginalKafkaOffset, record.Timestamp ?? -1,
            _pipeline.KeyConverter.FromConnectData(record.Topic, record.Headers, record.KeySchema, record.Key),
            _pipeline.ValueConverter.FromConnectData(record.Topic, record.Headers, record.ValueSchema, record.Value), headers);
    }

    private ConnectHeaders ConvertHeaders(string topic, IReadOnlyList<RecordHeader> raw)
    {
        var headers = new ConnectHeaders();
        foreach (var header in raw)
        {
            headers.Add(header.Key, _pipeline.HeaderConverter.ToConnectHeader(topic, header.Key, header.Value));
        }
        return headers;
    }

    /// <summary>preCommit, then the DLQ, then the group offsets of what preCommit returned (only assigned partitions).</summary>
    private async Task CommitAsync(GroupConsumer consumer, CancellationToken cancellationToken)
    {
        _lastCommit = Environment.TickCount64;
        _context.CommitRequested = false;
        if (_dlq is not null)
        {
            await _dlq.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        if (_current.Count == 0)
        {
            return;
        }
        var safe = await _task.PreCommitAsync(new Dictionary<TopicPartition, OffsetAndMetadata>(_current), cancellationToken).ConfigureAwait(false);
        var offsets = new Dictionary<(string Topic, int Partition), long>();
        foreach (var (partition, offset) in safe)
        {
            if (_assigned.Contains(partition))
            {
                offsets[(partition.Topic, partition.Partition)] = offset.Offset;
            }
        }
        if (offsets.Count == 0)
        {
            return;
        }
        try
        {
            await consumer.CommitAsync(offsets, cancellationToken).ConfigureAwait(false);
        }
        catch (KafkaClientException e)
        {
            // A rebalance under way: the next poll rejoins; the records are redelivered from the last commit.
            Logger.LogWarning(e, "{Connector}-{Task}: offset commit failed; will retry after the rebalance", Connector, TaskId);
        }
    }

    /// <summary>Calls open/close as the group's assignment changes (Kafka's rebalance listener).</summary>
    private async Task SyncAssignmentAsync(GroupConsumer consumer, CancellationToken cancellationToken)
    {
        var now = consumer.Assignment.Select(p => new TopicPartition(p.Topic, p.Partition)).ToHashSet();
        if (now.SetEquals(_assigned))
        {
            return;
        }
        var revoked = _assigned.Where(p => !now.Contains(p)).ToList();
        var added = now.Where(p => !_assigned.Contains(p)).ToList();
        if (revoked.Count > 0)
        {
            await _task.CloseAsync(revoked, cancellationToken).ConfigureAwait(false);
            foreach (var partition in revoked)
            {
                _assigned.Remove(partition);
                _current.Remove(partition);
            }
        }
        if (added.Count > 0)
        {
            foreach (var partition in added)
            {
                _assigned.Add(partition);
                Listener.OnTopicUsed(Connector, TaskId, partition.Topic);
            }
            await _task.OpenAsync(added, cancellationToken).ConfigureAwait(false);
        }
    }

    private void ApplyRewinds(GroupConsumer consumer)
    {
        foreach (var (partition, offset) in _context.TakeRewinds())
        {
            consumer.Seek(partition.Topic, partition.Partition, offset);
            _current.Remove(partition);
        }
    }

    private sealed class SinkContext(WorkerSinkTask owner) : SinkTaskContext, ErrantRecordReporter
    {
        private readonly Dictionary<TopicPartition, long> _rewinds = [];

        public IReadOnlyDictionary<string, string> Configs => owner.TaskConfig;

        public long TimeoutMs { get; private set; } = 1000;

        public volatile bool CommitRequested;

        public bool HasRewinds
        {
            get
            {
                lock (_rewinds)
                {
                    return _rewinds.Count > 0;
                }
            }
        }

        public IReadOnlyCollection<TopicPartition> Assignment => owner.Assignment;

        public ErrantRecordReporter? ErrantRecordReporter => this;

        public void Offset(IReadOnlyDictionary<TopicPartition, long> offsets)
        {
            lock (_rewinds)
            {
                foreach (var (partition, offset) in offsets)
                {
                    _rewinds[partition] = offset;
                }
            }
        }

        public void Offset(TopicPartition partition, long offset) => Offset(new Dictionary<TopicPartition, long> { [partition] = offset });

        public void Timeout(long timeoutMs) => TimeoutMs = timeoutMs;

        public void Pause(params TopicPartition[] partitions)
        {
            foreach (var partition in partitions)
            {
                owner._pausedPartitions.Add(partition);
            }
        }

        public void Resume(params TopicPartition[] partitions)
        {
            foreach (var partition in partitions)
            {
                owner._pausedPartitions.Remove(partition);
            }
        }

        public void RequestCommit() => CommitRequested = true;

        public List<KeyValuePair<TopicPartition, long>> TakeRewinds()
        {
            lock (_rewinds)
            {
                var taken = _rewinds.ToList();
                _rewinds.Clear();
                return taken;
            }
        }

        public Task ReportAsync(SinkRecord record, Exception error)
        {
            var original = owner.OriginalOf(record);
            owner._errors.Report(ErrorStage.TASK_PUT, owner._task.GetType().FullName ?? "", original, record, error);
            if (!owner._errors.Config.TolerateAll)
            {
                throw new ConnectException("Tolerance exceeded in error handler", error);
            }
            return Task.CompletedTask;
        }
    }
}
