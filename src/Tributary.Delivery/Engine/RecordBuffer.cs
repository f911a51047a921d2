namespace Tributary.Delivery.Engine;

/// <summary>
/// Records bound for one object. The dialect's router names the buffer a record goes to (<see cref="Id"/>); the id
/// keys the delivery marks of <see cref="DeliveryState"/>, so it must be a pure function of the record, never of
/// timing. Read by the dialect's flush policy, naming and encoders; filled only by the engine.
/// Not thread-safe: a buffer belongs to its pipeline's one task.
/// </summary>
public sealed class RecordBuffer<TRecord>
    where TRecord : DeliveryRecord
{
    private readonly SegmentedList<TRecord> _records = new();
    private readonly SortedDictionary<int, (long First, long Next)> _ranges = [];
    private int _lastPartition = -1;
    private (long First, long Next) _lastRange;
    private bool _lastRangeChanged;

    internal RecordBuffer(string id, TRecord first, long createdTicks, bool isSourceCopy)
    {
        Id = id;
        First = first;
        CreatedTicks = createdTicks;
        IsSourceCopy = isSourceCopy;
        ErrorOutputType = first.Outcome == ProcessedOutcome.Failed ? first.ErrorOutputType : null;
    }

    public string Id { get; }

    /// <summary>Set when the engine closes the buffer (its object is being written): no record joins it any more.</summary>
    internal bool Closed { get; set; }

    /// <summary>The record that opened the buffer; what every record of the buffer shares (its keys, its error type) can be read from it.</summary>
    public TRecord First { get; }

    /// <summary>The error output of an error buffer (its records failed), else null.</summary>
    public string? ErrorOutputType { get; }

    /// <summary>
    /// True for the buffer of source records as they arrived (<see cref="Dialect.IRecordProcessor{TRecord}.SourceCopyBufferId"/>):
    /// its objects are a copy, not counted as delivered.
    /// </summary>
    public bool IsSourceCopy { get; }

    public IReadOnlyList<TRecord> Records => _records;

    /// <summary>Sum of the records' <see cref="DeliveryRecord.Size"/>.</summary>
    public long Bytes { get; private set; }

    /// <summary>Environment.TickCount64 when the first record arrived: buffering intervals count from here.</summary>
    public long CreatedTicks { get; }

    /// <summary>Arrival time (ms) of the oldest record held.</summary>
    public long OldestArrivalMs { get; private set; } = long.MaxValue;

    /// <summary>Per source partition, in partition order: the first offset in the buffer and the offset after the last.</summary>
    public IReadOnlyDictionary<int, (long First, long Next)> Ranges => SortedRanges;

    internal SortedDictionary<int, (long First, long Next)> SortedRanges
    {
        get
        {
            SyncRanges();
            return _ranges;
        }
    }

    /// <summary>
    /// Writes the range of the partition of the last records added to the tree. Only when it changed: once a buffer
    /// is closed (and its ranges read), the tree is never written again, so encoders on other threads may read it.
    /// </summary>
    private void SyncRanges()
    {
        if (_lastRangeChanged)
        {
            _ranges[_lastPartition] = _lastRange;
            _lastRangeChanged = false;
        }
    }

    /// <summary>Adds a record; returns its size.</summary>
    internal long Add(TRecord record)
    {
        _records.Add(record);
        var size = record.Size;
        Bytes += size;
        var source = record.Source;
        OldestArrivalMs = Math.Min(OldestArrivalMs, source.ArrivalMs);
        var partition = source.Partition;
        var offset = source.Offset;
        if (partition == _lastPartition && offset >= _lastRange.First)
        {
            // Records of one partition mostly come in runs, in offset order: the range widens without a tree lookup
            // (written to the tree when another partition comes, or when the ranges are read).
            if (offset >= _lastRange.Next)
            {
                _lastRange.Next = offset + 1;
                _lastRangeChanged = true;
            }
            return size;
        }
        SyncRanges();
        _lastRange = _ranges.TryGetValue(partition, out var range)
            ? (Math.Min(range.First, offset), Math.Max(range.Next, offset + 1))
            : (offset, offset + 1);
        _lastPartition = partition;
        _lastRangeChanged = true;
        return size;
    }
}
