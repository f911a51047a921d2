using Tributary.Foundation.IO;
namespace Tributary.Storage;

public sealed partial class PartitionLog
{
    private Func<long>? _retentionLimit;

    /// <summary>
    /// Gives retention an offset it must never delete past, asked at each pass: the owner's first unstable offset
    /// (the first batch of the oldest open transaction, long.MaxValue when none). Kafka bounds deletion the same
    /// way: removing that batch's segment would leave the last stable offset pointing below the log start, at
    /// data no reader can get, and the transaction's later marker would close nothing. The log itself knows no
    /// transactions, hence a callback; set it once, before the log is shared.
    /// </summary>
    public void LimitRetention(Func<long> firstRetainedOffset) => _retentionLimit = firstRetainedOffset;

    /// <summary>
    /// Deletes whole segments, oldest first and never the active one: those wholly below the log start
    /// offset, those whose newest record is older than <c>retention.ms</c>, and the oldest while the log is
    /// larger than <c>retention.bytes</c> — but never a segment holding the high watermark or the retention
    /// limit (<see cref="LimitRetention"/>) or anything after them. Advances the log start offset past what was
    /// deleted. Returns the number of segments deleted. Open readers keep reading deleted segments until they
    /// dispose their results.
    /// </summary>
    public int ApplyRetention(long nowMs)
    {
        lock (_maintenanceLock)
        {
            if (_closed || _failure is not null)
            {
                return 0;
            }
            var config = _config;
            var deleteByPolicy = config.CleanupPolicy.HasFlag(CleanupPolicy.Delete);
            var limit = Math.Min(HighWatermark, _retentionLimit?.Invoke() ?? long.MaxValue);
            var logStart = LogStartOffset;
            var segments = _segments;
            var totalSize = Size;
            var deletable = 0;
            for (var i = 0; i < segments.Length - 1; i++)
            {
                var segment = segments[i];
                var next = segments[i + 1];
                if (next.BaseOffset > limit)
                {
                    // The segment holds the limit: it and everything after it stay.
                    break;
                }
                var belowStart = next.BaseOffset <= logStart;
                var expired = deleteByPolicy && config.RetentionMs >= 0 && segment.MaxTimestamp < nowMs - config.RetentionMs;
                var oversize = deleteByPolicy && config.RetentionBytes >= 0 && totalSize - segment.Size >= config.RetentionBytes;
                if (!belowStart && !expired && !oversize)
                {
                    break;
                }
                totalSize -= segment.Size;
                deletable++;
            }
            return deletable == 0 ? 0 : DeleteOldestSegments(deletable);
        }
    }

    /// <summary>
    /// DeleteRecords semantics: moves the log start offset forward to <paramref name="offset"/> (at most the
    /// high watermark; a smaller value than the current start changes nothing) and deletes segments that
    /// now lie wholly below it. Returns the new log start offset.
    /// </summary>
    public long AdvanceLogStartOffset(long offset)
    {
        lock (_maintenanceLock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            var highWatermark = HighWatermark;
            if (offset > highWatermark || offset < 0)
            {
                throw new OffsetOutOfRangeException(offset, LogStartOffset, highWatermark);
            }
            if (offset <= LogStartOffset)
            {
                return LogStartOffset;
            }
            Volatile.Write(ref _logStartOffset, offset);
            var segments = _segments;
            var deletable = 0;
            while (deletable < segments.Length - 1 && segments[deletable + 1].BaseOffset <= offset)
            {
                deletable++;
            }
            if (deletable > 0)
            {
                DeleteOldestSegments(deletable);
            }
            else
            {
                WriteCheckpointCore();
            }
            return LogStartOffset;
        }
    }

    /// <summary>Removes the first <paramref name="count"/> segments (maintenance lock held).</summary>
    private int DeleteOldestSegments(int count)
    {
        LogSegment[] removed;
        lock (_segmentsLock)
        {
            var segments = _segments;
            removed = segments[..count];
            _segments = segments[count..];
        }
        var newStart = Math.Max(LogStartOffset, _segments[0].BaseOffset);
        Volatile.Write(ref _logStartOffset, newStart);
        // Record the new start before files go, so a crash never resurrects a log start below a missing segment.
        WriteCheckpointCore();
        foreach (var segment in removed)
        {
            segment.MarkDeleted();
            segment.Release();
        }
        NativeFile.FlushDirectory(Directory);
        return removed.Length;
    }
}
