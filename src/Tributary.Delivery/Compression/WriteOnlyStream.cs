namespace Tributary.Delivery.Compression;

/// <summary>The boilerplate of a forward-only, write-only stream over a destination it may own.</summary>
internal abstract class WriteOnlyStream(Stream destination, bool leaveOpen) : Stream
{
    private bool _disposed;

    protected Stream Destination { get; } = destination;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => !_disposed;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        Write(buffer.AsSpan(offset, count));
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    public override void WriteByte(byte value) => Write([value]);

    /// <summary>Flushes the destination only: a partly filled block stays buffered (emitting it would change the framing).</summary>
    public override void Flush() => Destination.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => Destination.FlushAsync(cancellationToken);

    /// <summary>Writes what is still buffered and the trailer, if any.</summary>
    protected abstract void Finish();

    protected abstract ValueTask FinishAsync();

    protected void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            try
            {
                Finish();
            }
            finally
            {
                if (!leaveOpen)
                {
                    Destination.Dispose();
                }
            }
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            try
            {
                await FinishAsync().ConfigureAwait(false);
            }
            finally
            {
                if (!leaveOpen)
                {
                    await Destination.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
        GC.SuppressFinalize(this);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>UNCOMPRESSED: writes go straight to the destination.</summary>
internal sealed class PassThroughWriteStream(Stream destination, bool leaveOpen) : WriteOnlyStream(destination, leaveOpen)
{
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ThrowIfDisposed();
        Destination.Write(buffer);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return Destination.WriteAsync(buffer, cancellationToken);
    }

    protected override void Finish() => Destination.Flush();

    protected override ValueTask FinishAsync() => new(Destination.FlushAsync());
}
