using Tributary.Delivery.Sources;

namespace Tributary.Delivery.Processing;

/// <summary>What processing made of a source record (or of one part of it, after de-aggregation).</summary>
public enum ProcessedOutcome
{
    /// <summary>Deliver <see cref="ProcessedRecord.Data"/> to the destination.</summary>
    Ok,

    /// <summary>The transformation dropped it: counted as delivered, written nowhere.</summary>
    Dropped,

    /// <summary>Write it to the error output of <see cref="ProcessedRecord.ErrorOutputType"/>.</summary>
    Failed,
}

/// <summary>
/// One record on its way to a buffer. <see cref="Source"/> is the record it came from (its position decides what is
/// delivered); <see cref="SubSequence"/> numbers the records one aggregated source record became.
/// </summary>
public sealed class ProcessedRecord(SourceRecord source, int subSequence, byte[] data)
{
    public SourceRecord Source { get; } = source;

    public int SubSequence { get; } = subSequence;

    public byte[] Data { get; set; } = data;

    public ProcessedOutcome Outcome { get; set; } = ProcessedOutcome.Ok;

    /// <summary>Keys from the MetadataExtraction query (partitionKeyFromQuery).</summary>
    public Dictionary<string, string>? QueryKeys { get; set; }

    /// <summary>Keys from the transformation's metadata.partitionKeys (partitionKeyFromLambda).</summary>
    public Dictionary<string, string>? LambdaKeys { get; set; }

    /// <summary>processing-failed, format-conversion-failed, … for <see cref="ProcessedOutcome.Failed"/>.</summary>
    public string? ErrorOutputType { get; set; }

    public string? ErrorCode { get; set; }

    public string? ErrorMessage { get; set; }

    /// <summary>How many attempts the failing step made (the error record's attemptsMade).</summary>
    public int Attempts { get; set; } = 1;

    /// <summary>The data as it came from the source, kept for the error record's rawData.</summary>
    public byte[] RawData { get; init; } = data;

    public void Fail(string outputType, string code, string message, int attempts = 1)
    {
        Outcome = ProcessedOutcome.Failed;
        ErrorOutputType = outputType;
        ErrorCode = code;
        ErrorMessage = message;
        Attempts = attempts;
    }
}

/// <summary>Firehose's error output types (the values of <c>!{firehose:error-output-type}</c>).</summary>
public static class ErrorOutputTypes
{
    public const string ProcessingFailed = "processing-failed";
    public const string FormatConversionFailed = "format-conversion-failed";
}
