using System.Buffers;
using Tributary.Foundation.IO;
using Tributary.Protocol.Records;

namespace Tributary.Storage;

/// <summary>Opening a log: leftovers of interrupted maintenance, checkpoints, and crash recovery.</summary>
public sealed partial class PartitionLog
{
    /// <summary>What the last open found and did (for logs, tests and the reopen benchmark).</summary>
    public RecoveryReport LastRecovery { get; private set; } = new(0, 0, 0, false);

    /// <summary>
    /// Opens (or creates) the log in <paramref name="directory"/>. Segments before the recovery checkpoint
    /// are trusted with their indexes; everything after it is scanned batch by batch with CRC checks, and
    /// the log is cut at the first torn or corrupt batch (later segments are removed), so no corrupt byte is
    /// ever served and nothing fsynced before the crash is lost.
    /// </summary>
    public static PartitionLog Open(string directory, LogConfig? config = null)
    {
        config ??= LogConfig.Default;
        config.Validate();
        System.IO.Directory.CreateDirectory(directory);
        FinishInterruptedSwaps(directory);

        var baseOffsets = new List<long>();
        foreach (var path in System.IO.Directory.EnumerateFiles(directory))
        {
            var name = Path.GetFileName(path);
            if (LogSegment.IsSegmentFileName(name, LogSegment.LogSuffix))
            {
                baseOffsets.Add(LogSegment.ParseBaseOffset(name));
            }
        }
        baseOffsets.Sort();
        DeleteOrphanIndexes(directory, baseOffsets);

        var checkpoint = LogCheckpoint.Read(directory);
        var report = new RecoveryReport(0, 0, 0, checkpoint is null);
        var segments = new List<LogSegment>();
        var expectedNext = -1L;
        var truncated = false;
        foreach (var baseOffset in baseOffsets)
        {
            if (truncated || (expectedNext >= 0 && baseOffset < expectedNext))
            {
                // After a cut, or overlapping an earlier segment: nothing here can be trusted.
                LogSegment.DeleteFiles(directory, baseOffset);
                report = report with { SegmentsRemoved = report.SegmentsRemoved + 1 };
                continue;
            }
            var segment = LogSegment.Open(directory, baseOffset);
            var scanFrom = RestoreTrustedPrefix(segment, checkpoint, config);
            var (scanned, cut) = ScanTail(segment, scanFrom, config);
            report = report with { BytesScanned = report.BytesScanned + scanned };
            if (cut)
            {
                report = report with { BytesTruncated = report.BytesTruncated + (segment.Size - segment.ScanEnd) };
                segment.Truncate(segment.ScanEnd);
                truncated = true;
            }
            if (scanned > 0)
            {
                // As at roll and close: the last time index entry records the segment's newest timestamp.
                segment.SealTimeIndex();
                segment.Flush();
                segment.OffsetIndex.Persist(segment.IndexPath, flush: true);
                segment.TimeIndex.Persist(segment.TimeIndexPath, flush: true);
            }
            expectedNext = segment.NextOffset;
            segments.Add(segment);
        }

        var logStart = Math.Max(checkpoint?.LogStartOffset ?? 0, segments.Count > 0 ? segments[0].BaseOffset : 0);
        if (segments.Count == 0)
        {
            segments.Add(LogSegment.Create(directory, logStart));
            NativeFile.FlushDirectory(directory);
        }
        var log = new PartitionLog(directory, config, [.. segments], logStart, checkpoint?.CleanerCheckpoint ?? logStart)
        {
            LastRecovery = report,
        };
        log.WriteCheckpointCore();
        return log;
    }

    /// <summary>Completes or discards compaction swaps that a crash interrupted (see Compaction).</summary>
    private static void FinishInterruptedSwaps(string directory)
    {
        foreach (var path in System.IO.Directory.EnumerateFiles(directory))
        {
            var name = Path.GetFileName(path);
            if (name.EndsWith(LogSegment.CleanedSuffix, StringComparison.Ordinal) || name.EndsWith(".tmp", StringComparison.Ordinal))
            {
                File.Delete(path);
            }
            else if (LogSegment.IsSegmentFileName(name, LogSegment.SwapSuffix))
            {
                // The swap file is the commit point of a compaction: finish it. Indexes of the old file go first.
                var baseOffset = LogSegment.ParseBaseOffset(name);
                File.Delete(LogSegment.FilePath(directory, baseOffset, LogSegment.IndexSuffix));
                File.Delete(LogSegment.FilePath(directory, baseOffset, LogSegment.TimeIndexSuffix));
                File.Move(path, LogSegment.FilePath(directory, baseOffset, LogSegment.LogSuffix), overwrite: true);
            }
        }
    }

    private static void DeleteOrphanIndexes(string directory, List<long> baseOffsets)
    {
        var known = new HashSet<long>(baseOffsets);
        foreach (var path in System.IO.Directory.EnumerateFiles(directory))
        {
            var name = Path.GetFileName(path);
            if ((LogSegment.IsSegmentFileName(name, LogSegment.IndexSuffix) || LogSegment.IsSegmentFileName(name, LogSegment.TimeIndexSuffix)
                || LogSegment.IsSegmentFileName(name, TransactionIndex.Suffix))
                && !known.Contains(LogSegment.ParseBaseOffset(name)))
            {
                File.Delete(path);
            }
        }
    }

    /// <summary>
    /// Loads what the checkpoint vouches for and returns the position from which the segment must be
    /// scanned (0 for a segment the checkpoint does not cover or whose indexes do not verify).
    /// </summary>
    private static int RestoreTrustedPrefix(LogSegment segment, LogCheckpoint? checkpoint, LogConfig config)
    {
        if (checkpoint is not { } cp || segment.BaseOffset > cp.RecoverySegmentBase)
        {
            return 0;
        }
        var wholeSegment = segment.BaseOffset < cp.RecoverySegmentBase;
        var trusted = wholeSegment ? segment.Size : cp.RecoveryPosition;
        if (trusted <= 0 || trusted > segment.Size)
        {
            return 0;
        }
        // Index files may hold entries past the checkpoint (written at a later roll); they are checked
        // against the file and then cut back to the trusted prefix.
        if (!segment.OffsetIndex.TryLoad(segment.IndexPath, segment.Size) || !segment.TimeIndex.TryLoad(segment.TimeIndexPath, segment.Size))
        {
            segment.ResetIndexes();
            return 0;
        }
        segment.OffsetIndex.TruncateFromPosition((int)trusted);
        long nextOffset;
        long maxTimestamp;
        long offsetOfMaxTimestamp;
        if (wholeSegment)
        {
            // Walk from the last index entry to the end: at most one index interval plus one batch.
            if (!TryWalkToEnd(segment, out nextOffset))
            {
                segment.ResetIndexes();
                return 0;
            }
            var lastTime = segment.TimeIndex.Last;
            maxTimestamp = lastTime?.Timestamp ?? -1;
            offsetOfMaxTimestamp = lastTime is { } t ? segment.BaseOffset + t.RelativeOffset : -1;
        }
        else
        {
            nextOffset = cp.RecoveryOffset;
            segment.TimeIndex.TruncateFromOffset(nextOffset);
            maxTimestamp = cp.RecoverySegmentMaxTimestamp;
            offsetOfMaxTimestamp = cp.RecoverySegmentOffsetOfMaxTimestamp;
            if (!IndexAgreesWithLog(segment))
            {
                segment.ResetIndexes();
                return 0;
            }
        }
        segment.RestoreState((int)trusted, nextOffset, maxTimestamp, offsetOfMaxTimestamp);
        return (int)trusted;
    }

    /// <summary>The last offset index entry must point at a batch with the offset it claims.</summary>
    private static bool IndexAgreesWithLog(LogSegment segment)
    {
        if (segment.OffsetIndex.Last is not { } last)
        {
            return true;
        }
        Span<byte> header = stackalloc byte[LogSegment.WalkHeaderSize];
        return segment.Read(last.Position, header) == header.Length
            && RecordBatch.Magic(header) == RecordBatchLayout.CurrentMagic
            && RecordBatch.BaseOffset(header) == segment.BaseOffset + last.RelativeOffset;
    }

    private static bool TryWalkToEnd(LogSegment segment, out long nextOffset)
    {
        nextOffset = segment.BaseOffset;
        if (!IndexAgreesWithLog(segment))
        {
            return false;
        }
        var position = segment.OffsetIndex.Last?.Position ?? 0;
        Span<byte> header = stackalloc byte[LogSegment.WalkHeaderSize];
        while (position < segment.Size)
        {
            if (segment.Read(position, header) < header.Length || RecordBatchValidator.ValidateHeaderAt(header, out var size) != BatchError.None)
            {
                return false;
            }
            nextOffset = RecordBatch.NextOffset(header);
            position += size;
        }
        return position == segment.Size;
    }

    /// <summary>
    /// Scans batches from <paramref name="from"/> to the end of the file, verifying each one's framing, CRC
    /// and offset order, and indexing it. Returns the bytes scanned and whether a bad batch cut the scan short
    /// (then <see cref="LogSegment.ScanEnd"/> is where the file must be truncated).
    /// </summary>
    private static (long Scanned, bool Cut) ScanTail(LogSegment segment, int from, LogConfig config)
    {
        var position = from;
        var size = segment.Size;
        var expectedNext = segment.NextOffset;
        var buffer = ArrayPool<byte>.Shared.Rent(1024 * 1024);
        try
        {
            while (position < size)
            {
                if (size - position < RecordBatchLayout.HeaderSize)
                {
                    segment.ScanEnd = position;
                    return (position - from, true);
                }
                var header = buffer.AsSpan(0, RecordBatchLayout.HeaderSize);
                segment.Read(position, header);
                if (RecordBatchValidator.ValidateHeaderAt(header, out var batchSize) != BatchError.None || batchSize > size - position)
                {
                    segment.ScanEnd = position;
                    return (position - from, true);
                }
                if (batchSize > buffer.Length)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(batchSize);
                }
                var batch = buffer.AsSpan(0, batchSize);
                if (segment.Read(position, batch) != batchSize
                    || RecordBatchValidator.Validate(batch, BatchOrigin.Internal) != BatchError.None
                    || RecordBatch.BaseOffset(batch) < expectedNext
                    || RecordBatch.LastOffset(batch) - segment.BaseOffset > int.MaxValue)
                {
                    segment.ScanEnd = position;
                    return (position - from, true);
                }
                segment.OnBatchWritten(batch, position, config.IndexIntervalBytes);
                expectedNext = RecordBatch.NextOffset(batch);
                position += batchSize;
            }
            segment.ScanEnd = position;
            return (position - from, false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Flushes and records a recovery checkpoint at the durable end: indexes up to it are persisted and
    /// fsynced first, so recovery may trust everything before it.
    /// </summary>
    public void WriteCheckpoint()
    {
        lock (_maintenanceLock)
        {
            if (_closed)
            {
                return;
            }
            WriteCheckpointCore();
        }
    }

    private void WriteCheckpointCore()
    {
        if (_failure is not null)
        {
            return;
        }
        Flush();
        EndPoint durable;
        lock (_flushLock)
        {
            durable = _durable;
        }
        var segment = durable.Segment;
        segment.OffsetIndex.Persist(segment.IndexPath, flush: true);
        segment.TimeIndex.Persist(segment.TimeIndexPath, flush: true);
        var checkpoint = new LogCheckpoint(
            LogStartOffset,
            durable.Offset,
            segment.BaseOffset,
            durable.Position,
            durable.SegmentMaxTimestamp,
            durable.SegmentOffsetOfMaxTimestamp,
            Volatile.Read(ref _cleanerCheckpoint));
        checkpoint.Write(Directory);
    }
}

/// <summary>What opening a log did: bytes scanned and cut, segments removed, whether a checkpoint was missing.</summary>
public readonly record struct RecoveryReport(long BytesScanned, long BytesTruncated, int SegmentsRemoved, bool CheckpointMissing);
