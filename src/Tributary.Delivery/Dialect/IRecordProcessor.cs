using Tributary.Delivery.Engine;
using Tributary.Delivery.Sources;

namespace Tributary.Delivery.Dialect;

/// <summary>
/// Turns polled source records into the records the buffers hold. Called from the pipeline's one task only.
/// </summary>
public interface IRecordProcessor<TRecord>
    where TRecord : DeliveryRecord
{
    /// <summary>
    /// The buffer that also receives every source record as it arrived, before processing (a source-record backup), or
    /// null for none. Its objects are copies: they follow the same exactly-once protocol but are not counted as delivered.
    /// </summary>
    string? SourceCopyBufferId { get; }

    /// <summary>The record a source record is in the <see cref="SourceCopyBufferId"/> buffer (called only when that is set).</summary>
    TRecord CopyOf(SourceRecord record);

    /// <summary>
    /// Processes one polled batch: one or more records per source record, the parts of one source record next to each
    /// other, in source order. A record may be <see cref="ProcessedOutcome.Dropped"/> (its position advances, it is
    /// written nowhere) or <see cref="ProcessedOutcome.Failed"/> (it goes to an error buffer); a bad record never makes
    /// this throw. The engine is done with the returned list when it calls again: a processor may return the same
    /// list each time, emptied (the records in it are the engine's to keep).
    /// </summary>
    Task<List<TRecord>> ProcessAsync(IReadOnlyList<SourceRecord> records, CancellationToken cancellationToken);
}
