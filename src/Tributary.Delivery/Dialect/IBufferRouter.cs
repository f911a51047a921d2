using Tributary.Delivery.Engine;

namespace Tributary.Delivery.Dialect;

/// <summary>
/// Which buffer a processed record goes to: its partition in the output (a set of keys, a time bucket, a source
/// partition), or an error output. Called from the pipeline's one task only.
/// </summary>
public interface IBufferRouter<TRecord>
    where TRecord : DeliveryRecord
{
    /// <summary>
    /// The id of the buffer an <see cref="ProcessedOutcome.Ok"/> or <see cref="ProcessedOutcome.Failed"/> record goes
    /// to. A pure function of the record, never of timing: the state keeps delivery marks per buffer id, so a record
    /// read again after a crash must get the same id. The router may fail the record (it lacks a key its object name
    /// needs) and return an error buffer's id.
    /// </summary>
    string Route(TRecord record);

    /// <summary>
    /// Called when the buffer <see cref="Route"/> chose is not open: the id of the buffer to open instead, or
    /// <paramref name="bufferId"/>. A dialect that bounds how many buffers are open fails the record here and returns
    /// its error buffer's id. <paramref name="open"/> holds the ids of the open buffers.
    /// </summary>
    string Admit(TRecord record, string bufferId, IReadOnlyCollection<string> open);
}
