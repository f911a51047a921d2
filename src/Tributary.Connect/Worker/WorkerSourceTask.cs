using System.Buffers;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Tributary.Client;
using Tributary.Connect.Errors;
using Tributary.Connect.Headers;
using Tributary.Connect.Runtime.ErrorHandling;
using Tributary.Connect.Runtime.Storage;
using Tributary.Connect.Source;
using Tributary.Foundation.Buffers;
using Tributary.Protocol.Records;

namespace Tributary.Connect.Runtime.Worker;

/// <summary>
/// Runs one source task (Kafka's <c>WorkerSourceTask</c>): poll → transformation chain → key/value/header converters
/// → one record batch per target partition per poll → produce (acks=all) → stage the source offsets of acknowledged
/// records → flush them every offset.flush.interval.ms and call the task's commit. Batched from the start: a poll's
/// records go into pooled batch builders; while one round of produce requests is in flight the loop keeps polling and
/// converting into the builders (up to 4 MiB), and everything gathered leaves as one request per batch when that round
/// is acknowledged — no per-record task, timer or await. Order per partition is kept (nothing is sent before the
/// previous round was acknowledged). Offsets are staged only after
/// the broker acknowledged the records, so a crash replays from the last flushed offset: no loss, and duplicates only
/// of records produced after that flush (Connect's at-least-once).
/// <para>Exactly-once (KIP-618, <see cref="SourceTransactions"/>): the task's transactional producer is initialised
/// before the task starts (fencing older instances of it), each round of batches is sent inside its transaction, and
/// at each boundary (every poll, or every interval) the round is awaited, the offsets of its records are written to
/// the offsets topic inside the same transaction, and the transaction is committed; a failure aborts it and fails the
/// task, so records and offsets count together or not at all.</para>
/// One thread of control (the loop); <see cref="WorkerTaskBase"/> handles pause, stop and status.
/// </summary>
public sealed class WorkerSourceTask : WorkerTaskBase
{
    /// <summary>
    /// Records converted while a request is in flight wait for it up to this many bytes, then the loop waits for the
    /// acknowledgement. 4 MiB keeps a fast source busy for several broker round trips and bounds a task's memory.
    /// </summary>
    private const int MaxAccumulatedBytes = 4 * 1024 * 1024;

    private readonly SourceTask _task;
    private readonly TaskPipeline _pipeline;
    private readonly RetryWithToleranceOperator _errors;
    private readonly KafkaClient _client;
    private readonly SourceProducerConfig _producer;
    private readonly IOffsetStore _offsets;
    private readonly TimeSpan _flushInterval;
    private readonly TopicCreation? _topicCreation;
    /// <summary>The connector's admin client (KIP-158 topic creation): the task's own client unless admin settings differ.</summary>
    private readonly KafkaClient _admin;
    private readonly SourceTransactions? _transactions;
    private readonly Dictionary<string, int> _partitionCounts = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Topic, int Partition), PendingBatch> _building = [];
    private readonly List<RecordHeader> _headerScratch = [];

    /// <summary>The current record's key and value bytes, written by the converters and copied into its batch.</summary>
    private readonly ArrayBufferWriter<byte> _keyScratch = new(256);
    private readonly ArrayBufferWriter<byte> _valueScratch = new(1024);

    /// <summary>Whether the task overrides commitRecord; when it does not, no RecordMetadata is made per record.</summary>
    private readonly bool _wantsCommitRecord;
    private int _roundRobin;

    /// <summary>The batch the previous record went to (batches are never removed from <see cref="_building"/>).</summary>
    private PendingBatch? _lastBatch;

    /// <summary>A converted record waiting for its topic's partition count (see <see cref="ConvertRecords"/>), with its key and value lengths.</summary>
    private ConnectRecord? _parked;
    private int _parkedKeyLength;
    private int _parkedValueLength;
    private long _lastFlush = Environment.TickCount64;
    private InFlight? _inFlight;

    /// <summary>
    /// The produce requests' token. Not the poll loop's: stopping the loop must not abandon batches already sent (their
    /// offsets are committed by the final drain), so only the stop's own deadline cancels them.
    /// </summary>
    private readonly CancellationTokenSource _sendsAbandoned = new();
    private List<SealedBatch> _sealed = [];
    /// <summary>
    /// The source offsets of the polls gathered since the last send, one entry per run of records sharing a source
    /// partition (see <see cref="CollectOffsets"/>), staged once the round that carries them is acknowledged. Only these
    /// small maps outlive a poll, not its records: records kept until the acknowledgement survived the young-generation
    /// collections and made them copy tens of thousands of objects each time.
    /// </summary>
    private List<KeyValuePair<IReadOnlyDictionary<string, object?>, IReadOnlyDictionary<string, object?>?>> _accumulatedOffsets = [];
    private int _accumulatedPolls;
    private long _accumulatedBytes;

    public WorkerSourceTask(string connector, int taskId, SourceTask task, IReadOnlyDictionary<string, string> taskConfig, TaskPipeline pipeline, RetryWithToleranceOperator errors, KafkaClient client, IOffsetStore offsets, TimeSpan flushInterval, TopicCreation? topicCreation, ITaskStatusListener listener, ILogger logger, SourceProducerConfig? producer = null, SourceTransactions? transactions = null, KafkaClient? admin = null)
        : base(connector, taskId, taskConfig, listener, logger)
    {
        _task = task;
        LogWarnings(task.Metrics);
        _pipeline = pipeline;
        _errors = errors;
        _client = client;
        _producer = producer ?? SourceProducerConfig.Default;
        _offsets = offsets;
        _flushInterval = flushInterval;
        _topicCreation = topicCreation;
        _admin = admin ?? client;
        _transactions = transactions;
        _wantsCommitRecord = task.GetType().GetMethod(nameof(SourceTask.CommitRecord), [typeof(SourceRecord), typeof(RecordMetadata)])?.DeclaringType != typeof(SourceTask);
    }

    /// <summary>Records acknowledged by the broker so far (metrics and benchmarks).</summary>
    public long RecordsWritten { get; private set; }

    public override RetryWithToleranceOperator ErrorCounters => _errors;

    public override Tributary.Connect.Metrics.PluginMetrics PluginMetrics => _task.Metrics;

    /// <summary>Where the offsets of acknowledged records are staged: the task's transaction, or the worker's store.</summary>
    private IOffsetStore StagedOffsets => _transactions?.Offsets ?? _offsets;

    protected override async Task StartTaskAsync(CancellationToken cancellationToken)
    {
        if (_transactions is { } transactions)
        {
            // Fences every older instance of this task (a zombie) and aborts what it left open, before the task reads
            // its offsets: offsets the zombie wrote in an aborted transaction are never read.
            await transactions.Producer.InitAsync(cancellationToken).ConfigureAwait(false);
            if (_offsets is Distributed.KafkaOffsetStore store)
            {
                await store.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        _task.Initialize(new Context(TaskConfig, _offsets.ReaderFor(Connector)));
        await _task.StartAsync(TaskConfig, cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteIterationAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<SourceRecord>? polled;
        try
        {
            polled = await _task.PollAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RetriableException e)
        {
            Logger.LogWarning(e, "{Connector}-{Task} poll failed with a retriable error; polling again", Connector, TaskId);
            polled = null;
        }
        if (_transactions is { } transactions)
        {
            if (polled is { Count: > 0 })
            {
                await ConvertAsync(polled, cancellationToken).ConfigureAwait(false);
                await DrainAsync(cancellationToken).ConfigureAwait(false);
            }
            if (polled is { Count: > 0 } && transactions.Boundary == TransactionBoundary.Poll
                || Environment.TickCount64 - _lastFlush >= (long)transactions.Interval.TotalMilliseconds)
            {
                await CommitOffsetsAsync(cancellationToken).ConfigureAwait(false);
            }
            return;
        }
        if (polled is { Count: > 0 })
        {
            await ConvertAndSendAsync(polled, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // Nothing new: what was gathered behind the request in flight goes now.
            await CompleteInFlightAsync(cancellationToken).ConfigureAwait(false);
            SendAccumulated();
        }
        if (Environment.TickCount64 - _lastFlush >= (long)_flushInterval.TotalMilliseconds)
        {
            await CommitOffsetsAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    protected override async Task StopTaskAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            using var abandon = timeout.Token.Register(_sendsAbandoned.Cancel);
            await DrainAsync(timeout.Token).ConfigureAwait(false);
            await CommitOffsetsAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Logger.LogWarning(e, "{Connector}-{Task}: final offset commit failed", Connector, TaskId);
        }
        await _task.StopAsync().ConfigureAwait(false);
        _pipeline.Dispose();
        _sendsAbandoned.Dispose();
    }

    protected override async Task OnPauseAsync(CancellationToken cancellationToken)
    {
        await DrainAsync(cancellationToken).ConfigureAwait(false);
        await CommitOffsetsAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends what was gathered and waits until everything is acknowledged (pause, stop).</summary>
    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        await CompleteInFlightAsync(cancellationToken).ConfigureAwait(false);
        SendAccumulated();
        await CompleteInFlightAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task CommitOffsetsAsync(CancellationToken cancellationToken)
    {
        _lastFlush = Environment.TickCount64;
        if (_transactions is { } transactions)
        {
            await CommitTransactionAsync(transactions, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await _offsets.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        await _task.CommitAsync().ConfigureAwait(false);
    }

    /// <summary>Writes the staged offsets inside the open transaction and commits it (everything sent must be acknowledged); aborts it on failure.</summary>
    private async Task CommitTransactionAsync(SourceTransactions transactions, CancellationToken cancellationToken)
    {
        var producer = transactions.Producer;
        try
        {
            if (!producer.InTransaction)
            {
                producer.Begin();
            }
            await transactions.Offsets.FlushAsync(cancellationToken).ConfigureAwait(false);
            await producer.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (KafkaClientException e)
        {
            if (!e.IsFenced && producer.InTransaction)
            {
                try
                {
                    await producer.AbortAsync(CancellationToken.None).ConfigureAwait(false);
                }
                catch (KafkaClientException abort)
                {
                    Logger.LogWarning(abort, "{Connector}-{Task}: aborting the transaction failed", Connector, TaskId);
                }
            }
            throw new ConnectException(e.IsFenced ? Fenced(transactions, e) : $"Committing the transaction of {Connector}-{TaskId} failed (aborted): {e.Message}", e);
        }
    }

    private string Fenced(SourceTransactions transactions, KafkaClientException e) =>
        $"Task {Connector}-{TaskId} was fenced out by a newer instance of it (transactional id {transactions.Producer.TransactionalId}): {e.Message}";

    private async Task ConvertAndSendAsync(IReadOnlyList<SourceRecord> polled, CancellationToken cancellationToken)
    {
        await ConvertAsync(polled, cancellationToken).ConfigureAwait(false);
        // Like Kafka's producer with one request in flight per connection: records gather behind the request in flight
        // and leave together when it is acknowledged, so batches grow with the broker's latency and order per
        // partition is kept (nothing is sent before the previous request's acknowledgement).
        if (_inFlight is { } inFlight && !inFlight.IsCompleted && _accumulatedBytes < MaxAccumulatedBytes)
        {
            return;
        }
        await CompleteInFlightAsync(cancellationToken).ConfigureAwait(false);
        SendAccumulated();
    }

    /// <summary>Transforms and converts a poll's records into the batches being built (sealing full ones); sends nothing.</summary>
    private async Task ConvertAsync(IReadOnlyList<SourceRecord> polled, CancellationToken cancellationToken)
    {
        // A record without a timestamp gets the time of its poll (Kafka's producer stamps it at send(); the poll's
        // records are converted within the same millisecond or two, and reading the clock per record cost 7 % of the
        // source path's CPU).
        var pollTime = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var next = 0;
        while ((next = ConvertRecords(polled, next, pollTime)) < polled.Count)
        {
            // polled[next] is converted (its bytes are in the scratch buffers) and goes to a topic not seen before.
            var parked = _parked!;
            _parked = null;
            var partitionCount = await LearnPartitionCountAsync(parked.Topic, cancellationToken).ConfigureAwait(false);
            Append(polled[next], parked, _parkedKeyLength, _parkedValueLength, partitionCount, pollTime);
            next++;
        }
        CollectOffsets(polled);
        _accumulatedPolls++;
    }

    /// <summary>
    /// The per-record loop of <see cref="ConvertAsync"/>, from <paramref name="start"/>: transform, convert and append
    /// to its partition's batch. Returns the index of the first record whose topic's partition count is not known yet,
    /// left in <see cref="_parked"/> with its bytes in the scratch buffers (the caller learns the count and appends it),
    /// or the poll's size when all are done. Synchronous and compiled optimised from its first call: a source task
    /// converts a burst of records that is over before tiered compilation has promoted a loop (with tiering, a million
    /// FileStream records ran mostly in unoptimised and instrumented code, and the worker spent more CPU compiling and
    /// recompiling the path than running it).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int ConvertRecords(IReadOnlyList<SourceRecord> polled, int start, long pollTime)
    {
        var chain = _pipeline.Chain;
        var keyConverter = _pipeline.KeyConverter;
        var valueConverter = _pipeline.ValueConverter;
        string? lastTopic = null;
        var lastPartitionCount = 0;
        for (var i = start; i < polled.Count; i++)
        {
            var original = polled[i];
            var transformed = chain.Stages.Count == 0 ? original : chain.Apply(original, _errors, null, out _);
            if (transformed is null)
            {
                continue;
            }
            var state = (Task: this, Record: transformed);
            bool failed;
            int keyLength;
            _keyScratch.ResetWrittenCount();
            try
            {
                keyLength = keyConverter.FromConnectData(transformed.Topic, transformed.Headers, transformed.KeySchema, transformed.Key, _keyScratch);
                failed = false;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                keyLength = _errors.Recover(e, static s => s.Task._pipeline.KeyConverter.FromConnectData(s.Record.Topic, s.Record.Headers, s.Record.KeySchema, s.Record.Key, s.Task.ResetScratch(s.Task._keyScratch)), state, ErrorStage.KEY_CONVERTER, _pipeline.KeyConverterClass, NoConsumedRecord, transformed, out failed);
            }
            if (failed)
            {
                continue;
            }
            int valueLength;
            _valueScratch.ResetWrittenCount();
            try
            {
                valueLength = valueConverter.FromConnectData(transformed.Topic, transformed.Headers, transformed.ValueSchema, transformed.Value, _valueScratch);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                valueLength = _errors.Recover(e, static s => s.Task._pipeline.ValueConverter.FromConnectData(s.Record.Topic, s.Record.Headers, s.Record.ValueSchema, s.Record.Value, s.Task.ResetScratch(s.Task._valueScratch)), state, ErrorStage.VALUE_CONVERTER, _pipeline.ValueConverterClass, NoConsumedRecord, transformed, out failed);
            }
            if (failed)
            {
                continue;
            }
            _headerScratch.Clear();
            if (!transformed.Headers.IsEmpty)
            {
                _errors.Execute(static s => s.Task.ConvertHeaders(s.Record.Topic, s.Record.Headers), state, ErrorStage.HEADER_CONVERTER, _pipeline.HeaderConverterClass, NoConsumedRecord, transformed, out failed);
                if (failed)
                {
                    continue;
                }
            }
            // A poll's records usually share one topic instance: the dictionary is asked only when the topic changes.
            if (!ReferenceEquals(transformed.Topic, lastTopic))
            {
                if (!_partitionCounts.TryGetValue(transformed.Topic, out lastPartitionCount))
                {
                    _parked = transformed;
                    _parkedKeyLength = keyLength;
                    _parkedValueLength = valueLength;
                    return i;
                }
                lastTopic = transformed.Topic;
            }
            var partitionCount = lastPartitionCount;
            Append(original, transformed, keyLength, valueLength, partitionCount, pollTime);
        }
        return polled.Count;
    }

    /// <summary>A scratch buffer emptied, for a converter run again after a retriable failure.</summary>
    private ArrayBufferWriter<byte> ResetScratch(ArrayBufferWriter<byte> scratch)
    {
        scratch.ResetWrittenCount();
        return scratch;
    }

    /// <summary>Appends a converted record (key and value in the scratch buffers, headers in the header scratch) to its partition's batch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Append(SourceRecord original, ConnectRecord transformed, int keyLength, int valueLength, int partitionCount, long pollTime)
    {
        var topic = transformed.Topic;
        var partition = transformed.KafkaPartition ?? ChoosePartition(partitionCount, keyLength >= 0 ? _keyScratch.WrittenSpan : default, keyLength >= 0);
        // Consecutive records usually go to the same batch: the dictionary is asked only when the target changes.
        var batch = _lastBatch is { } last && ReferenceEquals(last.Topic, topic) && last.Partition == partition ? last : null;
        if (batch is null && !_building.TryGetValue((topic, partition), out batch))
        {
            batch = new PendingBatch(topic, partition, new BatchOptions { Codec = _producer.Codec, CompressionLevel = _producer.CompressionLevel }, _wantsCommitRecord);
            _building[(topic, partition)] = batch;
            Listener.OnTopicUsed(Connector, TaskId, topic);
        }
        _lastBatch = batch;
        var timestamp = transformed.Timestamp ?? pollTime;
        if (batch.Builder.Count == 0)
        {
            batch.Builder.Clear(timestamp);
        }
        batch.Builder.Append(timestamp, keyLength >= 0 ? _keyScratch.WrittenSpan : default, valueLength >= 0 ? _valueScratch.WrittenSpan : default, keyLength >= 0, valueLength >= 0, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_headerScratch));
        batch.Add(original, timestamp);
        if (batch.Builder.RecordsSize >= _producer.BatchBytes)
        {
            Seal(batch);
        }
    }

    private void Seal(PendingBatch batch)
    {
        var sealedBatch = batch.Seal();
        _sealed.Add(sealedBatch);
        _accumulatedBytes += sealedBatch.Bytes.WrittenCount;
    }

    /// <summary>Seals the open batches and sends everything gathered as one request per batch (nothing may be in flight).</summary>
    private void SendAccumulated()
    {
        var cancellationToken = _sendsAbandoned.Token;
        foreach (var batch in _building.Values)
        {
            if (batch.Builder.Count > 0)
            {
                Seal(batch);
            }
        }
        if (_accumulatedPolls == 0)
        {
            return;
        }
        var sends = _sealed;
        var produces = new Task<long>[sends.Count];
        if (_transactions is { } transactions)
        {
            if (!transactions.Producer.InTransaction)
            {
                transactions.Producer.Begin();
            }
            // A transactional producer's batches to one partition go one after another (their sequences in order).
            var previous = new Dictionary<(string, int), Task>();
            for (var i = 0; i < sends.Count; i++)
            {
                var key = (sends[i].Topic, sends[i].Partition);
                produces[i] = SendAfterAsync(previous.GetValueOrDefault(key, Task.CompletedTask), transactions.Producer, sends[i], cancellationToken);
                previous[key] = produces[i];
            }
        }
        else
        {
            for (var i = 0; i < sends.Count; i++)
            {
                produces[i] = _client.ProduceBatchAsync(sends[i].Topic, sends[i].Partition, sends[i].Bytes.WrittenMemory, _producer.Acks, cancellationToken);
            }
        }
        _inFlight = new InFlight(_accumulatedOffsets, sends, produces);
        _sealed = [];
        _accumulatedOffsets = [];
        _accumulatedPolls = 0;
        _accumulatedBytes = 0;
    }

    private static async Task<long> SendAfterAsync(Task previous, TransactionalProducer producer, SealedBatch batch, CancellationToken cancellationToken)
    {
        await previous.ConfigureAwait(false);
        return await producer.ProduceBatchAsync(batch.Topic, batch.Partition, batch.Bytes.WrittenMemoryMutable, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Awaits the batches in flight, then hands the task its record metadata and stages the offsets of the whole poll.</summary>
    private async Task CompleteInFlightAsync(CancellationToken cancellationToken)
    {
        if (_inFlight is not { } inFlight)
        {
            return;
        }
        try
        {
            // Cancelling this wait (the loop stopping) leaves the batches in flight for the stop's final drain.
            await Task.WhenAll(inFlight.Produces).WaitAsync(cancellationToken).ConfigureAwait(false);
            _inFlight = null;
        }
        catch (KafkaClientException e)
        {
            _inFlight = null;
            throw new ConnectException(e.IsFenced && _transactions is { } transactions ? Fenced(transactions, e) : $"Unrecoverable exception from producer send callback: {e.Message}", e);
        }
        for (var i = 0; i < inFlight.Batches.Count; i++)
        {
            var batch = inFlight.Batches[i];
            batch.Bytes.Dispose();
            var baseOffset = inFlight.Produces[i].Result;
            for (var r = 0; batch.Records is not null && r < batch.Records.Count; r++)
            {
                _task.CommitRecord(batch.Records[r], new RecordMetadata(batch.Topic, batch.Partition, baseOffset < 0 ? -1 : baseOffset + r, batch.Timestamps![r]));
            }
            RecordsWritten += batch.Count;
        }
        foreach (var (partition, offset) in inFlight.Offsets)
        {
            StagedOffsets.Put(Connector, partition, offset);
        }
    }

    /// <summary>
    /// Notes the source offsets of a poll's records in order, for staging after the acknowledgement. Of a run of records
    /// sharing one source-partition instance (a task usually reuses it) only the last offset is kept: the earlier ones
    /// would be overwritten before any flush, and staging serializes the key and value, which per record cost a third
    /// of the source path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CollectOffsets(IReadOnlyList<SourceRecord> polled)
    {
        IReadOnlyDictionary<string, object?>? runPartition = null;
        IReadOnlyDictionary<string, object?>? runOffset = null;
        for (var i = 0; i < polled.Count; i++)
        {
            if (polled[i].SourcePartition is not { } sourcePartition)
            {
                continue;
            }
            if (runPartition is not null && !ReferenceEquals(runPartition, sourcePartition))
            {
                _accumulatedOffsets.Add(new(runPartition, runOffset));
            }
            runPartition = sourcePartition;
            runOffset = polled[i].SourceOffset;
        }
        if (runPartition is not null)
        {
            _accumulatedOffsets.Add(new(runPartition, runOffset));
        }
    }

    private static FailedRecord? NoConsumedRecord((WorkerSourceTask Task, ConnectRecord Record) state) => null;

    private bool ConvertHeaders(string topic, ConnectHeaders headers)
    {
        _headerScratch.Clear();
        foreach (var header in headers)
        {
            _headerScratch.Add(new RecordHeader(header.Key, _pipeline.HeaderConverter.FromConnectHeader(topic, header.Key, header.Schema, header.Value)));
        }
        return true;
    }

    /// <summary>
    /// The topic's partition count, from the producing client's metadata. With topic creation (KIP-158) a topic is first
    /// looked for and, when missing, created through the connector's admin client, as Kafka's task does; a topic the
    /// producing cluster still lacks (no topic creation, or an admin client on another cluster) is left to its broker's
    /// auto-creation, as Kafka's producer does.
    /// </summary>
    private async ValueTask<int> LearnPartitionCountAsync(string topic, CancellationToken cancellationToken)
    {
        var known = await _client.PartitionCountAsync(topic, cancellationToken).ConfigureAwait(false);
        if (_topicCreation is { } creation && (known is null || !ReferenceEquals(_admin, _client))
            && (ReferenceEquals(_admin, _client) || await _admin.PartitionCountAsync(topic, cancellationToken).ConfigureAwait(false) is null))
        {
            var (group, partitions, replicationFactor, configs) = creation.For(topic);
            await _admin.CreateTopicAsync(topic, partitions, configs, ifNotExists: true, cancellationToken, replicationFactor).ConfigureAwait(false);
            Logger.LogInformation("Created topic {Topic} for {Connector}-{Task} with topic creation group {Group}: partitions {Partitions}, replication factor {ReplicationFactor}", topic, Connector, TaskId, group, partitions, replicationFactor);
            known ??= await _client.PartitionCountAsync(topic, cancellationToken).ConfigureAwait(false);
        }
        if (known is null)
        {
            // As Kafka's producer: a metadata request that lets the broker create the topic (auto.create.topics.enable).
            await _client.RefreshMetadataAsync([topic], allowAutoCreate: true, cancellationToken).ConfigureAwait(false);
            known = await _client.PartitionCountAsync(topic, cancellationToken).ConfigureAwait(false)
                ?? throw new ConnectException(_topicCreation is null
                    ? $"Topic {topic} does not exist: the connector creates no topics (it sets no topic.creation.default.replication.factor and topic.creation.default.partitions, or the worker has topic.creation.enable=false) and the broker did not create it (auto.create.topics.enable)"
                    : $"Topic {topic} does not exist on the cluster the task produces to: the connector's admin client created it elsewhere (admin.override.bootstrap.servers) and the broker did not create it (auto.create.topics.enable)");
        }
        _partitionCounts[topic] = known.Value;
        return known.Value;
    }

    /// <summary>Kafka's default partitioner: murmur2 of the key, round robin for records without one.</summary>
    private int ChoosePartition(int count, ReadOnlySpan<byte> key, bool hasKey)
    {
        if (count == 1)
        {
            return 0;
        }
        return hasKey ? Murmur2.Partition(key, count) : (int)((uint)_roundRobin++ % (uint)count);
    }

    /// <summary>
    /// Records being gathered for one partition; sealing turns them into the bytes of one batch and resets the builder
    /// for reuse. The source records and their timestamps are kept only when the task wants commitRecord calls.
    /// </summary>
    private sealed class PendingBatch(string topic, int partition, BatchOptions options, bool keepRecords)
    {
        public string Topic { get; } = topic;

        public int Partition { get; } = partition;

        public RecordBatchBuilder Builder { get; } = new(0);

        private List<SourceRecord>? _records = keepRecords ? [] : null;
        private List<long>? _timestamps = keepRecords ? [] : null;

        public void Add(SourceRecord record, long timestamp)
        {
            _records?.Add(record);
            _timestamps?.Add(timestamp);
        }

        public SealedBatch Seal()
        {
            // The batch's bytes go into a pooled buffer, returned when the broker acknowledged them: a batch is up to
            // batch.size (512 KiB by default), and a new array per batch lands on the large-object heap, whose
            // allocations cost a full collection every few batches.
            var bytes = new PooledBufferWriter(Builder.RecordsSize + RecordBatchLayout.HeaderSize);
            Builder.WriteTo(bytes, options);
            var sealedBatch = new SealedBatch(Topic, Partition, bytes, Builder.Count, _records, _timestamps);
            Builder.Clear(0);
            if (_records is not null)
            {
                _records = new List<SourceRecord>(_records.Count);
                _timestamps = new List<long>(_timestamps!.Count);
            }
            return sealedBatch;
        }
    }

    /// <summary>One partition's batch as sent: its bytes (pooled), its record count and, for commitRecord, the records with their timestamps.</summary>
    private sealed record SealedBatch(string Topic, int Partition, PooledBufferWriter Bytes, int Count, List<SourceRecord>? Records, List<long>? Timestamps);

    /// <summary>The source offsets of the polls one round of requests carries, in poll order, and those requests.</summary>
    private sealed record InFlight(List<KeyValuePair<IReadOnlyDictionary<string, object?>, IReadOnlyDictionary<string, object?>?>> Offsets, List<SealedBatch> Batches, Task<long>[] Produces)
    {
        public bool IsCompleted => Array.TrueForAll(Produces, static p => p.IsCompleted);
    }

    private sealed class Context(IReadOnlyDictionary<string, string> configs, OffsetStorageReader reader) : SourceTaskContext
    {
        public IReadOnlyDictionary<string, string> Configs { get; } = configs;

        public OffsetStorageReader OffsetStorageReader { get; } = reader;

        public TransactionContext? TransactionContext => null;
    }
}
