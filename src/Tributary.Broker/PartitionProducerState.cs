namespace Tributary.Broker;

/// <summary>Metadata of one producer batch kept for duplicate detection.</summary>
internal readonly record struct ProducerBatch(int FirstSequence, int LastSequence, long BaseOffset);

/// <summary>Outcome of the sequence check of one batch: an error, a duplicate (with its original offset), or fine.</summary>
internal readonly record struct SequenceCheck(ErrorCode Error, long DuplicateBaseOffset, string? Message)
{
    public static readonly SequenceCheck Ok = new(ErrorCode.None, -1, null);

    public bool IsDuplicate => DuplicateBaseOffset >= 0;
}

/// <summary>
/// Idempotent-producer state of one partition: for each producer id its epoch and its last
/// <see cref="RetainedBatches"/> batches. Not thread-safe: the broker holds the partition's lock around
/// <see cref="Check"/>, the append and <see cref="Record"/>, so the check and the append are atomic.
/// </summary>
internal sealed class PartitionProducerState
{
    /// <summary>Kafka keeps five: a producer has at most five requests in flight per partition.</summary>
    public const int RetainedBatches = 5;

    private readonly Dictionary<long, Entry> _producers = [];

    public int Count => _producers.Count;

    /// <summary>Kafka's sequence arithmetic: sequences wrap from int.MaxValue to 0.</summary>
    public static int IncrementSequence(int sequence, int increment) =>
        sequence > int.MaxValue - increment ? increment - (int.MaxValue - sequence) - 1 : sequence + increment;

    /// <summary>Checks a batch of a producer (id &gt;= 0) against the state without changing it.</summary>
    public SequenceCheck Check(long producerId, short epoch, int firstSequence, int lastSequence)
    {
        if (!_producers.TryGetValue(producerId, out var entry))
        {
            return firstSequence == 0
                ? SequenceCheck.Ok
                : new SequenceCheck(ErrorCode.OutOfOrderSequenceNumber, -1, $"Producer {producerId} is unknown on this partition; its first batch must have sequence 0, not {firstSequence}.");
        }
        if (epoch < entry.Epoch)
        {
            return new SequenceCheck(ErrorCode.InvalidProducerEpoch, -1, $"Producer {producerId} has epoch {epoch}, older than the current {entry.Epoch}.");
        }
        if (epoch > entry.Epoch)
        {
            return firstSequence == 0
                ? SequenceCheck.Ok
                : new SequenceCheck(ErrorCode.OutOfOrderSequenceNumber, -1, $"Producer {producerId} started epoch {epoch} with sequence {firstSequence}, not 0.");
        }
        foreach (var batch in entry.Batches)
        {
            if (batch.FirstSequence == firstSequence && batch.LastSequence == lastSequence)
            {
                return new SequenceCheck(ErrorCode.None, batch.BaseOffset, null);
            }
        }
        var expected = entry.Batches.Count == 0 ? 0 : IncrementSequence(entry.Batches.Last!.Value.LastSequence, 1);
        return firstSequence == expected
            ? SequenceCheck.Ok
            : new SequenceCheck(ErrorCode.OutOfOrderSequenceNumber, -1, $"Producer {producerId} sent sequence {firstSequence}; expected {expected}.");
    }

    /// <summary>
    /// Records an appended batch (or one replayed from the log). A newer epoch replaces the producer's batches;
    /// an older one is ignored.
    /// </summary>
    public void Record(long producerId, short epoch, int firstSequence, int lastSequence, long baseOffset)
    {
        if (!_producers.TryGetValue(producerId, out var entry))
        {
            entry = new Entry { Epoch = epoch };
            _producers[producerId] = entry;
        }
        if (epoch < entry.Epoch)
        {
            return;
        }
        if (epoch > entry.Epoch)
        {
            entry.Epoch = epoch;
            entry.Batches.Clear();
        }
        entry.Batches.AddLast(new ProducerBatch(firstSequence, lastSequence, baseOffset));
        if (entry.Batches.Count > RetainedBatches)
        {
            entry.Batches.RemoveFirst();
        }
    }

    /// <summary>
    /// A transaction marker of <paramref name="epoch"/> was written: a newer epoch (the coordinator fenced the
    /// producer) replaces the producer's epoch and batches, so batches of the old epoch are refused from now on.
    /// </summary>
    public void ObserveMarker(long producerId, short epoch)
    {
        if (!_producers.TryGetValue(producerId, out var entry))
        {
            _producers[producerId] = new Entry { Epoch = epoch };
            return;
        }
        if (epoch > entry.Epoch)
        {
            entry.Epoch = epoch;
            entry.Batches.Clear();
        }
    }

    /// <summary>The producer's epoch on this partition, or -1 when it never wrote here.</summary>
    public short EpochOf(long producerId) => _producers.TryGetValue(producerId, out var entry) ? entry.Epoch : (short)-1;

    public List<ProducerSnapshot> ToSnapshot() =>
        [.. _producers.Select(p => new ProducerSnapshot(p.Key, p.Value.Epoch, [.. p.Value.Batches.Select(b => new BatchSnapshot(b.FirstSequence, b.LastSequence, b.BaseOffset))]))];

    public void Load(IEnumerable<ProducerSnapshot> producers)
    {
        foreach (var producer in producers)
        {
            foreach (var batch in producer.Batches)
            {
                Record(producer.ProducerId, producer.Epoch, batch.FirstSequence, batch.LastSequence, batch.BaseOffset);
            }
            if (producer.Batches.Count == 0)
            {
                _producers.TryAdd(producer.ProducerId, new Entry { Epoch = producer.Epoch });
            }
        }
    }

    private sealed class Entry
    {
        public short Epoch;

        public readonly LinkedList<ProducerBatch> Batches = new();
    }
}
