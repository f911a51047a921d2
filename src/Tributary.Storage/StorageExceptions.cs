using Tributary.Protocol.Records;

namespace Tributary.Storage;

/// <summary>An append refused because the batch is malformed; the log is unchanged.</summary>
public sealed class InvalidBatchException : Exception
{
    public InvalidBatchException(BatchError error, string message)
        : base(message)
    {
        Error = error;
    }

    public BatchError Error { get; }
}

/// <summary>A read or lookup at an offset outside [log start, high watermark] (Kafka's OFFSET_OUT_OF_RANGE).</summary>
public sealed class OffsetOutOfRangeException : Exception
{
    public OffsetOutOfRangeException(long offset, long logStartOffset, long highWatermark)
        : base($"Offset {offset} is outside the log's range [{logStartOffset}, {highWatermark}].")
    {
        Offset = offset;
        LogStartOffset = logStartOffset;
        HighWatermark = highWatermark;
    }

    public long Offset { get; }

    public long LogStartOffset { get; }

    public long HighWatermark { get; }
}

/// <summary>
/// The log hit an I/O failure it cannot reason about (disk full, I/O error) and refuses further appends
/// until reopened, so that no caller is told a batch was written when its bytes may be torn
/// (Kafka's KAFKA_STORAGE_ERROR).
/// </summary>
public sealed class LogFailedException : Exception
{
    public LogFailedException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
