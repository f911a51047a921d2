using System.Buffers;

namespace Tributary.Delivery.Compression;

/// <summary>
/// A writer that cuts its input into blocks of a fixed size and encodes each full block (and the last, partial one) into
/// a reused output buffer that is then written to the destination. Encoders add a header once, before the first block.
/// Steady state allocates nothing: the input block and the output buffer are kept for the writer's life.
/// </summary>
internal abstract class BlockWriteStream : WriteOnlyStream
{
    private readonly byte[] _block;
    private readonly ArrayBufferWriter<byte> _output;
    private int _filled;

    protected BlockWriteStream(Stream destination, bool leaveOpen, int blockSize) : base(destination, leaveOpen)
    {
        _block = new byte[blockSize];
        _output = new ArrayBufferWriter<byte>(blockSize + (blockSize / 4) + 64);
        WriteHeader(_output);
    }

    /// <summary>Appends the stream header (if the framing has one) to <paramref name="output"/>.</summary>
    protected virtual void WriteHeader(IBufferWriter<byte> output)
    {
    }

    /// <summary>Appends the encoding of one non-empty block of at most the block size.</summary>
    protected abstract void EncodeBlock(ReadOnlySpan<byte> block, ArrayBufferWriter<byte> output);

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ThrowIfDisposed();
        while (!buffer.IsEmpty)
        {
            var take = Math.Min(buffer.Length, _block.Length - _filled);
            buffer[..take].CopyTo(_block.AsSpan(_filled));
            _filled += take;
            buffer = buffer[take..];
            if (_filled == _block.Length)
            {
                EncodePending();
                Destination.Write(_output.WrittenSpan);
                _output.ResetWrittenCount();
            }
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        while (!buffer.IsEmpty)
        {
            var take = Math.Min(buffer.Length, _block.Length - _filled);
            buffer.Span[..take].CopyTo(_block.AsSpan(_filled));
            _filled += take;
            buffer = buffer[take..];
            if (_filled == _block.Length)
            {
                EncodePending();
                await Destination.WriteAsync(_output.WrittenMemory, cancellationToken).ConfigureAwait(false);
                _output.ResetWrittenCount();
            }
        }
    }

    protected override void Finish()
    {
        EncodePending();
        Destination.Write(_output.WrittenSpan);
        _output.ResetWrittenCount();
        Destination.Flush();
    }

    protected override async ValueTask FinishAsync()
    {
        EncodePending();
        await Destination.WriteAsync(_output.WrittenMemory).ConfigureAwait(false);
        _output.ResetWrittenCount();
        await Destination.FlushAsync().ConfigureAwait(false);
    }

    private void EncodePending()
    {
        if (_filled > 0)
        {
            EncodeBlock(_block.AsSpan(0, _filled), _output);
            _filled = 0;
        }
    }
}
