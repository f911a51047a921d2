using Tributary.Delivery.Engine;

namespace Tributary.Delivery.Dialect;

/// <summary>
/// When a buffer becomes an object. Whatever the policy says, the engine also writes the largest buffers early when
/// the pipeline's buffers together pass <see cref="PipelineContext.MaxBufferedBytes"/>. Called from the pipeline's one
/// task only.
/// </summary>
public interface IFlushPolicy<TRecord>
    where TRecord : DeliveryRecord
{
    /// <summary>
    /// Before <paramref name="record"/> joins the open <paramref name="buffer"/>: true writes the buffer's object first,
    /// and the record opens a new buffer of the same id (rotation by record time, a change of schema).
    /// </summary>
    bool StartsNewObject(RecordBuffer<TRecord> buffer, TRecord record);

    /// <summary>After each record joins: true writes the object now (a size, a record count).</summary>
    bool IsFull(RecordBuffer<TRecord> buffer);

    /// <summary>
    /// After every poll, with records or without, so an idle buffer still goes: true writes the object (a buffering
    /// interval, a scheduled rotation). <paramref name="nowTicks"/> is <see cref="Environment.TickCount64"/>.
    /// </summary>
    bool IsDue(RecordBuffer<TRecord> buffer, long nowTicks);
}
