using Tributary.Storage;

namespace Tributary.Broker.Transactions;

/// <summary>A transaction aborted on one partition: its data lies in [FirstOffset, LastOffset] (LastOffset is the ABORT marker).</summary>
public readonly record struct AbortedTransaction(long ProducerId, long FirstOffset, long LastOffset);

/// <summary>
/// The transactions of one partition: for each producer with an open transaction here, the offset of its first
/// transactional batch (which bounds the last stable offset); the aborted transactions a read_committed fetch must be
/// told about are written to the log's aborted-transaction index (<see cref="PartitionLog.AppendAbortedTransaction"/>,
/// a <c>.txnindex</c> per segment) and looked up there.
/// <para>Thread-safety: changes happen under the partition's lock (the broker serialises them with appends);
/// <see cref="FirstUnstableOffset"/> and <see cref="CollectAborted"/> are read without it.</para>
/// </summary>
internal sealed class PartitionTransactions(PartitionLog log)
{
    private readonly Dictionary<long, long> _ongoing = [];
    private long _firstUnstableOffset = long.MaxValue;

    /// <summary>The first offset of the oldest open transaction here, or long.MaxValue when none is open.</summary>
    public long FirstUnstableOffset => Volatile.Read(ref _firstUnstableOffset);

    public int OngoingCount => _ongoing.Count;

    /// <summary>The last stable offset given the high watermark: read_committed readers stop below it.</summary>
    public long LastStableOffset(long highWatermark) => Math.Min(FirstUnstableOffset, highWatermark);

    /// <summary>
    /// Called before a transactional batch of <paramref name="producerId"/> is appended at
    /// <paramref name="baseOffset"/> (the log end). Registering before the append means no reader can see the
    /// high watermark pass the batch while the last stable offset still ignores it. Returns whether this batch
    /// opened the transaction here (undo with <see cref="Forget"/> if the append fails).
    /// </summary>
    public bool BeginIfNew(long producerId, long baseOffset)
    {
        if (_ongoing.ContainsKey(producerId))
        {
            return false;
        }
        _ongoing[producerId] = baseOffset;
        Recompute();
        return true;
    }

    public void Forget(long producerId)
    {
        if (_ongoing.Remove(producerId))
        {
            Recompute();
        }
    }

    public bool IsOngoing(long producerId) => _ongoing.ContainsKey(producerId);

    /// <summary>The producers with an open transaction here (call under the partition's lock).</summary>
    public IEnumerable<long> OngoingProducers() => _ongoing.Keys;

    /// <summary>
    /// Ends the producer's transaction here with a marker at <paramref name="markerOffset"/>. An ABORT of a
    /// transaction that wrote data here adds an aborted-index entry. A marker with no open transaction (a
    /// retried marker, or a transaction that only added the partition) changes nothing.
    /// <para>The index entry's last stable offset is the partition's right after the marker (the oldest transaction
    /// still open, or the offset after the marker), which lets lookups stop early. A replay after a crash writes the
    /// entries again in log order; the index ignores repeats. An I/O error fails the log (<see cref="LogFailedException"/>).</para>
    /// </summary>
    public void End(long producerId, bool commit, long markerOffset)
    {
        if (!_ongoing.Remove(producerId, out var first))
        {
            return;
        }
        Recompute();
        if (!commit)
        {
            log.AppendAbortedTransaction(new AbortedTransactionEntry(producerId, first, markerOffset, Math.Min(FirstUnstableOffset, markerOffset + 1)));
        }
    }

    /// <summary>
    /// Aborted transactions that overlap the range a fetch returns: LastOffset ≥ <paramref name="fetchOffset"/>
    /// and FirstOffset &lt; <paramref name="upperBound"/> (Kafka's rule). Null when none, which the wire sends
    /// as an empty list.
    /// </summary>
    public List<AbortedTransaction>? CollectAborted(long fetchOffset, long upperBound)
    {
        if (log.CollectAbortedTransactions(fetchOffset, upperBound) is not { } entries)
        {
            return null;
        }
        var found = new List<AbortedTransaction>(entries.Count);
        foreach (var entry in entries)
        {
            found.Add(new AbortedTransaction(entry.ProducerId, entry.FirstOffset, entry.LastOffset));
        }
        return found;
    }

    public List<OngoingTransactionSnapshot> ToSnapshot() => [.. _ongoing.Select(o => new OngoingTransactionSnapshot(o.Key, o.Value))];

    /// <summary>
    /// Loads a snapshot's open transactions, and the aborted transactions of a format-2 snapshot (written before the
    /// index was kept in the log) into the log's index.
    /// </summary>
    public void Load(IEnumerable<OngoingTransactionSnapshot>? ongoing, IEnumerable<AbortedTransactionSnapshot>? aborted)
    {
        foreach (var o in ongoing ?? [])
        {
            _ongoing[o.ProducerId] = o.FirstOffset;
        }
        Recompute();
        foreach (var a in aborted ?? [])
        {
            if (a.LastOffset < log.LogEndOffset)
            {
                // Format 2 kept no last stable offset: -1 never lets a lookup stop early (it reads the later segments too).
                log.AppendAbortedTransaction(new AbortedTransactionEntry(a.ProducerId, a.FirstOffset, a.LastOffset, -1));
            }
        }
    }

    private void Recompute()
    {
        var min = long.MaxValue;
        foreach (var first in _ongoing.Values)
        {
            min = Math.Min(min, first);
        }
        Volatile.Write(ref _firstUnstableOffset, min);
    }
}
