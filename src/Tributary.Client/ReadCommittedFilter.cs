using Tributary.Protocol.Records;

namespace Tributary.Client;

/// <summary>
/// What a read_committed reader of one partition hands on, as Kafka's consumers decide it: the batches of a
/// read_committed fetch (<see cref="KafkaClient.FetchAsync"/> with <c>readCommitted</c>) come with the aborted
/// transactions among them (producer id, first offset); a producer's transactional batches from such a first offset
/// up to its next control batch (the ABORT marker) are skipped, and control batches are never data. Feed the
/// batches of one partition in offset order. Not thread-safe (one per partition reader).
/// </summary>
public sealed class ReadCommittedFilter
{
    private readonly List<(long ProducerId, long FirstOffset)> _aborted = [];
    private readonly HashSet<long> _skipping = [];

    /// <summary>Adds the aborted transactions a fetch listed (null or empty: none).</summary>
    public void Add(IReadOnlyList<(long ProducerId, long FirstOffset)>? aborted)
    {
        if (aborted is { Count: > 0 })
        {
            _aborted.AddRange(aborted);
        }
    }

    /// <summary>Whether the records of <paramref name="batch"/> (the next batch in offset order) are committed data.</summary>
    public bool Accept(ReadOnlySpan<byte> batch)
    {
        var producerId = RecordBatch.ProducerId(batch);
        var lastOffset = RecordBatch.LastOffset(batch);
        for (var i = _aborted.Count - 1; i >= 0; i--)
        {
            if (_aborted[i].ProducerId == producerId && _aborted[i].FirstOffset <= lastOffset)
            {
                _skipping.Add(producerId);
                _aborted.RemoveAt(i);
            }
        }
        if (RecordBatch.IsControl(batch))
        {
            // The marker that ends the producer's transaction, committed or aborted.
            _skipping.Remove(producerId);
            return false;
        }
        return !(RecordBatch.IsTransactional(batch) && _skipping.Contains(producerId));
    }
}
