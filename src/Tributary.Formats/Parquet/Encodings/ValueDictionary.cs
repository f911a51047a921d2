using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Tributary.Formats.Parquet.Encodings;

/// <summary>
/// The dictionary of one column chunk: distinct values (as their bytes: the little-endian value for
/// numbers, the raw bytes for binaries) in first-seen order, found by an open-addressing hash table.
/// Allocation-free per lookup; reused across row groups with <see cref="Clear"/>. Not thread-safe.
/// </summary>
public sealed class ValueDictionary : IDisposable
{
    private int[] _slots = new int[1024];
    private int _mask = 1023;
    private int[] _offsets = new int[256];
    private int[] _hashes = new int[256];
    private readonly GrowableBuffer _data = new(16 * 1024);

    public int Count { get; private set; }

    /// <summary>Bytes of all distinct values (without length prefixes).</summary>
    public int DataBytes => _data.Length;

    public void Clear()
    {
        Array.Clear(_slots);
        Count = 0;
        _data.Clear();
    }

    /// <summary>Cuts the dictionary back to its first <paramref name="count"/> entries.</summary>
    public void Truncate(int count)
    {
        if (count == Count)
        {
            return;
        }
        _data.Truncate(_offsets[count]);
        Count = count;
        Array.Clear(_slots);
        for (var i = 0; i < count; i++)
        {
            Place(i, _hashes[i]);
        }
    }

    public ReadOnlySpan<byte> this[int index] => _data.WrittenSpan[_offsets[index]..(index + 1 < Count ? _offsets[index + 1] : _data.Length)];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int GetOrAdd(long value) => GetOrAdd(MemoryMarshal.AsBytes(new ReadOnlySpan<long>(in value)));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int GetOrAdd(ReadOnlySpan<byte> value)
    {
        var hash = Hash(value);
        var slot = hash & _mask;
        while (true)
        {
            var entry = _slots[slot] - 1;
            if (entry < 0)
            {
                break;
            }
            if (_hashes[entry] == hash && this[entry].SequenceEqual(value))
            {
                return entry;
            }
            slot = (slot + 1) & _mask;
        }
        var index = Count;
        if (index == _offsets.Length)
        {
            Array.Resize(ref _offsets, index * 2);
            Array.Resize(ref _hashes, index * 2);
        }
        _offsets[index] = _data.Length;
        _hashes[index] = hash;
        _data.Write(value);
        Count++;
        _slots[slot] = index + 1;
        if (Count * 2 > _slots.Length)
        {
            Rehash();
        }
        return index;
    }

    private void Rehash()
    {
        _slots = new int[_slots.Length * 2];
        _mask = _slots.Length - 1;
        for (var i = 0; i < Count; i++)
        {
            Place(i, _hashes[i]);
        }
    }

    private void Place(int index, int hash)
    {
        var slot = hash & _mask;
        while (_slots[slot] != 0)
        {
            slot = (slot + 1) & _mask;
        }
        _slots[slot] = index + 1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(ReadOnlySpan<byte> value)
    {
        // Multiply-xorshift over 8-byte words (the tail read as a partial word): fast for the short
        // keys dictionaries hold; table sizes are powers of two, so the result is mixed down at the end.
        var hash = 0x9E3779B97F4A7C15UL ^ (ulong)value.Length;
        var i = 0;
        for (; i + 8 <= value.Length; i += 8)
        {
            hash = (hash ^ MemoryMarshal.Read<ulong>(value[i..])) * 0xBF58476D1CE4E5B9UL;
            hash ^= hash >> 31;
        }
        if (i < value.Length)
        {
            ulong tail = 0;
            for (var shift = 0; i < value.Length; i++, shift += 8)
            {
                tail |= (ulong)value[i] << shift;
            }
            hash = (hash ^ tail) * 0x94D049BB133111EBUL;
            hash ^= hash >> 29;
        }
        hash *= 0x9E3779B97F4A7C15UL;
        return (int)(hash >> 32) ^ (int)hash;
    }

    public void Dispose() => _data.Dispose();
}
