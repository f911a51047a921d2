using System.IO.Compression;

namespace Tributary.Delivery.Compression;

/// <summary>
/// ZIP: a zip archive holding one deflated entry. The archive writes its entry header when created and the central
/// directory when disposed; on a non-seekable destination the entry's sizes and CRC follow its data in a data descriptor.
/// </summary>
internal sealed class ZipEntryWriteStream : WriteOnlyStream
{
    private readonly ZipArchive _archive;
    private readonly Stream _entry;

    public ZipEntryWriteStream(Stream destination, ObjectCompressionOptions options)
        : base(destination, options.LeaveOpen)
    {
        _archive = new ZipArchive(destination, ZipArchiveMode.Create, leaveOpen: true);
        var entry = _archive.CreateEntry(options.ZipEntryName, options.Level);
        entry.LastWriteTime = options.ZipEntryTime;
        _entry = entry.Open();
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ThrowIfDisposed();
        _entry.Write(buffer);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return _entry.WriteAsync(buffer, cancellationToken);
    }

    protected override void Finish()
    {
        _entry.Dispose();
        _archive.Dispose();
        Destination.Flush();
    }

    protected override async ValueTask FinishAsync()
    {
        await _entry.DisposeAsync().ConfigureAwait(false);
        await _archive.DisposeAsync().ConfigureAwait(false);
        await Destination.FlushAsync().ConfigureAwait(false);
    }
}
