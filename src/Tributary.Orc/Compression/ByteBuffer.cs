namespace Tributary.Orc.Compression;

/// <summary>A growable byte array with span access, reused between stripes. Not thread-safe.</summary>
internal sealed class ByteBuffer
{
    private byte[] _buffer;
    private int _length;

    public ByteBuffer(int capacity = 256) => _buffer = new byte[Math.Max(capacity, 16)];

    public int Length => _length;

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public byte[] Array => _buffer;

    public void Clear() => _length = 0;

    public Span<byte> GetSpan(int size)
    {
        Ensure(size);
        return _buffer.AsSpan(_length);
    }

    public void Advance(int count) => _length += count;

    public void Reserve(int count)
    {
        Ensure(count);
        _length += count;
    }

    public Span<byte> Span(int start, int length) => _buffer.AsSpan(start, length);

    public void WriteByte(byte value)
    {
        if (_length == _buffer.Length)
        {
            Ensure(1);
        }
        _buffer[_length++] = value;
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        Ensure(data.Length);
        data.CopyTo(_buffer.AsSpan(_length));
        _length += data.Length;
    }

    private void Ensure(int count)
    {
        if (_buffer.Length - _length < count)
        {
            System.Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        }
    }
}
