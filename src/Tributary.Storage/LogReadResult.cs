using Microsoft.Win32.SafeHandles;
using Tributary.Foundation.Buffers;

namespace Tributary.Storage;

/// <summary>
/// Whole batches read from one segment: a file region (handle, position, length) that can be sent as is,
/// or copied into a caller's buffer. Holds a lease on the segment so retention or compaction cannot close
/// the file underneath; dispose it when done. Not thread-safe.
/// </summary>
public sealed class LogReadResult : IDisposable
{
    private LogSegment? _segment;

    internal LogReadResult(LogSegment? segment, long filePosition, int length, long firstOffset, long highWatermark, long logStartOffset)
    {
        _segment = segment;
        FilePosition = filePosition;
        Length = length;
        FirstOffset = firstOffset;
        HighWatermark = highWatermark;
        LogStartOffset = logStartOffset;
    }

    /// <summary>Bytes in the region (whole batches); 0 when the reader is at the high watermark.</summary>
    public int Length { get; }

    public bool IsEmpty => Length == 0;

    /// <summary>The offset that was asked for (the first batch may start before it).</summary>
    public long FirstOffset { get; }

    public long HighWatermark { get; }

    public long LogStartOffset { get; }

    public long FilePosition { get; }

    /// <summary>The segment file's handle, valid until this result is disposed.</summary>
    public SafeFileHandle FileHandle => (_segment ?? throw new InvalidOperationException("Empty read has no file region.")).Handle;

    /// <summary>Copies the region into <paramref name="destination"/>, which must hold at least <see cref="Length"/> bytes.</summary>
    public void CopyTo(Span<byte> destination)
    {
        if (Length == 0)
        {
            return;
        }
        var segment = _segment ?? throw new ObjectDisposedException(nameof(LogReadResult));
        if (segment.Read(FilePosition, destination[..Length]) != Length)
        {
            throw new IOException($"Short read from segment {segment.BaseOffset} at position {FilePosition}.");
        }
    }

    /// <summary>Appends the region to a pooled buffer.</summary>
    public void CopyTo(PooledBufferWriter destination)
    {
        CopyTo(destination.GetSpan(Length));
        destination.Advance(Length);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Length];
        CopyTo(bytes);
        return bytes;
    }

    public void Dispose()
    {
        var segment = Interlocked.Exchange(ref _segment, null);
        segment?.Release();
    }
}
