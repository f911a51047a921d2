using Tributary.Delivery.Engine;

namespace Tributary.Delivery.Dialect;

/// <summary>
/// Where each object goes and how it is encoded. Called from the pipeline's one task only (the plan's encoder then runs
/// on a worker thread: see <see cref="IObjectEncoder{TRecord}.Write"/>).
/// </summary>
public interface IObjectLayout<TRecord>
    where TRecord : DeliveryRecord
{
    /// <summary>Every bucket the pipeline writes to; the engine creates (or checks) each before it starts.</summary>
    IReadOnlyList<string> Buckets { get; }

    /// <summary>
    /// The object of <paramref name="buffer"/>. <paramref name="objectId"/> is the engine's UUID-shaped id of the
    /// object, a hash of the pipeline's name and version, the buffer id and the first position of each source
    /// partition in the buffer. A key made only of it and of the buffer's records, positions and arrival times (never
    /// the writer's clock) is the same when the object is built again after a crash.
    /// </summary>
    ObjectPlan<TRecord> Plan(RecordBuffer<TRecord> buffer, string objectId);
}

/// <summary>One object to write: its bucket and key, its encoder, and the suffix of its spool file.</summary>
public sealed record ObjectPlan<TRecord>
    where TRecord : DeliveryRecord
{
    public required string Bucket { get; init; }

    public required string Key { get; init; }

    /// <summary>
    /// Appended to the object id to name the spool file (<c>.obj</c>, <c>.parquet</c>). Pending objects in the state
    /// file name their spool files, so a dialect keeps its suffixes.
    /// </summary>
    public required string SpoolSuffix { get; init; }

    public required IObjectEncoder<TRecord> Encoder { get; init; }

    /// <summary>
    /// Objects written beside this one from the records it holds (those its encoder did not reject), in the same step:
    /// listed in the same state save, uploaded after it, never one without the other. None by default.
    /// </summary>
    public IReadOnlyList<CompanionPlan<TRecord>> Companions { get; init; } = [];
}

/// <summary>An object written beside another from the same records (the S3 sink's keys and headers files).</summary>
/// <param name="Key">The companion's object key, in the main object's bucket.</param>
/// <param name="SpoolSuffix">Appended to the object id to name its spool file; distinct from the main object's and the other companions'.</param>
/// <param name="Encoder">Writes the companion; it must reject no record (the records are in the main object already).</param>
public sealed record CompanionPlan<TRecord>(string Key, string SpoolSuffix, IObjectEncoder<TRecord> Encoder)
    where TRecord : DeliveryRecord;
