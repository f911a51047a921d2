using System.IO.Compression;

namespace Tributary.Delivery.Compression;

/// <summary>
/// GZIP: System.IO.Compression's GZipStream, except that an object with no bytes is still a valid gzip file (GZipStream
/// writes nothing at all when nothing was written, which gzip rejects as "unexpected end of file").
/// </summary>
internal sealed class GzipWriteStream : WriteOnlyStream
{
    // RFC 1952 member of empty input: magic, deflate, no flags, mtime 0, no extra flags, OS unknown; an empty final
    // fixed-Huffman block (03 00); CRC-32 0; size 0.
    private static readonly byte[] EmptyMember = [0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff, 0x03, 0x00, 0, 0, 0, 0, 0, 0, 0, 0];

    private readonly GZipStream _gzip;
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
        _gzip.Write(buffer);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        _written |= !buffer.IsEmpty;
        return _gzip.WriteAsync(buffer, cancellationToken);
    }

    protected override void Finish()
    {
        _gzip.Dispose();
        if (!_written)
        {
            Destination.Write(EmptyMember);
        }
        Destination.Flush();
    }

    protected override async ValueTask FinishAsync()
    {
        await _gzip.DisposeAsync().ConfigureAwait(false);
        if (!_written)
        {
            await Destination.WriteAsync(EmptyMember).ConfigureAwait(false);
        }
        await Destination.FlushAsync().ConfigureAwait(false);
    }
}
