using System.Buffers;
using System.Runtime.CompilerServices;

namespace Tributary.Orc.Compression;

/// <summary>
/// A growable byte array with span access, reused between stripes. Growth past the first array rents from
/// <see cref="ArrayPool{T}.Shared"/> and <see cref="Release"/> gives the array back: a writer makes one file per
/// delivered object, and fresh multi-megabyte arrays per file cost zeroing, large-object-heap allocations and gen-2
/// collections (they were a quarter of JSON → ORC time before). An owner may install a spill (see
/// <see cref="SetSpill"/>): when the buffer is full and holds at least the spill threshold, the spill runs first and
/// may take bytes out of the front (<see cref="RemoveFront"/>), so a stream's uncompressed bytes stay bounded.
/// Spans from <see cref="GetSpan"/> are valid until the next call that writes. Not thread-safe.
/// </summary>
internal sealed class ByteBuffer
{
    private byte[] _buffer;
    private bool _rented;
    private int _length;
    private int _spillThreshold = int.MaxValue;
    private Action? _spill;

    public ByteBuffer(int capacity = 256) => _buffer = new byte[Math.Max(capacity, 16)];

    public int Length => _length;

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public byte[] Array => _buffer;

    public void Clear() => _length = 0;

    /// <summary>Runs <paramref name="spill"/> before growing once at least <paramref name="threshold"/> bytes are held.</summary>
    public void SetSpill(int threshold, Action spill)
    {
        _spillThreshold = threshold;
        _spill = spill;
    }

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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteByte(byte value)
    {
        if (_length == _buffer.Length)
        {
            Grow(1);
        }
        _buffer[_length++] = value;
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        Ensure(data.Length);
        data.CopyTo(_buffer.AsSpan(_length));
        _length += data.Length;
    }

    /// <summary>Drops the first <paramref name="count"/> bytes, moving the rest to the front.</summary>
    public void RemoveFront(int count)
    {
        _buffer.AsSpan(count, _length - count).CopyTo(_buffer);
        _length -= count;
    }

    /// <summary>Gives a rented array back to the pool; the buffer stays usable (it starts small again).</summary>
    public void Release()
    {
        if (_rented)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = new byte[16];
            _rented = false;
        }
        _length = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Ensure(int count)
    {
        if (_buffer.Length - _length < count)
        {
            Grow(count);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int count)
    {
        if (_spill is not null && _length >= _spillThreshold)
        {
            _spill();
            if (_buffer.Length - _length >= count)
            {
                return;
            }
        }
        var next = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + count));
        _buffer.AsSpan(0, _length).CopyTo(next);
        if (_rented)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
        _buffer = next;
        _rented = true;
    }
}
