using System.Buffers;
using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;
using Tributary.Foundation.IO;
using Tributary.Protocol.Records;

namespace Tributary.Storage;

/// <summary>
/// One segment of a partition log: <c>&lt;base offset, 20 digits&gt;.log</c> with its <c>.index</c>,
/// <c>.timeindex</c> and, once a transaction aborts in it, <c>.txnindex</c>. Bytes are written with positional writes at the end of the file and read with
/// positional reads, so one appender and many readers share one handle without a lock.
/// <para>Lifetime: the log holds one reference; a reader holds a lease (<see cref="TryAcquire"/> /
/// <see cref="Release"/>) while it uses the handle, so a segment removed by retention or replaced by
/// compaction stays readable until its last lease is released, and only then is its handle closed.</para>
/// </summary>
public sealed class LogSegment
{
    public const string LogSuffix = ".log";
    public const string IndexSuffix = ".index";
    public const string TimeIndexSuffix = ".timeindex";
    public const string CleanedSuffix = ".log.cleaned";
    public const string SwapSuffix = ".log.swap";

    /// <summary>Bytes of a batch header the log reads to walk batches: up to and including LastOffsetDelta.</summary>
    internal const int WalkHeaderSize = RecordBatchLayout.LastOffsetDeltaOffset + 4;

    private readonly SafeFileHandle _handle;
    private int _references = 1;
    private volatile bool _deleteFilesOnClose;
    private volatile bool _transactionsHandedOver;
    private int _size;
    private int _bytesSinceIndexEntry;
    private long _maxTimestamp = -1;
    private long _offsetOfMaxTimestamp = -1;

    private LogSegment(string directory, long baseOffset, SafeFileHandle handle, int size, TransactionIndex transactions)
    {
        Directory = directory;
        BaseOffset = baseOffset;
        _handle = handle;
        _size = size;
        OffsetIndex = new OffsetIndex(baseOffset);
        TimeIndex = new TimeIndex(baseOffset);
        Transactions = transactions;
        NextOffset = baseOffset;
    }

    public string Directory { get; }

    public long BaseOffset { get; }

    /// <summary>Bytes written (not necessarily durable). Written by the appender only.</summary>
    public int Size => Volatile.Read(ref _size);

    /// <summary>The offset after the last batch in this segment (== BaseOffset when empty).</summary>
    public long NextOffset { get; private set; }

    /// <summary>Newest record timestamp in the segment (-1 when empty).</summary>
    public long MaxTimestamp => Volatile.Read(ref _maxTimestamp);

    public long OffsetOfMaxTimestamp => Volatile.Read(ref _offsetOfMaxTimestamp);

    /// <summary>
    /// MaxTimestamp of the first batch: <c>segment.ms</c> is measured from it, as Kafka does, so rolling
    /// follows record time and behaves the same after a restart.
    /// </summary>
    public long RollingTimestamp { get; private set; } = -1;

    public OffsetIndex OffsetIndex { get; private set; }

    public TimeIndex TimeIndex { get; private set; }

    /// <summary>The transactions whose ABORT markers lie in this segment (<see cref="TransactionIndex"/>).</summary>
    public TransactionIndex Transactions { get; }

    internal SafeFileHandle Handle => _handle;

    public string LogPath => FilePath(Directory, BaseOffset, LogSuffix);

    public string IndexPath => FilePath(Directory, BaseOffset, IndexSuffix);

    public string TimeIndexPath => FilePath(Directory, BaseOffset, TimeIndexSuffix);

    public string TransactionIndexPath => FilePath(Directory, BaseOffset, TransactionIndex.Suffix);

    public static string FileName(long baseOffset, string suffix) => baseOffset.ToString("D20", System.Globalization.CultureInfo.InvariantCulture) + suffix;

    public static string FilePath(string directory, long baseOffset, string suffix) => Path.Combine(directory, FileName(baseOffset, suffix));

    /// <summary>Creates an empty segment file (fails if it exists).</summary>
    public static LogSegment Create(string directory, long baseOffset)
    {
        var handle = File.OpenHandle(FilePath(directory, baseOffset, LogSuffix), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        return new LogSegment(directory, baseOffset, handle, 0, TransactionIndex.Empty(FilePath(directory, baseOffset, TransactionIndex.Suffix), baseOffset));
    }

    /// <summary>
    /// Opens an existing segment file; the caller then restores its indexes and end state. The aborted-transaction
    /// index is read from its file, or is <paramref name="transactions"/> when a segment replacing another at the same
    /// base offset takes over that one's (compaction: one object, so no entry is seen by one and not the other).
    /// </summary>
    public static LogSegment Open(string directory, long baseOffset, TransactionIndex? transactions = null)
    {
        var handle = File.OpenHandle(FilePath(directory, baseOffset, LogSuffix), FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        var length = RandomAccess.GetLength(handle);
        if (length > int.MaxValue)
        {
            handle.Dispose();
            throw new InvalidDataException($"Segment {baseOffset} is larger than 2 GiB; positions are int32.");
        }
        transactions ??= TransactionIndex.Load(FilePath(directory, baseOffset, TransactionIndex.Suffix), baseOffset);
        return new LogSegment(directory, baseOffset, handle, (int)length, transactions);
    }

    public bool TryAcquire()
    {
        var current = Volatile.Read(ref _references);
        while (current > 0)
        {
            var seen = Interlocked.CompareExchange(ref _references, current + 1, current);
            if (seen == current)
            {
                return true;
            }
            current = seen;
        }
        return false;
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            _handle.Dispose();
            OffsetIndex.Dispose();
            TimeIndex.Dispose();
            if (!_transactionsHandedOver)
            {
                Transactions.Dispose();
            }
            if (_deleteFilesOnClose)
            {
                DeleteFiles(Directory, BaseOffset);
            }
        }
    }

    /// <summary>Gives this segment's aborted-transaction index to the segment replacing it; this one no longer closes it.</summary>
    internal TransactionIndex HandOverTransactions()
    {
        _transactionsHandedOver = true;
        return Transactions;
    }

    /// <summary>Marks the segment's files for deletion when the last lease goes (retention).</summary>
    public void MarkDeleted() => _deleteFilesOnClose = true;

    public static void DeleteFiles(string directory, long baseOffset)
    {
        File.Delete(FilePath(directory, baseOffset, LogSuffix));
        File.Delete(FilePath(directory, baseOffset, IndexSuffix));
        File.Delete(FilePath(directory, baseOffset, TimeIndexSuffix));
        File.Delete(FilePath(directory, baseOffset, TransactionIndex.Suffix));
    }

    /// <summary>
    /// Writes a validated batch (base offset already assigned) at the end of the segment and indexes it.
    /// Appender thread only. On an I/O error the size is not advanced; the caller fails the log.
    /// </summary>
    public void Append(ReadOnlySpan<byte> batch, int indexIntervalBytes)
    {
        var position = _size;
        RandomAccess.Write(_handle, batch, position);
        OnBatchWritten(batch, position, indexIntervalBytes);
        Volatile.Write(ref _size, position + batch.Length);
    }

    /// <summary>Updates indexes and end state for a batch found at <paramref name="position"/> (append or recovery scan).</summary>
    internal void OnBatchWritten(ReadOnlySpan<byte> header, int position, int indexIntervalBytes)
    {
        var baseOffset = RecordBatch.BaseOffset(header);
        var lastOffset = RecordBatch.LastOffset(header);
        var maxTimestamp = RecordBatch.MaxTimestamp(header);
        var batchSize = RecordBatch.TotalSize(header);
        var relative = (int)(baseOffset - BaseOffset);
        if (RollingTimestamp < 0)
        {
            RollingTimestamp = maxTimestamp;
        }
        if (maxTimestamp > _maxTimestamp)
        {
            Volatile.Write(ref _offsetOfMaxTimestamp, lastOffset);
            Volatile.Write(ref _maxTimestamp, maxTimestamp);
        }
        if (_bytesSinceIndexEntry > indexIntervalBytes || OffsetIndex.Count == 0)
        {
            // Entries are added before the batch that crosses the interval, so a lookup lands at most one
            // interval plus one batch before its target.
            OffsetIndex.Add(relative, position);
            TimeIndex.MaybeAdd(_maxTimestamp, (int)(_offsetOfMaxTimestamp - BaseOffset));
            _bytesSinceIndexEntry = 0;
        }
        _bytesSinceIndexEntry += batchSize;
        NextOffset = lastOffset + 1;
    }

    /// <summary>
    /// Adds a final time index entry for the newest timestamp, so that after a restart the segment's
    /// max timestamp is known without a scan. Called on roll and on close.
    /// </summary>
    internal void SealTimeIndex()
    {
        if (_maxTimestamp >= 0)
        {
            TimeIndex.MaybeAdd(_maxTimestamp, (int)(_offsetOfMaxTimestamp - BaseOffset));
        }
    }

    /// <summary>Where a recovery scan stopped: the end of the last valid batch.</summary>
    internal int ScanEnd { get; set; }

    /// <summary>
    /// Restores end state for the trusted prefix [0, <paramref name="trustedEnd"/>) from the loaded indexes
    /// and the checkpoint, before any tail is scanned.
    /// </summary>
    internal void RestoreState(int trustedEnd, long nextOffset, long maxTimestamp, long offsetOfMaxTimestamp)
    {
        NextOffset = nextOffset;
        _maxTimestamp = maxTimestamp;
        _offsetOfMaxTimestamp = offsetOfMaxTimestamp;
        RollingTimestamp = TimeIndex.Count > 0 ? TimeIndex[0].Timestamp : maxTimestamp;
        var last = OffsetIndex.Last;
        _bytesSinceIndexEntry = last is null ? 0 : trustedEnd - last.Value.Position;
    }

    internal void SetRollingTimestamp(long timestamp) => RollingTimestamp = timestamp;

    internal void ResetIndexes()
    {
        OffsetIndex.Dispose();
        TimeIndex.Dispose();
        OffsetIndex = new OffsetIndex(BaseOffset);
        TimeIndex = new TimeIndex(BaseOffset);
        _bytesSinceIndexEntry = 0;
        _maxTimestamp = -1;
        _offsetOfMaxTimestamp = -1;
        RollingTimestamp = -1;
        NextOffset = BaseOffset;
    }

    /// <summary>Cuts the file to <paramref name="size"/> bytes (recovery of a torn tail).</summary>
    internal void Truncate(int size)
    {
        RandomAccess.SetLength(_handle, size);
        _size = size;
    }

    /// <summary>fsyncs the segment's data and any aborted-transaction entries written since the last flush.</summary>
    public void Flush()
    {
        NativeFile.FlushData(_handle);
        Transactions.Flush();
    }

    /// <summary>Reads up to <paramref name="destination"/>.Length bytes at <paramref name="position"/>; returns bytes read.</summary>
    public int Read(long position, Span<byte> destination)
    {
        var total = 0;
        while (total < destination.Length)
        {
            var read = RandomAccess.Read(_handle, destination[total..], position + total);
            if (read == 0)
            {
                break;
            }
            total += read;
        }
        return total;
    }

    /// <summary>
    /// Finds the batch that contains <paramref name="offset"/> (or the first batch after it, in a
    /// compacted log) at or after the indexed position, below <paramref name="limit"/>. Returns the batch's
    /// position, or -1 when no batch below the limit ends after the offset.
    /// </summary>
    public int FindBatchPosition(long offset, int limit)
    {
        var position = offset <= BaseOffset ? 0 : OffsetIndex.LookupPosition(offset);
        Span<byte> header = stackalloc byte[WalkHeaderSize];
        while (position + RecordBatchLayout.HeaderSize <= limit)
        {
            if (Read(position, header) < WalkHeaderSize)
            {
                return -1;
            }
            if (RecordBatch.LastOffset(header) >= offset)
            {
                return position;
            }
            position += RecordBatch.TotalSize(header);
        }
        return -1;
    }

    /// <summary>
    /// The end of the last whole batch that starts at or after <paramref name="start"/> and ends at or before
    /// <paramref name="limit"/>; at least the first batch's end even when that batch is larger (a reader must
    /// always make progress, like Kafka's minimum of one batch).
    /// </summary>
    public int FindBatchEnd(int start, int limit, int visibleEnd)
    {
        var entry = OffsetIndex.LookupByPosition(limit);
        // An index entry between start and the limit is a batch boundary: everything before it fits.
        var position = entry is { } e && e.Position > start ? e.Position : start;
        Span<byte> header = stackalloc byte[WalkHeaderSize];
        var end = position;
        while (position + RecordBatchLayout.HeaderSize <= visibleEnd)
        {
            if (Read(position, header) < WalkHeaderSize)
            {
                break;
            }
            var next = position + RecordBatch.TotalSize(header);
            if (next > visibleEnd || (next > limit && end > start))
            {
                break;
            }
            end = next;
            position = next;
            if (next >= limit)
            {
                break;
            }
        }
        return end;
    }

    /// <summary>Reads a whole batch at <paramref name="position"/> into a rented array (caller returns it).</summary>
    internal byte[] RentBatch(int position, out int size)
    {
        Span<byte> header = stackalloc byte[RecordBatchLayout.HeaderSize];
        if (Read(position, header) < RecordBatchLayout.HeaderSize)
        {
            throw new InvalidDataException($"Short read at position {position} of segment {BaseOffset}.");
        }
        size = RecordBatch.TotalSize(header);
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        if (Read(position, buffer.AsSpan(0, size)) < size)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw new InvalidDataException($"Short read of a batch at position {position} of segment {BaseOffset}.");
        }
        return buffer;
    }

    internal static long ParseBaseOffset(string fileName)
    {
        var digits = fileName.AsSpan(0, 20);
        return long.Parse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture);
    }

    internal static bool IsSegmentFileName(string fileName, string suffix) =>
        fileName.Length == 20 + suffix.Length && fileName.EndsWith(suffix, StringComparison.Ordinal)
        && fileName.AsSpan(0, 20).IndexOfAnyExceptInRange('0', '9') < 0;

    internal static int ReadInt32(ReadOnlySpan<byte> source) => BinaryPrimitives.ReadInt32BigEndian(source);
}
