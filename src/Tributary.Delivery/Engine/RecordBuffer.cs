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
    private readonly List<TRecord> _records = [];
    private readonly SortedDictionary<int, (long First, long Next)> _ranges = [];

    internal RecordBuffer(string id, TRecord first, long createdTicks, bool isSourceCopy)
    {
        Id = id;
        First = first;
        CreatedTicks = createdTicks;
        IsSourceCopy = isSourceCopy;
        ErrorOutputType = first.Outcome == ProcessedOutcome.Failed ? first.ErrorOutputType : null;
    }

    public string Id { get; }

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
    public IReadOnlyDictionary<int, (long First, long Next)> Ranges => _ranges;

    internal SortedDictionary<int, (long First, long Next)> SortedRanges => _ranges;

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
        _ranges[partition] = _ranges.TryGetValue(partition, out var range)
            ? (Math.Min(range.First, offset), Math.Max(range.Next, offset + 1))
            : (offset, offset + 1);
        return size;
    }
}
