using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Tributary.Formats.Parquet.Encodings;

/// <summary>
/// An append-only byte buffer on pooled arrays, reused across pages and row groups (<see cref="Clear"/>
/// keeps the array). Also an <see cref="IBufferWriter{T}"/> so codecs and the Thrift writer append to it.
/// Not thread-safe.
/// </summary>
public sealed class GrowableBuffer : IBufferWriter<byte>, IDisposable
{
    private byte[] _array;
    private int _length;

    public GrowableBuffer(int initialCapacity = 4096) => _array = ArrayPool<byte>.Shared.Rent(Math.Max(16, initialCapacity));

    public int Length => _length;

    public Span<byte> WrittenSpan => _array.AsSpan(0, _length);

    public ReadOnlyMemory<byte> WrittenMemory => _array.AsMemory(0, _length);

    public void Clear() => _length = 0;

    /// <summary>Cuts the buffer back to <paramref name="length"/> bytes (used to undo a rejected record).</summary>
    public void Truncate(int length) => _length = length;

    public void Advance(int count) => _length += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(Math.Max(sizeHint, 1));
        return _array.AsMemory(_length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(Math.Max(sizeHint, 1));
        return _array.AsSpan(_length);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Ensure(int extra)
    {
        if (_array.Length - _length < extra)
        {
            Grow(extra);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int extra)
    {
        var needed = (long)_length + extra;
        if (needed > Array.MaxLength)
        {
            throw new ParquetFormatException("A Parquet buffer would exceed 2 GiB; use smaller row groups or pages.");
        }
        var size = (int)Math.Min(Array.MaxLength, Math.Max(needed, (long)_array.Length * 2));
        var next = ArrayPool<byte>.Shared.Rent(size);
        _array.AsSpan(0, _length).CopyTo(next);
        ArrayPool<byte>.Shared.Return(_array);
        _array = next;
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        Ensure(data.Length);
        data.CopyTo(_array.AsSpan(_length));
        _length += data.Length;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteByte(byte value)
    {
        Ensure(1);
        _array[_length++] = value;
    }

    public void WriteInt32(int value)
    {
        Ensure(4);
        BinaryPrimitives.WriteInt32LittleEndian(_array.AsSpan(_length), value);
        _length += 4;
    }

    public void WriteInt64(long value)
    {
        Ensure(8);
        BinaryPrimitives.WriteInt64LittleEndian(_array.AsSpan(_length), value);
        _length += 8;
    }

    public void WriteUnsignedVarint(ulong value)
    {
        Ensure(10);
        while (value >= 0x80)
        {
            _array[_length++] = (byte)(value | 0x80);
            value >>= 7;
        }
        _array[_length++] = (byte)value;
    }

    public void WriteZigZagVarint(long value) => WriteUnsignedVarint((ulong)((value << 1) ^ (value >> 63)));

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_array);
        _array = [];
        _length = 0;
    }
}
