using Tributary.Delivery.Dialect;
using Tributary.Delivery.Engine;
using Tributary.Firehose.Model;
using Tributary.Firehose.Processing;

namespace Tributary.Firehose.Streams;

/// <summary>
/// Firehose's BufferingHints: a buffer is delivered when it reaches SizeInMBs or when IntervalInSeconds has passed
/// since its first record, whichever comes first. A record never starts a new object by itself.
/// </summary>
internal sealed class BufferingHints(S3DestinationDefinition destination) : IFlushPolicy<ProcessedRecord>
{
    private readonly long _sizeBytes = (long)destination.BufferSizeInMBs * 1024 * 1024;
    private readonly long _intervalTicks = destination.BufferIntervalInSeconds * 1000L;

    public bool StartsNewObject(RecordBuffer<ProcessedRecord> buffer, ProcessedRecord record) => false;

    public bool IsFull(RecordBuffer<ProcessedRecord> buffer) => buffer.Bytes >= _sizeBytes;

    public bool IsDue(RecordBuffer<ProcessedRecord> buffer, long nowTicks) => nowTicks - buffer.CreatedTicks >= _intervalTicks;
}
