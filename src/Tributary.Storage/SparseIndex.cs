using System.Buffers.Binary;
using Tributary.Foundation.IO;

namespace Tributary.Storage;

/// <summary>One offset index entry: a batch starting at BaseOffset + RelativeOffset sits at Position in the segment.</summary>
public readonly record struct OffsetIndexEntry(int RelativeOffset, int Position);

/// <summary>
/// One time index entry: every batch up to and including the one at BaseOffset + RelativeOffset has
/// MaxTimestamp &lt;= Timestamp.
/// </summary>
public readonly record struct TimeIndexEntry(long Timestamp, int RelativeOffset);

/// <summary>
/// A sparse, append-only index kept in memory and persisted to a small file beside the segment.
/// Index files are a cache: they are validated when loaded and rebuilt from the log when anything looks
/// wrong, so they are never fsynced on the append path.
/// <para>Thread-safety: one writer (the log's appender, or recovery before the log is shared) and any
/// number of concurrent readers. The writer publishes the array before the count, readers read the
/// count before the array, so a reader never indexes past the array it holds.</para>
/// </summary>
/// <remarks>File layout (keep in sync with docs/formats/log.md): a 16-byte header — magic (4 bytes),
/// format version (uint16, 1), entry size (uint16), segment base offset (int64) — then fixed-size
/// big-endian entries.</remarks>
public abstract unsafe class SparseIndex<TEntry> : IDisposable
    where TEntry : unmanaged
{
    public const int HeaderSize = 16;
    public const ushort FormatVersion = 1;

    // Entries live in fixed 1,024-entry chunks of native memory, like Kafka's memory-mapped index files:
    // appending never moves an entry (readers need no lock) and never allocates on the GC heap, so the
    // append path stays allocation-free (measured by bench "log-alloc").
    private const int ChunkShift = 10;
    private const int ChunkEntries = 1 << ChunkShift;
    private const int ChunkMask = ChunkEntries - 1;

    private nint[] _chunks = new nint[8];
    private int _chunkCount;
    private int _count;
    private int _persistedCount;

    protected SparseIndex(long baseOffset)
    {
        BaseOffset = baseOffset;
    }

    ~SparseIndex()
    {
        FreeChunks();
    }

    public long BaseOffset { get; }

    public int Count => Volatile.Read(ref _count);

    protected abstract uint Magic { get; }

    protected abstract int EntrySize { get; }

    public TEntry this[int index]
    {
        get
        {
            var count = Volatile.Read(ref _count);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)count, nameof(index));
            return EntryAt(Volatile.Read(ref _chunks), index);
        }
    }

    public TEntry? Last
    {
        get
        {
            var count = Volatile.Read(ref _count);
            return count == 0 ? null : EntryAt(Volatile.Read(ref _chunks), count - 1);
        }
    }

    private static TEntry EntryAt(nint[] chunks, int index) => ((TEntry*)chunks[index >> ChunkShift])[index & ChunkMask];

    /// <summary>Index of the last entry for which <paramref name="isAtOrBefore"/> holds (entries are sorted), or -1.</summary>
    public int FindLast<TState>(TState state, Func<TEntry, TState, bool> isAtOrBefore)
    {
        var count = Volatile.Read(ref _count);
        var chunks = Volatile.Read(ref _chunks);
        int low = 0, high = count - 1, found = -1;
        while (low <= high)
        {
            var mid = (low + high) >>> 1;
            if (isAtOrBefore(EntryAt(chunks, mid), state))
            {
                found = mid;
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }
        return found;
    }

    protected void AddEntry(TEntry entry)
    {
        var chunks = _chunks;
        if (_count == _chunkCount << ChunkShift)
        {
            if (_chunkCount == chunks.Length)
            {
                // Rare: the chunk directory doubles every 8, 16, 32... chunks (8,192+ entries).
                var grown = new nint[chunks.Length * 2];
                chunks.AsSpan().CopyTo(grown);
                Volatile.Write(ref _chunks, grown);
                chunks = grown;
            }
            chunks[_chunkCount] = (nint)System.Runtime.InteropServices.NativeMemory.Alloc((nuint)ChunkEntries, (nuint)sizeof(TEntry));
            _chunkCount++;
        }
        ((TEntry*)chunks[_count >> ChunkShift])[_count & ChunkMask] = entry;
        Volatile.Write(ref _count, _count + 1);
    }

    /// <summary>Frees the entries' memory. Only when no reader can use the index any more (the segment's last lease is gone).</summary>
    public void Dispose()
    {
        FreeChunks();
        GC.SuppressFinalize(this);
    }

    private void FreeChunks()
    {
        var chunks = Interlocked.Exchange(ref _chunks, []);
        _count = 0;
        for (var i = 0; i < _chunkCount && i < chunks.Length; i++)
        {
            System.Runtime.InteropServices.NativeMemory.Free((void*)chunks[i]);
        }
        _chunkCount = 0;
    }

    /// <summary>Keeps the first <paramref name="count"/> entries. Only during recovery, before readers exist.</summary>
    public void TruncateTo(int count)
    {
        if (count < _count)
        {
            _count = count;
            _persistedCount = Math.Min(_persistedCount, count);
        }
    }

    /// <summary>
    /// Writes entries not yet on disk to <paramref name="path"/> (the whole file when it is new or was
    /// truncated), optionally fsyncing. Called by the one thread that maintains the log (roll, checkpoint, close).
    /// </summary>
    public void Persist(string path, bool flush, int upToCount = int.MaxValue)
    {
        var count = Math.Min(Volatile.Read(ref _count), upToCount);
        var chunks = Volatile.Read(ref _chunks);
        var exists = File.Exists(path);
        var from = exists ? Math.Min(_persistedCount, count) : 0;
        using var handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        if (!exists || from == 0)
        {
            Span<byte> header = stackalloc byte[HeaderSize];
            BinaryPrimitives.WriteUInt32BigEndian(header, Magic);
            BinaryPrimitives.WriteUInt16BigEndian(header[4..], FormatVersion);
            BinaryPrimitives.WriteUInt16BigEndian(header[6..], (ushort)EntrySize);
            BinaryPrimitives.WriteInt64BigEndian(header[8..], BaseOffset);
            RandomAccess.Write(handle, header, 0);
        }
        var pending = count - from;
        if (pending > 0)
        {
            var bytes = new byte[pending * EntrySize];
            for (var i = 0; i < pending; i++)
            {
                Encode(EntryAt(chunks, from + i), bytes.AsSpan(i * EntrySize, EntrySize));
            }
            RandomAccess.Write(handle, bytes, HeaderSize + (long)from * EntrySize);
        }
        RandomAccess.SetLength(handle, HeaderSize + (long)count * EntrySize);
        if (flush)
        {
            NativeFile.FlushData(handle);
        }
        _persistedCount = count;
    }

    /// <summary>
    /// Loads entries from <paramref name="path"/>. Returns false (leaving the index empty) when the file is
    /// missing, has the wrong header, or holds entries that are out of order or point beyond
    /// <paramref name="logSize"/>: the caller then rebuilds the index from the log.
    /// </summary>
    public bool TryLoad(string path, long logSize)
    {
        _count = 0;
        _persistedCount = 0;
        if (!File.Exists(path))
        {
            return false;
        }
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException)
        {
            return false;
        }
        if (bytes.Length < HeaderSize || (bytes.Length - HeaderSize) % EntrySize != 0
            || BinaryPrimitives.ReadUInt32BigEndian(bytes) != Magic
            || BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(4)) != FormatVersion
            || BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(6)) != EntrySize
            || BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(8)) != BaseOffset)
        {
            return false;
        }
        var count = (bytes.Length - HeaderSize) / EntrySize;
        TEntry? previous = null;
        for (var i = 0; i < count; i++)
        {
            var entry = Decode(bytes.AsSpan(HeaderSize + (i * EntrySize), EntrySize));
            if (!IsValid(entry, previous, logSize))
            {
                _count = 0;
                return false;
            }
            AddEntry(entry);
            previous = entry;
        }
        _persistedCount = count;
        return true;
    }

    protected abstract void Encode(TEntry entry, Span<byte> destination);

    protected abstract TEntry Decode(ReadOnlySpan<byte> source);

    protected abstract bool IsValid(TEntry entry, TEntry? previous, long logSize);
}

/// <summary>The sparse offset index (<c>.index</c>): relative offset → file position, about one entry per 4 KiB.</summary>
public sealed class OffsetIndex : SparseIndex<OffsetIndexEntry>
{
    public const uint FileMagic = 0x54494458; // "TIDX"

    public OffsetIndex(long baseOffset)
        : base(baseOffset)
    {
    }

    protected override uint Magic => FileMagic;

    protected override int EntrySize => 8;

    public void Add(int relativeOffset, int position) => AddEntry(new OffsetIndexEntry(relativeOffset, position));

    /// <summary>The position of the last indexed batch starting at or before <paramref name="offset"/>, or 0.</summary>
    public int LookupPosition(long offset)
    {
        var relative = offset - BaseOffset;
        var index = FindLast(relative, static (entry, target) => entry.RelativeOffset <= target);
        return index < 0 ? 0 : this[index].Position;
    }

    /// <summary>The last entry whose position is at or before <paramref name="position"/>, if any.</summary>
    public OffsetIndexEntry? LookupByPosition(int position)
    {
        var index = FindLast(position, static (entry, target) => entry.Position <= target);
        return index < 0 ? null : this[index];
    }

    /// <summary>Drops entries at or beyond <paramref name="position"/> (recovery re-indexes that tail).</summary>
    public void TruncateFromPosition(int position)
    {
        var keep = FindLast(position, static (entry, target) => entry.Position < target) + 1;
        TruncateTo(keep);
    }

    protected override void Encode(OffsetIndexEntry entry, Span<byte> destination)
    {
        BinaryPrimitives.WriteInt32BigEndian(destination, entry.RelativeOffset);
        BinaryPrimitives.WriteInt32BigEndian(destination[4..], entry.Position);
    }

    protected override OffsetIndexEntry Decode(ReadOnlySpan<byte> source) =>
        new(BinaryPrimitives.ReadInt32BigEndian(source), BinaryPrimitives.ReadInt32BigEndian(source[4..]));

    protected override bool IsValid(OffsetIndexEntry entry, OffsetIndexEntry? previous, long logSize) =>
        entry.RelativeOffset >= 0 && entry.Position >= 0 && entry.Position < logSize
        && (previous is null || (entry.RelativeOffset > previous.Value.RelativeOffset && entry.Position > previous.Value.Position));
}

/// <summary>The sparse time index (<c>.timeindex</c>): max timestamp so far → relative offset.</summary>
public sealed class TimeIndex : SparseIndex<TimeIndexEntry>
{
    public const uint FileMagic = 0x54544958; // "TTIX"

    public TimeIndex(long baseOffset)
        : base(baseOffset)
    {
    }

    protected override uint Magic => FileMagic;

    protected override int EntrySize => 12;

    /// <summary>Adds an entry when <paramref name="timestamp"/> is newer than the last one (timestamps only grow).</summary>
    public void MaybeAdd(long timestamp, int relativeOffset)
    {
        var last = Last;
        if (last is null || (timestamp > last.Value.Timestamp && relativeOffset > last.Value.RelativeOffset))
        {
            AddEntry(new TimeIndexEntry(timestamp, relativeOffset));
        }
    }

    /// <summary>The last entry with a timestamp strictly below <paramref name="timestamp"/>, if any.</summary>
    public TimeIndexEntry? LookupBefore(long timestamp)
    {
        var index = FindLast(timestamp, static (entry, target) => entry.Timestamp < target);
        return index < 0 ? null : this[index];
    }

    /// <summary>Drops entries for offsets at or beyond <paramref name="offset"/>.</summary>
    public void TruncateFromOffset(long offset)
    {
        var relative = offset - BaseOffset;
        var keep = FindLast(relative, static (entry, target) => entry.RelativeOffset < target) + 1;
        TruncateTo(keep);
    }

    protected override void Encode(TimeIndexEntry entry, Span<byte> destination)
    {
        BinaryPrimitives.WriteInt64BigEndian(destination, entry.Timestamp);
        BinaryPrimitives.WriteInt32BigEndian(destination[8..], entry.RelativeOffset);
    }

    protected override TimeIndexEntry Decode(ReadOnlySpan<byte> source) =>
        new(BinaryPrimitives.ReadInt64BigEndian(source), BinaryPrimitives.ReadInt32BigEndian(source[8..]));

    protected override bool IsValid(TimeIndexEntry entry, TimeIndexEntry? previous, long logSize) =>
        entry.RelativeOffset >= 0
        && (previous is null || (entry.Timestamp > previous.Value.Timestamp && entry.RelativeOffset > previous.Value.RelativeOffset));
}
