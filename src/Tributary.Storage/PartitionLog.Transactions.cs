namespace Tributary.Storage;

/// <summary>
/// The log's aborted-transaction index: each segment keeps the transactions whose ABORT markers it holds
/// (<see cref="TransactionIndex"/>, <c>.txnindex</c>). The log stores and finds entries; which transactions aborted, and
/// where they began, is the broker's knowledge (it owns producers and transactions), so it writes the entries.
/// Retention removes a segment's entries with the segment; compaction keeps transactional batches and markers
/// verbatim, so a compacted segment keeps its file.
/// </summary>
public sealed partial class PartitionLog
{
    /// <summary>
    /// Records an aborted transaction in the segment that holds its marker (<paramref name="entry"/>.LastOffset, which
    /// the caller has appended). Markers must be recorded in log order; a repeat is ignored. Call from the partition's
    /// writer (the broker holds its partition lock across the marker's append and this call). An I/O error fails the
    /// log as an append error does.
    /// </summary>
    public void AppendAbortedTransaction(AbortedTransactionEntry entry)
    {
        lock (_writeLock)
        {
            ThrowIfUnusable();
            if (entry.LastOffset >= _logEndOffset || entry.FirstOffset > entry.LastOffset)
            {
                throw new ArgumentOutOfRangeException(nameof(entry), entry, $"The marker of an aborted transaction must be in {Name} (log end {_logEndOffset}) and after its first offset.");
            }
            var segments = _segments;
            var segment = segments[FindSegment(segments, entry.LastOffset)];
            try
            {
                segment.Transactions.Append(entry);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Fail(e);
                throw new LogFailedException($"Writing the aborted-transaction index of {Name} failed; the log refuses writes until reopened.", e);
            }
        }
    }

    /// <summary>
    /// The aborted transactions a read of [<paramref name="fetchOffset"/>, <paramref name="upperBound"/>) must report
    /// (LastOffset ≥ fetchOffset and FirstOffset &lt; upperBound), oldest marker first; null when there are none.
    /// Looks at the segment holding fetchOffset and the ones after it until an entry shows no later one can qualify
    /// (its last stable offset reached the bound), as Kafka's fetch does. No lock: readers use the segment array and
    /// each index's entry array as published.
    /// </summary>
    public List<AbortedTransactionEntry>? CollectAbortedTransactions(long fetchOffset, long upperBound)
    {
        List<AbortedTransactionEntry>? found = null;
        var segments = _segments;
        for (var i = FindSegment(segments, fetchOffset); i < segments.Length; i++)
        {
            if (segments[i].Transactions.Collect(fetchOffset, upperBound, ref found))
            {
                break;
            }
        }
        return found;
    }

    /// <summary>Empties every segment's aborted-transaction index (before the broker rebuilds them by replaying the log).</summary>
    public void ClearAbortedTransactions()
    {
        lock (_writeLock)
        {
            ThrowIfUnusable();
            foreach (var segment in _segments)
            {
                segment.Transactions.Clear();
            }
        }
    }
}
