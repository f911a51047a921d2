using System.Buffers;
using Tributary.Foundation.Buffers;
using Tributary.Protocol.Records;

namespace Tributary.Storage;

/// <summary>The special timestamps of Kafka's ListOffsets request.</summary>
public static class ListOffsetsTimestamp
{
    /// <summary>The high watermark (the next offset a consumer would read).</summary>
    public const long Latest = -1;

    /// <summary>The log start offset.</summary>
    public const long Earliest = -2;

    /// <summary>The record with the largest timestamp (KIP-734).</summary>
    public const long MaxTimestamp = -3;
}

/// <summary>An offset found by timestamp, with the timestamp of the record found (-1 for Earliest/Latest).</summary>
public readonly record struct TimestampOffset(long Offset, long Timestamp);

public sealed partial class PartitionLog
{
    /// <summary>
    /// ListOffsets semantics: <see cref="ListOffsetsTimestamp.Earliest"/>, <see cref="ListOffsetsTimestamp.Latest"/>,
    /// <see cref="ListOffsetsTimestamp.MaxTimestamp"/>, or the first record at or below the high watermark whose
    /// timestamp is at least <paramref name="timestamp"/>. Null when no record qualifies.
    /// </summary>
    public TimestampOffset? FindOffset(long timestamp)
    {
        switch (timestamp)
        {
            case ListOffsetsTimestamp.Earliest:
                return new TimestampOffset(LogStartOffset, -1);
            case ListOffsetsTimestamp.Latest:
                return new TimestampOffset(HighWatermark, -1);
            case ListOffsetsTimestamp.MaxTimestamp:
                return FindMaxTimestamp();
            case < 0:
                throw new ArgumentOutOfRangeException(nameof(timestamp), "Only -1, -2 and -3 are special timestamps.");
        }
        var highWatermark = ReadHighWatermark();
        foreach (var segment in _segments)
        {
            if (segment.BaseOffset > highWatermark.Segment.BaseOffset)
            {
                break;
            }
            if (segment.MaxTimestamp < timestamp || !segment.TryAcquire())
            {
                continue;
            }
            try
            {
                var found = SearchSegment(segment, timestamp, VisibleEnd(segment, highWatermark));
                if (found is not null)
                {
                    return found;
                }
            }
            finally
            {
                segment.Release();
            }
        }
        return null;
    }

    private TimestampOffset? SearchSegment(LogSegment segment, long timestamp, int visibleEnd)
    {
        // Every batch up to the last time index entry older than the target is older too: start after it.
        var position = 0;
        if (segment.TimeIndex.LookupBefore(timestamp) is { } entry)
        {
            position = segment.OffsetIndex.LookupPosition(segment.BaseOffset + entry.RelativeOffset + 1);
        }
        var logStart = LogStartOffset;
        Span<byte> header = stackalloc byte[RecordBatchLayout.HeaderSize];
        using var scratch = new PooledBufferWriter();
        while (position + RecordBatchLayout.HeaderSize <= visibleEnd)
        {
            segment.Read(position, header);
            var size = RecordBatch.TotalSize(header);
            if (RecordBatch.MaxTimestamp(header) >= timestamp && RecordBatch.LastOffset(header) >= logStart)
            {
                var batch = segment.RentBatch(position, out _);
                try
                {
                    var found = SearchBatch(batch.AsSpan(0, size), timestamp, logStart, scratch);
                    if (found is not null)
                    {
                        return found;
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(batch);
                }
            }
            position += size;
        }
        return null;
    }

    private static TimestampOffset? SearchBatch(ReadOnlySpan<byte> batch, long timestamp, long logStart, PooledBufferWriter scratch)
    {
        var baseOffset = RecordBatch.BaseOffset(batch);
        if (RecordBatch.IsLogAppendTime(batch))
        {
            // Every record carries the batch's append time.
            var first = FirstRecordOffsetAtOrAfter(batch, logStart, scratch);
            return first is { } offset ? new TimestampOffset(offset, RecordBatch.MaxTimestamp(batch)) : null;
        }
        var baseTimestamp = RecordBatch.BaseTimestamp(batch);
        var reader = BatchRecords.Read(batch, scratch);
        while (reader.TryReadNext(out var record))
        {
            var offset = baseOffset + record.OffsetDelta;
            var recordTimestamp = baseTimestamp + record.TimestampDelta;
            if (offset >= logStart && recordTimestamp >= timestamp)
            {
                return new TimestampOffset(offset, recordTimestamp);
            }
        }
        return null;
    }

    private static long? FirstRecordOffsetAtOrAfter(ReadOnlySpan<byte> batch, long minimum, PooledBufferWriter scratch)
    {
        var baseOffset = RecordBatch.BaseOffset(batch);
        var reader = BatchRecords.Read(batch, scratch);
        while (reader.TryReadNext(out var record))
        {
            if (baseOffset + record.OffsetDelta >= minimum)
            {
                return baseOffset + record.OffsetDelta;
            }
        }
        return null;
    }

    /// <summary>The offset and timestamp of the record with the largest timestamp (the first such record).</summary>
    private TimestampOffset? FindMaxTimestamp()
    {
        var highWatermark = ReadHighWatermark();
        LogSegment? best = null;
        foreach (var segment in _segments)
        {
            if (segment.BaseOffset > highWatermark.Segment.BaseOffset)
            {
                break;
            }
            if (segment.MaxTimestamp >= 0 && (best is null || segment.MaxTimestamp > best.MaxTimestamp))
            {
                best = segment;
            }
        }
        return best is null ? null : FindOffset(best.MaxTimestamp);
    }
}
