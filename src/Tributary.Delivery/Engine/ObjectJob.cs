using Tributary.Delivery.Dialect;

namespace Tributary.Delivery.Engine;

/// <summary>
/// One buffer on its way to the store: step (1) of the protocol — the object's bytes in an fsynced spool file — runs on
/// the thread pool (<see cref="Encoded"/>) while the pipeline reads on; the pipeline then commits jobs in the order
/// they were started (step 2) and hands their objects to the <see cref="ObjectUploader"/> (step 3).
/// The buffer and its records belong to the job (the encoder may fail records) until <see cref="Encoded"/> completes.
/// </summary>
internal sealed class ObjectJob<TRecord>
    where TRecord : DeliveryRecord
{
    private ObjectJob(RecordBuffer<TRecord> buffer, ObjectPlan<TRecord> plan, string spool, Task<EncodedObject<TRecord>> encoded)
    {
        Buffer = buffer;
        Plan = plan;
        Spool = spool;
        Encoded = encoded;
    }

    public RecordBuffer<TRecord> Buffer { get; }

    public ObjectPlan<TRecord> Plan { get; }

    /// <summary>The spool file's name (object id + the plan's suffix).</summary>
    public string Spool { get; }

    /// <summary>Completes when the spool file (and each companion's) is written and fsynced (deleted again when the object holds no record).</summary>
    public Task<EncodedObject<TRecord>> Encoded { get; }

    /// <summary>Starts writing <paramref name="buffer"/>'s object to <c>spoolDirectory/objectId+suffix</c> on the thread pool.</summary>
    public static ObjectJob<TRecord> Start(RecordBuffer<TRecord> buffer, ObjectPlan<TRecord> plan, string objectId, string spoolDirectory)
    {
        var spool = objectId + plan.SpoolSuffix;
        var path = Path.Combine(spoolDirectory, spool);
        return new ObjectJob<TRecord>(buffer, plan, spool, Task.Run(() => WriteSpool(path, plan, buffer.Records)));
    }

    /// <summary>Writes one object synchronously on the calling thread (the rare object of a buffer's rejected records).</summary>
    public static ObjectJob<TRecord> Write(RecordBuffer<TRecord> buffer, ObjectPlan<TRecord> plan, string objectId, string spoolDirectory)
    {
        var spool = objectId + plan.SpoolSuffix;
        var encoded = WriteSpool(Path.Combine(spoolDirectory, spool), plan, buffer.Records);
        return new ObjectJob<TRecord>(buffer, plan, spool, Task.FromResult(encoded));
    }

    /// <summary>
    /// The object, then its companions, as pending entries of the state; none when it holds no record (nothing to
    /// upload).
    /// </summary>
    public IEnumerable<PendingObject> ToPending(EncodedObject<TRecord> encoded)
    {
        if (encoded.Records == 0)
        {
            yield break;
        }
        yield return Pending(Spool, Plan.Key, encoded, companion: false);
        foreach (var companion in Plan.Companions)
        {
            yield return Pending(SpoolName(Spool, companion), companion.Key, encoded, companion: true);
        }
    }

    private PendingObject Pending(string spool, string key, EncodedObject<TRecord> encoded, bool companion) => new()
    {
        Spool = spool,
        Bucket = Plan.Bucket,
        Key = key,
        Records = encoded.Records,
        Bytes = encoded.Bytes,
        ErrorType = Buffer.ErrorOutputType,
        Backup = Buffer.IsSourceCopy,
        OldestArrivalMs = Buffer.OldestArrivalMs,
        Companion = companion,
    };

    /// <summary>A companion's spool file: the main object's spool name with the companion's suffix.</summary>
    private static string SpoolName(string spool, CompanionPlan<TRecord> companion) => spool + companion.SpoolSuffix;

    private static EncodedObject<TRecord> WriteSpool(string path, ObjectPlan<TRecord> plan, IReadOnlyList<TRecord> records)
    {
        var encoded = WriteFile(path, plan.Key, plan.Encoder, records);
        if (encoded.Records == 0 || plan.Companions.Count == 0)
        {
            return encoded;
        }
        // Companions hold exactly the records of the main object: those its encoder did not reject.
        IReadOnlyList<TRecord> written = records;
        if (encoded.Rejected.Count > 0)
        {
            var rejected = new HashSet<TRecord>(encoded.Rejected, ReferenceEqualityComparer.Instance);
            written = [.. records.Where(r => !rejected.Contains(r))];
        }
        foreach (var companion in plan.Companions)
        {
            var result = WriteFile(SpoolName(path, companion), companion.Key, companion.Encoder, written);
            if (result.Records != written.Count || result.Rejected.Count > 0)
            {
                throw new InvalidOperationException("The companion object " + companion.Key + " holds " + result.Records + " of the " + written.Count
                    + " records of " + plan.Key + " (" + result.Rejected.Count + " rejected); companions must hold every record of their object");
            }
        }
        return encoded;
    }

    private static EncodedObject<TRecord> WriteFile(string path, string key, IObjectEncoder<TRecord> encoder, IReadOnlyList<TRecord> records)
    {
        EncodedObject<TRecord> encoded;
        // A new file, never one rewritten in place: a store may hold an earlier spool file of this name as a hard link
        // (IObjectStore's FromFile contract), and a leftover of an object never committed is simply replaced.
        File.Delete(path);
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
        {
            encoded = encoder.Write(file, key, records);
            file.Flush(flushToDisk: true);
        }
        if (encoded.Records == 0)
        {
            File.Delete(path);
        }
        return encoded;
    }
}
