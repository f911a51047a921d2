namespace Tributary.Broker.Transactions;

/// <summary>A transaction aborted on one partition: its data lies in [FirstOffset, LastOffset] (LastOffset is the ABORT marker).</summary>
public readonly record struct AbortedTransaction(long ProducerId, long FirstOffset, long LastOffset);

/// <summary>
/// The transactions of one partition: for each producer with an open transaction here, the offset of its first
/// transactional batch (which bounds the last stable offset), and the aborted transactions a read_committed
/// fetch must be told about (Kafka's aborted-transaction index).
/// <para>Thread-safety: changes happen under the partition's lock (the broker serialises them with appends);
/// <see cref="FirstUnstableOffset"/> and <see cref="CollectAborted"/> are read without it. The aborted list is
/// copy-on-write (aborts are rare; reads are every fetch), so readers never see it half-changed.</para>
/// </summary>
internal sealed class PartitionTransactions
{
    private static readonly AbortedTransaction[] NoAborted = [];
    private readonly Dictionary<long, long> _ongoing = [];
    private AbortedTransaction[] _aborted = NoAborted;
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
    /// </summary>
    public void End(long producerId, bool commit, long markerOffset)
    {
        if (!_ongoing.Remove(producerId, out var first))
        {
            return;
        }
        if (!commit)
        {
            var grown = new AbortedTransaction[_aborted.Length + 1];
            _aborted.CopyTo(grown, 0);
            grown[^1] = new AbortedTransaction(producerId, first, markerOffset);
            Volatile.Write(ref _aborted, grown);
        }
        Recompute();
    }

    /// <summary>
    /// Aborted transactions that overlap the range a fetch returns: LastOffset ≥ <paramref name="fetchOffset"/>
    /// and FirstOffset &lt; <paramref name="upperBound"/> (Kafka's rule). Null when none, which the wire sends
    /// as an empty list.
    /// </summary>
    public List<AbortedTransaction>? CollectAborted(long fetchOffset, long upperBound)
    {
        var aborted = Volatile.Read(ref _aborted);
        List<AbortedTransaction>? found = null;
        foreach (var entry in aborted)
        {
            if (entry.LastOffset >= fetchOffset && entry.FirstOffset < upperBound)
            {
                (found ??= []).Add(entry);
            }
        }
        return found;
    }

    /// <summary>Drops index entries wholly below the log start offset (retention or DeleteRecords removed their data).</summary>
    public void TrimBelow(long logStartOffset)
    {
        var aborted = _aborted;
        if (aborted.Length == 0 || aborted[0].LastOffset >= logStartOffset)
        {
            return;
        }
        Volatile.Write(ref _aborted, Array.FindAll(aborted, a => a.LastOffset >= logStartOffset));
    }

    public (List<OngoingTransactionSnapshot> Ongoing, List<AbortedTransactionSnapshot> Aborted) ToSnapshot() =>
        ([.. _ongoing.Select(o => new OngoingTransactionSnapshot(o.Key, o.Value))],
         [.. _aborted.Select(a => new AbortedTransactionSnapshot(a.ProducerId, a.FirstOffset, a.LastOffset))]);

    public void Load(IEnumerable<OngoingTransactionSnapshot>? ongoing, IEnumerable<AbortedTransactionSnapshot>? aborted)
    {
        foreach (var o in ongoing ?? [])
        {
            _ongoing[o.ProducerId] = o.FirstOffset;
        }
        _aborted = [.. (aborted ?? []).Select(a => new AbortedTransaction(a.ProducerId, a.FirstOffset, a.LastOffset))];
        Recompute();
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
