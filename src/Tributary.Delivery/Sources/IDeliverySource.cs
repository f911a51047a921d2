namespace Tributary.Delivery.Sources;

/// <summary>
/// One record read from a source. <see cref="Partition"/> and <see cref="Offset"/> are the source position (a log's
/// partition and offset); the engine's exactly-once protocol is expressed in them. <see cref="ArrivalMs"/> is when the
/// record reached the source (log time). The engine itself reads only the position, the arrival time and the length of
/// <see cref="Data"/> (incoming bytes); a source may derive from this class to hand its dialect more (a sink
/// framework's converted key, value and headers), which the dialect's <see cref="Dialect.IRecordProcessor{TRecord}"/> reads.
/// <para>Lifetime of <see cref="Data"/>: it may be a slice of a block the source fetched (a log read holding many
/// records, or a chunk shared by many copied values) rather than an array of its own, so records cost no allocation
/// each. The array is an ordinary managed one whose bytes under the slice no one writes after the record is handed
/// out: the slice stays valid and unchanged for as long as the record (or anything made from it) is referenced — there
/// is no release step to respect. A source must never hand out slices of a buffer it reuses. (Sources keep such
/// arrays under 85,000 bytes where they can: large-object-heap arrays kept alive by buffered records make the runtime
/// run full collections.)</para>
/// </summary>
public class SourceRecord(int partition, long offset, long arrivalMs, byte[]? key, ReadOnlyMemory<byte> data)
{
    public int Partition { get; } = partition;

    public long Offset { get; } = offset;

    public long ArrivalMs { get; } = arrivalMs;

    public byte[]? Key { get; } = key;

    /// <summary>The record's value (see the class comment for its lifetime).</summary>
    public ReadOnlyMemory<byte> Data { get; } = data;
}

/// <summary>
/// Where a pipeline's records come from. The engine calls <see cref="StartAsync"/> once, then
/// <see cref="PollAsync"/> in a loop and <see cref="CommitAsync"/> after each object is durable; all calls come from
/// the pipeline's one engine task (no concurrent calls).
/// <para>Pull and push alike: a source that is handed records (a sink task's <c>put</c>) queues them and returns them
/// from <see cref="PollAsync"/> (bounded, so the caller waits when the engine falls behind); the positions given to
/// <see cref="CommitAsync"/> are then the offsets it may report as durable (a sink task's <c>preCommit</c>).</para>
/// </summary>
public interface IDeliverySource : IAsyncDisposable
{
    /// <summary>A short description for logs and errors (a topic name, a cluster and topic).</summary>
    string Description { get; }

    /// <summary>
    /// Prepares reading. <paramref name="saved"/> holds the positions the pipeline's own state committed (the next
    /// offset to deliver per partition); partitions missing from it start where the source's configuration says
    /// (latest, earliest, a timestamp). Returns the position each readable partition starts at.
    /// </summary>
    Task<IReadOnlyDictionary<int, long>> StartAsync(IReadOnlyDictionary<int, long> saved, CancellationToken cancellationToken);

    /// <summary>
    /// Appends the records available (in offset order per partition) to <paramref name="into"/>, waiting up to
    /// <paramref name="maxWaitMs"/> for the first. Reading resumes after the last record returned, or from
    /// <see cref="Seek"/>'s position.
    /// </summary>
    ValueTask PollAsync(List<SourceRecord> into, int maxWaitMs, CancellationToken cancellationToken);

    /// <summary>Moves a partition's read position (used when the engine discards buffered records and reads them again).</summary>
    void Seek(int partition, long offset);

    /// <summary>
    /// Called after the engine's state (which holds these positions) is durable: a source that keeps positions
    /// elsewhere too (an external cluster's committed group offsets) commits them there.
    /// </summary>
    Task CommitAsync(IReadOnlyDictionary<int, long> positions, CancellationToken cancellationToken);

    /// <summary>
    /// Changes whenever the set of partitions this instance reads changes (an external group's rebalance, new
    /// partitions). The engine then drops what it buffered and calls <see cref="StartAsync"/> again.
    /// </summary>
    int AssignmentEpoch { get; }

    /// <summary>Bytes or records not yet read (lag), when known; for metrics.</summary>
    long? Lag { get; }
}
