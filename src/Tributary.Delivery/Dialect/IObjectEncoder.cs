using Tributary.Delivery.Engine;

namespace Tributary.Delivery.Dialect;

/// <summary>
/// How an object's bytes are made from its records: records as they are through an object codec
/// (<see cref="Compression.ObjectCompression"/>), or a format writer (Parquet, Avro, JSON lines).
/// </summary>
public interface IObjectEncoder<TRecord>
    where TRecord : DeliveryRecord
{
    /// <summary>
    /// Writes <paramref name="records"/> as one object to <paramref name="output"/>, the spool file (leave it open: the
    /// engine fsyncs and closes it). The bytes must depend only on the records and <paramref name="key"/>, so an object
    /// built again after a crash is identical. Records that cannot be encoded are failed (all with one error output
    /// type) and returned in <see cref="EncodedObject{TRecord}.Rejected"/>: the engine writes them as an error object
    /// in the same step. An object of no records is not written.
    /// <para>Threads: the engine calls Write on a thread-pool thread, while the pipeline's task reads on, and may run
    /// several Write calls at once for different objects (of different buffers, or of one buffer's successive
    /// objects). An encoder must therefore keep no mutable state between calls (or guard it). The records belong to
    /// the call until it returns: it may fail them; nothing else reads or changes them meanwhile.</para>
    /// </summary>
    EncodedObject<TRecord> Write(Stream output, string key, IReadOnlyList<TRecord> records);
}

/// <summary>What <see cref="IObjectEncoder{TRecord}.Write"/> wrote: records (rows), their data bytes before encoding, and the rejected records.</summary>
public readonly record struct EncodedObject<TRecord>(long Records, long Bytes, IReadOnlyList<TRecord> Rejected)
    where TRecord : DeliveryRecord;
