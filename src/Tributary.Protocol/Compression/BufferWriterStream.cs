using System.Buffers;

namespace Tributary.Protocol.Compression;

/// <summary>
/// Write-only stream that appends to an <see cref="IBufferWriter{T}"/>, so a BCL compression
/// stream can write straight into the caller's destination without an intermediate buffer.
/// </summary>
internal sealed class BufferWriterStream : Stream
{
    private readonly IBufferWriter<byte> _destination;

    public BufferWriterStream(IBufferWriter<byte> destination) => _destination = destination;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(ReadOnlySpan<byte> buffer) => _destination.Write(buffer);

    public override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        _destination.Write(buffer.AsSpan(offset, count));
    }

    public override void WriteByte(byte value) => _destination.Write([value]);

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
