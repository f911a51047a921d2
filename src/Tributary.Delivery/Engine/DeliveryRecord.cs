using Tributary.Delivery.Sources;

namespace Tributary.Delivery.Engine;

/// <summary>What a dialect's processing made of a source record (or of one part of it).</summary>
public enum ProcessedOutcome
{
    /// <summary>Deliver the record to its data output.</summary>
    Ok,

    /// <summary>Processing dropped it: its position counts as delivered, it is written nowhere.</summary>
    Dropped,

    /// <summary>Write it to the error output of <see cref="DeliveryRecord.ErrorOutputType"/>.</summary>
    Failed,
}

/// <summary>
/// One record on its way to a buffer, the engine's part of a dialect's record type. <see cref="Source"/> is the source
/// record it came from: its position decides what is delivered, and the parts one source record became follow each
/// other in a processed batch (the engine moves the position past a source record only after its last part).
/// A dialect derives from this class with what its router, naming and encoders need (bytes, keys, a schema and value).
/// Not thread-safe: a record belongs to its pipeline's one task.
/// </summary>
public abstract class DeliveryRecord(SourceRecord source)
{
    public SourceRecord Source { get; } = source;

    /// <summary>Bytes the record holds in a buffer: what buffer sizes and the memory bound count.</summary>
    public abstract long Size { get; }

    public ProcessedOutcome Outcome { get; set; } = ProcessedOutcome.Ok;

    /// <summary>The error output a <see cref="ProcessedOutcome.Failed"/> record goes to (counted per type in the metrics).</summary>
    public string? ErrorOutputType { get; set; }

    public string? ErrorCode { get; set; }

    public string? ErrorMessage { get; set; }

    /// <summary>How many attempts the failing step made.</summary>
    public int Attempts { get; set; } = 1;

    public void Fail(string outputType, string code, string message, int attempts = 1)
    {
        Outcome = ProcessedOutcome.Failed;
        ErrorOutputType = outputType;
        ErrorCode = code;
        ErrorMessage = message;
        Attempts = attempts;
    }
}
