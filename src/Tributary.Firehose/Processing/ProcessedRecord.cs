using Tributary.Delivery.Engine;
using Tributary.Delivery.Sources;

namespace Tributary.Firehose.Processing;

/// <summary>
/// A delivery stream's record on its way to a buffer. <see cref="DeliveryRecord.Source"/> is the record it came from
/// (its position decides what is delivered); <see cref="SubSequence"/> numbers the records one aggregated source record
/// became.
/// </summary>
public sealed class ProcessedRecord(SourceRecord source, int subSequence, ReadOnlyMemory<byte> data) : DeliveryRecord(source)
{
    public int SubSequence { get; } = subSequence;

    /// <summary>The record's bytes: often a slice of the source's fetched block (see <see cref="SourceRecord"/> for its lifetime).</summary>
    public ReadOnlyMemory<byte> Data { get; set; } = data;

    public override long Size => Data.Length;

    /// <summary>Keys from the MetadataExtraction query (partitionKeyFromQuery).</summary>
    public Dictionary<string, string>? QueryKeys { get; set; }

    /// <summary>Keys from the transformation's metadata.partitionKeys (partitionKeyFromLambda).</summary>
    public Dictionary<string, string>? LambdaKeys { get; set; }

    /// <summary>The data as it came from the source, kept for the error record's rawData.</summary>
    public ReadOnlyMemory<byte> RawData { get; init; } = data;
}

/// <summary>Firehose's error output types (the values of <c>!{firehose:error-output-type}</c>).</summary>
public static class ErrorOutputTypes
{
    public const string ProcessingFailed = "processing-failed";
    public const string FormatConversionFailed = "format-conversion-failed";
}
