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

    /// <summary>Completes when the spool file is written and fsynced (deleted again when the object holds no record).</summary>
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

    /// <summary>The object as a pending entry of the state; null when it holds no record (nothing to upload).</summary>
    public PendingObject? ToPending(EncodedObject<TRecord> encoded) => encoded.Records == 0 ? null : new PendingObject
    {
        Spool = Spool,
        Bucket = Plan.Bucket,
        Key = Plan.Key,
        Records = encoded.Records,
        Bytes = encoded.Bytes,
        ErrorType = Buffer.ErrorOutputType,
        Backup = Buffer.IsSourceCopy,
        OldestArrivalMs = Buffer.OldestArrivalMs,
    };

    private static EncodedObject<TRecord> WriteSpool(string path, ObjectPlan<TRecord> plan, IReadOnlyList<TRecord> records)
    {
        EncodedObject<TRecord> encoded;
        // A new file, never one rewritten in place: a store may hold an earlier spool file of this name as a hard link
        // (IObjectStore's FromFile contract), and a leftover of an object never committed is simply replaced.
        File.Delete(path);
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
        {
            encoded = plan.Encoder.Write(file, plan.Key, records);
            file.Flush(flushToDisk: true);
        }
        if (encoded.Records == 0)
        {
            File.Delete(path);
        }
        return encoded;
    }
}
