using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;
using Tributary.Foundation.IO;

namespace Tributary.Storage;

/// <summary>
/// A transaction aborted on a partition: its data lies in [<see cref="FirstOffset"/>, <see cref="LastOffset"/>]
/// (LastOffset is the ABORT marker). <see cref="LastStableOffset"/> is the partition's last stable offset right after
/// the marker: no transaction still open then started below it, which lets a lookup stop early (Kafka's rule).
/// </summary>
public readonly record struct AbortedTransactionEntry(long ProducerId, long FirstOffset, long LastOffset, long LastStableOffset);

/// <summary>
/// A segment's aborted-transaction index (<c>&lt;base&gt;.txnindex</c>, Kafka's <c>.txnindex</c> idea): one entry per
/// transaction whose ABORT marker lies in the segment, in marker order, so a read_committed fetch finds the aborted
/// transactions it must report by looking at the segments it reads and a few after them, never by scanning the log.
/// <para>Layout (<c>docs/formats/log.md</c>): the 16-byte header of the other index files (magic <c>TTXN</c>,
/// version 1, entry size 32, segment base offset), then big-endian entries of ProducerId, FirstOffset, LastOffset and
/// LastStableOffset. Entries are appended with positional writes and fsynced with the segment
/// (<see cref="Flush"/>); the file is created with the first entry.</para>
/// <para>Durability and repair: an entry is written right after its marker, under the partition's lock, and is
/// made durable by the next flush of the segment. A crash can therefore lose entries whose markers survived, or keep
/// entries whose markers did not; the broker replays the whole log after a crash and rebuilds every segment's
/// index from the markers (<see cref="PartitionLog.ClearAbortedTransactions"/>, then appends), so a damaged or
/// partial file only costs that rebuild. A file whose header does not verify is read as empty.</para>
/// <para>Thread-safety: appends and clears come from the partition's writer (under its lock); readers take the
/// entry array, which is replaced copy-on-write, so they never see it half-changed.</para>
/// </summary>
public sealed class TransactionIndex : IDisposable
{
    public const string Suffix = ".txnindex";
    public const uint FileMagic = 0x5454584E; // "TTXN"
    public const ushort FormatVersion = 1;
    public const int HeaderSize = 16;
    public const int EntrySize = 32;

    private static readonly AbortedTransactionEntry[] None = [];
    private readonly object _fileLock = new();
    private readonly string _path;
    private readonly long _baseOffset;
    private AbortedTransactionEntry[] _entries;
    private SafeFileHandle? _handle;
    private bool _dirty;

    private TransactionIndex(string path, long baseOffset, AbortedTransactionEntry[] entries)
    {
        _path = path;
        _baseOffset = baseOffset;
        _entries = entries;
    }

    /// <summary>The entries, oldest marker first.</summary>
    public IReadOnlyList<AbortedTransactionEntry> Entries => Volatile.Read(ref _entries);

    public static TransactionIndex Empty(string path, long baseOffset) => new(path, baseOffset, None);

    /// <summary>Reads the file if there is one; a missing file, or one whose header does not verify, is empty.</summary>
    public static TransactionIndex Load(string path, long baseOffset)
    {
        if (!File.Exists(path))
        {
            return Empty(path, baseOffset);
        }
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < HeaderSize
            || BinaryPrimitives.ReadUInt32BigEndian(bytes) != FileMagic
            || BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(4)) != FormatVersion
            || BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(6)) != EntrySize
            || BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(8)) != baseOffset)
        {
            return Empty(path, baseOffset);
        }
        // A torn last entry (a crash during its write) is dropped; the broker's replay restores it if its marker survived.
        var count = (bytes.Length - HeaderSize) / EntrySize;
        var entries = new AbortedTransactionEntry[count];
        for (var i = 0; i < count; i++)
        {
            entries[i] = Decode(bytes.AsSpan(HeaderSize + (i * EntrySize), EntrySize));
        }
        return new TransactionIndex(path, baseOffset, entries);
    }

    /// <summary>
    /// Adds an entry at the end. Entries must come in marker order: one whose marker is not after the last entry's is
    /// a repeat and is ignored (returns false). Throws <see cref="IOException"/> when the write fails.
    /// </summary>
    public bool Append(AbortedTransactionEntry entry)
    {
        lock (_fileLock)
        {
            var entries = _entries;
            if (entries.Length > 0 && entry.LastOffset <= entries[^1].LastOffset)
            {
                return false;
            }
            var handle = OpenForWrite(entries.Length);
            Span<byte> bytes = stackalloc byte[EntrySize];
            Encode(entry, bytes);
            RandomAccess.Write(handle, bytes, HeaderSize + ((long)entries.Length * EntrySize));
            _dirty = true;
            var grown = new AbortedTransactionEntry[entries.Length + 1];
            entries.CopyTo(grown, 0);
            grown[^1] = entry;
            Volatile.Write(ref _entries, grown);
            return true;
        }
    }

    /// <summary>Removes every entry and the file (the broker is about to rebuild the index from the log).</summary>
    public void Clear()
    {
        lock (_fileLock)
        {
            _handle?.Dispose();
            _handle = null;
            _dirty = false;
            File.Delete(_path);
            Volatile.Write(ref _entries, None);
        }
    }

    /// <summary>
    /// Adds to <paramref name="found"/> the entries whose transactions overlap a read of [<paramref name="fetchOffset"/>,
    /// <paramref name="upperBound"/>): LastOffset ≥ fetchOffset and FirstOffset &lt; upperBound. Returns true when no
    /// later segment can hold another such entry: an entry here had a last stable offset at or past the bound.
    /// </summary>
    public bool Collect(long fetchOffset, long upperBound, ref List<AbortedTransactionEntry>? found)
    {
        foreach (var entry in Volatile.Read(ref _entries))
        {
            if (entry.LastOffset >= fetchOffset && entry.FirstOffset < upperBound)
            {
                (found ??= []).Add(entry);
            }
            if (entry.LastStableOffset >= upperBound)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>fsyncs appended entries, if any (with the segment's own flush).</summary>
    public void Flush()
    {
        lock (_fileLock)
        {
            if (_dirty && _handle is not null)
            {
                NativeFile.FlushData(_handle);
                _dirty = false;
            }
        }
    }

    public void Dispose()
    {
        lock (_fileLock)
        {
            _handle?.Dispose();
            _handle = null;
        }
    }

    /// <summary>The file's handle, created with its header when the index gets its first entry.</summary>
    private SafeFileHandle OpenForWrite(int count)
    {
        if (_handle is { } open)
        {
            return open;
        }
        var handle = File.OpenHandle(_path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        Span<byte> header = stackalloc byte[HeaderSize];
        BinaryPrimitives.WriteUInt32BigEndian(header, FileMagic);
        BinaryPrimitives.WriteUInt16BigEndian(header[4..], FormatVersion);
        BinaryPrimitives.WriteUInt16BigEndian(header[6..], EntrySize);
        BinaryPrimitives.WriteInt64BigEndian(header[8..], _baseOffset);
        RandomAccess.Write(handle, header, 0);
        // Whatever followed the entries this index holds (a torn entry, or entries dropped when loading) goes.
        RandomAccess.SetLength(handle, HeaderSize + ((long)count * EntrySize));
        _handle = handle;
        return handle;
    }

    internal static void Encode(in AbortedTransactionEntry entry, Span<byte> destination)
    {
        BinaryPrimitives.WriteInt64BigEndian(destination, entry.ProducerId);
        BinaryPrimitives.WriteInt64BigEndian(destination[8..], entry.FirstOffset);
        BinaryPrimitives.WriteInt64BigEndian(destination[16..], entry.LastOffset);
        BinaryPrimitives.WriteInt64BigEndian(destination[24..], entry.LastStableOffset);
    }

    private static AbortedTransactionEntry Decode(ReadOnlySpan<byte> source) => new(
        BinaryPrimitives.ReadInt64BigEndian(source),
        BinaryPrimitives.ReadInt64BigEndian(source[8..]),
        BinaryPrimitives.ReadInt64BigEndian(source[16..]),
        BinaryPrimitives.ReadInt64BigEndian(source[24..]));
}
