using Tributary.Broker;
using Tributary.Delivery.Sources;
using Tributary.Foundation.Buffers;
using Tributary.Protocol.Records;

namespace Tributary.Firehose.Sources;

/// <summary>Where a topic source starts on partitions it has no saved position for.</summary>
public readonly record struct StartPosition(long Timestamp)
{
    /// <summary>ListOffsets' sentinel for the log end.</summary>
    public static StartPosition Latest => new(-1);

    /// <summary>ListOffsets' sentinel for the log start.</summary>
    public static StartPosition Earliest => new(-2);

    public static StartPosition At(DateTimeOffset time) => time.ToUnixTimeMilliseconds() <= 0 ? Earliest : new(time.ToUnixTimeMilliseconds());
}

/// <summary>
/// Every partition of a topic of the embedded broker, read in-process through <see cref="IBrokerApi"/> (no socket).
/// Partitions added to the topic later are picked up (from their start) at the next poll. Reads only what is durable
/// (the high watermark), so nothing delivered can be lost by the broker afterwards. An optional
/// <see cref="IPartitionGate"/> holds partitions back (Kinesis shards wait for their parents).
/// </summary>
public sealed class TopicSource(IBrokerApi broker, string topic, StartPosition start, IPartitionGate? gate = null) : IDeliverySource
{
    private const int MaxBytesPerPoll = 4 * 1024 * 1024;
    private const int MaxBytesPerPartition = 1024 * 1024;

    private readonly Dictionary<int, long> _positions = [];
    private readonly PooledBufferWriter _scratch = new();
    private readonly PooledBufferWriter _fetched = new();
    private readonly ValueChunks _values = new();
    private int _epoch;
    private int _partitionCount;

    /// <summary>The read running ahead of the engine (see <see cref="PollAsync"/>), or null.</summary>
    private Task<(List<SourceRecord> Records, Dictionary<int, long> Positions)>? _ahead;
    private bool _discardAhead;

    /// <summary>
    /// The list of the last records handed out, emptied, for the next read (a poll's list grows to tens of thousands
    /// of entries: a new one per poll would put its growing arrays on the large object heap each time).
    /// </summary>
    private List<SourceRecord>? _spare;

    public string Description => "topic " + topic;

    public int AssignmentEpoch => _epoch;

    public long? Lag
    {
        get
        {
            long lag = 0;
            foreach (var (partition, position) in _positions)
            {
                if (broker.GetOffsets(topic, partition) is { } offsets)
                {
                    lag += Math.Max(0, offsets.HighWatermark - position);
                }
            }
            return lag;
        }
    }

    public async Task<IReadOnlyDictionary<int, long>> StartAsync(IReadOnlyDictionary<int, long> saved, CancellationToken cancellationToken)
    {
        await DropAheadAsync().ConfigureAwait(false);
        var info = broker.GetTopic(topic) ?? throw new InvalidOperationException($"Topic {topic} does not exist.");
        _partitionCount = info.PartitionCount;
        _positions.Clear();
        for (var partition = 0; partition < info.PartitionCount; partition++)
        {
            _positions[partition] = saved.TryGetValue(partition, out var offset) ? Clamp(partition, offset) : Resolve(partition, gate?.Start(partition) ?? start);
        }
        return new Dictionary<int, long>(_positions);
    }

    /// <summary>A saved position below the log start (retention removed records) reads from the log start.</summary>
    private long Clamp(int partition, long offset) =>
        broker.GetOffsets(topic, partition) is { } offsets ? Math.Max(offset, offsets.LogStartOffset) : offset;

    private long Resolve(int partition, StartPosition position)
    {
        var result = broker.ListOffset(topic, partition, position.Timestamp);
        if (result.Error != ErrorCode.None)
        {
            throw new InvalidOperationException($"Topic {topic} partition {partition}: ListOffsets failed with {result.Error}.");
        }
        // No record at or after the timestamp: start at the end.
        return result.Offset >= 0 ? result.Offset : broker.GetOffsets(topic, partition)?.HighWatermark ?? 0;
    }

    public void Seek(int partition, long offset)
    {
        // A read ahead from the old position is dropped at the next poll.
        _discardAhead = true;
        _positions[partition] = offset;
    }

    /// <summary>
    /// Hands out the records of the read that ran ahead (or reads now when none did), then starts the next read on the
    /// thread pool from the positions after them: fetching and decoding the next records overlaps the engine's work on
    /// these. One read at most runs ahead; it works on its own copy of the positions, which replace ours only when its
    /// records are handed out, so a Seek or a restart in between simply drops it.
    /// </summary>
    public async ValueTask PollAsync(List<SourceRecord> into, int maxWaitMs, CancellationToken cancellationToken)
    {
        if (broker.GetTopic(topic) is { } info && info.PartitionCount != _partitionCount)
        {
            // New partitions: the engine restarts reading with them (their records start at offset 0).
            await DropAheadAsync().ConfigureAwait(false);
            _epoch++;
            return;
        }
        if (_discardAhead)
        {
            await DropAheadAsync().ConfigureAwait(false);
        }
        var read = _ahead is { } ahead ? await ahead.ConfigureAwait(false) : await ReadAsync(TakeSpare(), new Dictionary<int, long>(_positions), maxWaitMs, cancellationToken).ConfigureAwait(false);
        _ahead = null;
        into.AddRange(read.Records);
        read.Records.Clear();
        _spare = read.Records;
        foreach (var (partition, position) in read.Positions)
        {
            _positions[partition] = position;
        }
        if (read.Records.Count > 0)
        {
            // More is likely: read it while the engine works on these. (After an empty poll the next one waits anyway.)
            var positions = new Dictionary<int, long>(_positions);
            var list = TakeSpare();
            _ahead = Task.Run(() => ReadAsync(list, positions, maxWaitMs, cancellationToken).AsTask(), CancellationToken.None);
        }
    }

    private List<SourceRecord> TakeSpare()
    {
        var list = _spare ?? [];
        _spare = null;
        return list;
    }

    /// <summary>Waits for the read running ahead, if any, and forgets it (its records are read again from the positions).</summary>
    private async Task DropAheadAsync()
    {
        _discardAhead = false;
        if (_ahead is { } ahead)
        {
            _ahead = null;
            try
            {
                await ahead.ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or InvalidOperationException)
            {
                // Dropped anyway.
            }
        }
    }

    /// <summary>
    /// One read of every partition from <paramref name="positions"/> (advanced in place past what it returns) into
    /// <paramref name="into"/> (empty).
    /// </summary>
    private async ValueTask<(List<SourceRecord> Records, Dictionary<int, long> Positions)> ReadAsync(List<SourceRecord> into, Dictionary<int, long> positions, int maxWaitMs, CancellationToken cancellationToken)
    {
        var requests = new List<FetchPartitionRequest>(positions.Count);
        foreach (var (partition, position) in positions)
        {
            if (gate is null || gate.CanRead(partition, positions))
            {
                requests.Add(new FetchPartitionRequest(topic, partition, position, MaxBytesPerPartition));
            }
        }
        if (requests.Count == 0)
        {
            await Task.Delay(maxWaitMs, cancellationToken).ConfigureAwait(false);
            return (into, positions);
        }
        var results = await broker.FetchAsync(requests, maxWaitMs, 1, MaxBytesPerPoll, cancellationToken).ConfigureAwait(false);
        foreach (var result in results)
        {
            using var records = result.Records;
            if (result.Error == ErrorCode.OffsetOutOfRange)
            {
                positions[result.Partition] = broker.GetOffsets(topic, result.Partition)?.LogStartOffset ?? 0;
                continue;
            }
            if (result.Error != ErrorCode.None || records is null || records.IsEmpty)
            {
                continue;
            }
            // The fetched batches go to a reused buffer; the values handed out are copied from it (see Decode).
            _fetched.Reset();
            records.CopyTo(_fetched);
            positions[result.Partition] = Decode(result.Partition, _fetched.WrittenSpan, positions[result.Partition], into);
        }
        return (into, positions);
    }

    /// <summary>
    /// Hands out the records at or after <paramref name="position"/> of the whole batches in <paramref name="block"/>;
    /// returns the next position. A compressed batch is decompressed into the scratch buffer first. Values are copied
    /// into <see cref="ValueChunks"/> (the block and the scratch buffer are reused); keys (rare) are copied each.
    /// </summary>
    private long Decode(int partition, ReadOnlySpan<byte> block, long position, List<SourceRecord> into)
    {
        var next = position;
        var consumed = 0;
        int size;
        while ((size = RecordBatch.FirstWholeBatchSize(block[consumed..])) > 0)
        {
            var batch = block.Slice(consumed, size);
            consumed += size;
            if (RecordBatch.IsControl(batch))
            {
                next = Math.Max(next, RecordBatch.NextOffset(batch));
                continue;
            }
            var baseOffset = RecordBatch.BaseOffset(batch);
            var logAppendTime = RecordBatch.IsLogAppendTime(batch);
            var baseTimestamp = RecordBatch.BaseTimestamp(batch);
            var maxTimestamp = RecordBatch.MaxTimestamp(batch);
            var reader = new RecordReader(BatchRecords.Decode(batch, _scratch), RecordBatch.RecordsCount(batch));
            while (reader.TryReadNext(out var record))
            {
                var offset = baseOffset + record.OffsetDelta;
                if (offset < position)
                {
                    continue;
                }
                var arrival = logAppendTime ? maxTimestamp : baseTimestamp + record.TimestampDelta;
                var value = record.HasValue && !record.Value.IsEmpty ? _values.Copy(record.Value) : ReadOnlyMemory<byte>.Empty;
                into.Add(new SourceRecord(partition, offset, arrival, record.HasKey ? record.Key.ToArray() : null, value));
            }
            next = Math.Max(next, RecordBatch.NextOffset(batch));
        }
        return next;
    }

    public Task CommitAsync(IReadOnlyDictionary<int, long> positions, CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await DropAheadAsync().ConfigureAwait(false);
        _scratch.Dispose();
        _fetched.Dispose();
    }
}
