using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using Tributary.Foundation.Buffers;
using Tributary.Foundation.IO;
using Tributary.Protocol.Records;

namespace Tributary.Storage;

/// <summary>What one compaction pass did.</summary>
public readonly record struct CompactionResult(int SegmentsCleaned, long RecordsRemoved, long BytesBefore, long BytesAfter);

public sealed partial class PartitionLog
{
    /// <summary>
    /// Compacts the log (<c>cleanup.policy=compact</c>): in every segment below the active one (and wholly
    /// below the high watermark) keeps only the latest record for each key, drops tombstones whose segment's
    /// newest record is older than <c>delete.retention.ms</c>, and leaves offsets unchanged. Runs on the
    /// maintenance thread; appends continue meanwhile because the active segment is never touched.
    /// Runs only when the share of not-yet-cleaned bytes reaches <c>min.cleanable.dirty.ratio</c>, unless forced.
    /// </summary>
    /// <remarks>
    /// Each segment is rewritten on its own: <c>N.log.cleaned</c> is written and fsynced, renamed to
    /// <c>N.log.swap</c> (the commit point), the old indexes are deleted, and the swap file is renamed over
    /// <c>N.log</c>. Recovery finishes or discards an interrupted swap. Memory: one 16-byte key digest
    /// (MD5) and one offset per distinct key in the cleanable segments.
    /// </remarks>
    public CompactionResult Compact(long nowMs, bool force = false)
    {
        lock (_maintenanceLock)
        {
            var config = _config;
            if (_closed || _failure is not null || (!force && !config.CleanupPolicy.HasFlag(CleanupPolicy.Compact)))
            {
                return default;
            }
            var highWatermark = HighWatermark;
            var segments = _segments;
            var cleanable = new List<LogSegment>();
            long totalBytes = 0, dirtyBytes = 0;
            for (var i = 0; i < segments.Length - 1 && segments[i + 1].BaseOffset <= highWatermark; i++)
            {
                cleanable.Add(segments[i]);
                totalBytes += segments[i].Size;
                if (segments[i].NextOffset > Volatile.Read(ref _cleanerCheckpoint))
                {
                    dirtyBytes += segments[i].Size;
                }
            }
            if (cleanable.Count == 0 || totalBytes == 0 || (!force && (double)dirtyBytes / totalBytes < config.MinCleanableDirtyRatio))
            {
                return default;
            }

            var latest = new Dictionary<KeyDigest, long>();
            using var scratch = new PooledBufferWriter();
            foreach (var segment in cleanable)
            {
                ForEachDataRecord(segment, scratch, (in Record record, long offset) =>
                {
                    if (record.HasKey)
                    {
                        latest[KeyDigest.Of(record.Key)] = offset;
                    }
                });
            }

            var result = new CompactionResult(0, 0, totalBytes, totalBytes);
            foreach (var segment in cleanable)
            {
                var tombstonesExpired = segment.MaxTimestamp < nowMs - config.DeleteRetentionMs;
                var (removed, replacement) = CleanSegment(segment, latest, tombstonesExpired, config);
                if (replacement is null)
                {
                    continue;
                }
                result = result with
                {
                    SegmentsCleaned = result.SegmentsCleaned + 1,
                    RecordsRemoved = result.RecordsRemoved + removed,
                    BytesAfter = result.BytesAfter - segment.Size + replacement.Size,
                };
            }
            Volatile.Write(ref _cleanerCheckpoint, cleanable[^1].NextOffset);
            WriteCheckpointCore();
            return result;
        }
    }

    private delegate void BatchAction(ReadOnlySpan<byte> batch);

    private delegate void RecordAction(in Record record, long offset);

    /// <summary>
    /// Every record of every non-transactional data batch in the segment, with its absolute offset. Transactional
    /// batches (and markers) are left out of the key map and kept verbatim by <see cref="CleanSegment"/>: a record
    /// of an aborted transaction must never supersede a committed one, and removing transactional data or markers
    /// would change what replaying the log rebuilds (open transactions, the aborted index, transactional offsets).
    /// Conservative: such batches are never cleaned.
    /// </summary>
    private static void ForEachDataRecord(LogSegment segment, PooledBufferWriter scratch, RecordAction action)
    {
        ForEachBatch(segment, batch =>
        {
            if (RecordBatch.IsControl(batch) || RecordBatch.IsTransactional(batch))
            {
                return;
            }
            var baseOffset = RecordBatch.BaseOffset(batch);
            var reader = BatchRecords.Read(batch, scratch);
            while (reader.TryReadNext(out var record))
            {
                action(record, baseOffset + record.OffsetDelta);
            }
        });
    }

    private static void ForEachBatch(LogSegment segment, BatchAction action)
    {
        var position = 0;
        var size = segment.Size;
        while (position < size)
        {
            var buffer = segment.RentBatch(position, out var batchSize);
            try
            {
                action(buffer.AsSpan(0, batchSize));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
            position += batchSize;
        }
    }

    private static bool Keep(in Record record, long offset, Dictionary<KeyDigest, long> latest, bool tombstonesExpired)
    {
        if (!record.HasKey || !latest.TryGetValue(KeyDigest.Of(record.Key), out var newest))
        {
            return true;
        }
        if (offset < newest)
        {
            return false;
        }
        return record.HasValue || !tombstonesExpired;
    }

    /// <summary>Rewrites one segment without superseded records; returns null when nothing would change.</summary>
    private (long Removed, LogSegment? Replacement) CleanSegment(LogSegment segment, Dictionary<KeyDigest, long> latest, bool tombstonesExpired, LogConfig config)
    {
        using var scratch = new PooledBufferWriter();
        long removable = 0;
        ForEachDataRecord(segment, scratch, (in Record record, long offset) =>
        {
            if (!Keep(record, offset, latest, tombstonesExpired))
            {
                removable++;
            }
        });
        if (removable == 0)
        {
            return (0, null);
        }

        var cleanedPath = LogSegment.FilePath(Directory, segment.BaseOffset, LogSegment.CleanedSuffix);
        var swapPath = LogSegment.FilePath(Directory, segment.BaseOffset, LogSegment.SwapSuffix);
        using (var output = new FileStream(cleanedPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        using (var builder = new RecordBatchBuilder(0))
        using (var rebuilt = new PooledBufferWriter())
        {
            ForEachBatch(segment, batch =>
            {
                if (RecordBatch.IsControl(batch) || RecordBatch.IsTransactional(batch))
                {
                    output.Write(batch);
                    return;
                }
                var baseOffset = RecordBatch.BaseOffset(batch);
                builder.Clear(RecordBatch.BaseTimestamp(batch));
                var count = RecordBatch.RecordsCount(batch);
                var reader = BatchRecords.Read(batch, scratch);
                while (reader.TryReadNext(out var record))
                {
                    if (Keep(record, baseOffset + record.OffsetDelta, latest, tombstonesExpired))
                    {
                        builder.AppendRaw(record.Raw, record.OffsetDelta, record.TimestampDelta);
                    }
                }
                if (builder.Count == count)
                {
                    output.Write(batch);
                    return;
                }
                if (builder.Count == 0)
                {
                    return;
                }
                rebuilt.Reset();
                builder.WriteTo(rebuilt, new BatchOptions
                {
                    BaseOffset = baseOffset,
                    Codec = RecordBatch.Codec(batch),
                    ProducerId = RecordBatch.ProducerId(batch),
                    ProducerEpoch = RecordBatch.ProducerEpoch(batch),
                    BaseSequence = RecordBatch.BaseSequence(batch),
                    PartitionLeaderEpoch = RecordBatch.PartitionLeaderEpoch(batch),
                    AttributeFlags = RecordBatch.Attributes(batch),
                    LastOffsetDelta = RecordBatch.LastOffsetDelta(batch),
                    MaxTimestamp = RecordBatch.MaxTimestamp(batch),
                });
                output.Write(rebuilt.WrittenSpan);
            });
            output.Flush(flushToDisk: true);
        }

        // Commit point: once the swap file exists, recovery completes the replacement.
        File.Move(cleanedPath, swapPath, overwrite: true);
        NativeFile.FlushDirectory(Directory);
        File.Delete(segment.IndexPath);
        File.Delete(segment.TimeIndexPath);
        File.Move(swapPath, segment.LogPath, overwrite: true);
        NativeFile.FlushDirectory(Directory);

        var replacement = LogSegment.Open(Directory, segment.BaseOffset, segment.HandOverTransactions());
        var (_, cut) = ScanTail(replacement, 0, config);
        if (cut)
        {
            throw new InvalidDataException($"Compacted segment {segment.BaseOffset} of {Name} does not verify.");
        }
        replacement.SealTimeIndex();
        replacement.OffsetIndex.Persist(replacement.IndexPath, flush: true);
        replacement.TimeIndex.Persist(replacement.TimeIndexPath, flush: true);
        lock (_segmentsLock)
        {
            var segments = (LogSegment[])_segments.Clone();
            var index = Array.IndexOf(segments, segment);
            segments[index] = replacement;
            _segments = segments;
        }
        // The old object keeps its (now unlinked) file open until its last reader lets go.
        segment.Release();
        return (removable, replacement);
    }

    /// <summary>A 128-bit digest of a record key: the compaction map stores digests, not keys.</summary>
    private readonly record struct KeyDigest(ulong High, ulong Low)
    {
        public static KeyDigest Of(ReadOnlySpan<byte> key)
        {
            Span<byte> digest = stackalloc byte[16];
            MD5.HashData(key, digest);
            return new KeyDigest(BinaryPrimitives.ReadUInt64LittleEndian(digest), BinaryPrimitives.ReadUInt64LittleEndian(digest[8..]));
        }
    }
}
