using System.Buffers;
using System.IO.Compression;

namespace Tributary.Delivery.Compression;

/// <summary>
/// GZIP: System.IO.Compression's GZipStream, except that an object with no bytes is still a valid gzip file (GZipStream
/// writes nothing at all when nothing was written, which gzip rejects as "unexpected end of file"). Small writes (one
/// record each) are gathered into a 64 KiB block before they reach the deflater: each deflater call has a fixed cost
/// that a ~100-byte record would otherwise pay alone. The compressed bytes are the same for the same input written
/// the same way, so an object written again after a crash is identical.
/// </summary>
internal sealed class GzipWriteStream : WriteOnlyStream
{
    // RFC 1952 member of empty input: magic, deflate, no flags, mtime 0, no extra flags, OS unknown; an empty final
    // fixed-Huffman block (03 00); CRC-32 0; size 0.
    private static readonly byte[] EmptyMember = [0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff, 0x03, 0x00, 0, 0, 0, 0, 0, 0, 0, 0];

    private const int BlockSize = 64 * 1024;

    private readonly GZipStream _gzip;
    private byte[]? _block = ArrayPool<byte>.Shared.Rent(BlockSize);
    private int _filled;
    private bool _written;

    public GzipWriteStream(Stream destination, ObjectCompressionOptions options)
        : base(destination, options.LeaveOpen)
    {
        _gzip = new GZipStream(destination, options.Level, leaveOpen: true);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ThrowIfDisposed();
        _written |= !buffer.IsEmpty;
        var block = _block!;
        if (buffer.Length <= block.Length - _filled)
        {
            buffer.CopyTo(block.AsSpan(_filled));
            _filled += buffer.Length;
            return;
        }
        Drain();
        if (buffer.Length >= block.Length)
        {
            _gzip.Write(buffer);
            return;
        }
        buffer.CopyTo(block);
        _filled = buffer.Length;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // Gathering is a copy: it completes at once unless the block is deflated, which is CPU work anyway.
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    /// <summary>Deflates the gathered bytes.</summary>
    private void Drain()
    {
        if (_filled > 0)
        {
            _gzip.Write(_block.AsSpan(0, _filled));
            _filled = 0;
        }
    }

    protected override void Finish()
    {
        try
        {
            Drain();
            _gzip.Dispose();
        }
        finally
        {
            ReturnBlock();
        }
        if (!_written)
        {
            Destination.Write(EmptyMember);
        }
        Destination.Flush();
    }

    protected override async ValueTask FinishAsync()
    {
        try
        {
            Drain();
            await _gzip.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            ReturnBlock();
        }
        if (!_written)
        {
            await Destination.WriteAsync(EmptyMember).ConfigureAwait(false);
        }
        await Destination.FlushAsync().ConfigureAwait(false);
    }

    private void ReturnBlock()
    {
        if (_block is { } block)
        {
            _block = null;
            ArrayPool<byte>.Shared.Return(block);
        }
    }
}
