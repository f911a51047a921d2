namespace Tributary.Orc.Encodings;

/// <summary>
/// The decompressed bytes of one stream and a read position; running out of bytes is an <see cref="OrcFormatException"/>
/// that names the column and stream. Not thread-safe.
/// </summary>
internal sealed class StreamInput(byte[] data, string name)
{
    private int _position;

    public string Name { get; } = name;

    public bool AtEnd => _position >= data.Length;

    public int Position
    {
        get => _position;
        set => _position = value <= data.Length && value >= 0 ? value : throw new OrcFormatException($"ORC {Name}: a seek position {value} is past the end of the stream ({data.Length} bytes).");
    }

    public int Length => data.Length;

    public byte ReadByte() => _position < data.Length ? data[_position++] : throw Truncated();

    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (count < 0 || count > data.Length - _position)
        {
            throw Truncated();
        }
        var span = data.AsSpan(_position, count);
        _position += count;
        return span;
    }

    public ulong ReadUnsignedVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = ReadByte();
            result |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }
        throw new OrcFormatException($"ORC {Name}: a varint is longer than ten bytes.");
    }

    public long ReadSignedVarint()
    {
        var v = ReadUnsignedVarint();
        return (long)(v >> 1) ^ -(long)(v & 1);
    }

    /// <summary>Decimal's unbounded zigzag varint (up to 128 bits for precision 38).</summary>
    public System.Numerics.BigInteger ReadSignedBigVarint()
    {
        System.Numerics.BigInteger result = System.Numerics.BigInteger.Zero;
        var shift = 0;
        while (true)
        {
            var b = ReadByte();
            result |= (System.Numerics.BigInteger)(b & 0x7f) << shift;
            shift += 7;
            if (b < 0x80)
            {
                break;
            }
            if (shift > 7 * 20)
            {
                throw new OrcFormatException($"ORC {Name}: a decimal varint is longer than 20 bytes.");
            }
        }
        return (result & 1) == 0 ? result >> 1 : -((result + 1) >> 1);
    }

    public OrcFormatException Truncated() => new($"ORC {Name}: the stream ends before all values were read.");

    public OrcFormatException Corrupt(string what) => new($"ORC {Name}: {what}.");
}
