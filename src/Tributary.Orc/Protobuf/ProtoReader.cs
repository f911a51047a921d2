namespace Tributary.Orc.Protobuf;

/// <summary>Protobuf wire types (the low three bits of a field key).</summary>
internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    Fixed32 = 5,
}

/// <summary>
/// A reader of protobuf's wire format over a span, enough for ORC's metadata messages (orc_proto.proto): varints,
/// zigzag, fixed 32/64, length-delimited fields, packed repeated varints. Unknown fields are skipped. Every bound is
/// checked; a malformed message is an <see cref="OrcFormatException"/> naming the message. Hand-written rather than
/// Google.Protobuf: ORC needs about twenty small messages read once per file or stripe, and a generated model would
/// bring a runtime dependency and a code generator for what is a few hundred lines (like the Parquet Thrift code).
/// </summary>
internal ref struct ProtoReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly string _message;
    private int _position;

    public ProtoReader(ReadOnlySpan<byte> data, string message)
    {
        _data = data;
        _message = message;
    }

    public readonly bool End => _position >= _data.Length;

    /// <summary>The next field's number and wire type, or false at the end of the message.</summary>
    public bool TryReadKey(out int field, out WireType type)
    {
        if (End)
        {
            field = 0;
            type = 0;
            return false;
        }
        var key = ReadVarint();
        field = (int)(key >> 3);
        type = (WireType)(key & 7);
        if (field <= 0 || key >> 3 > int.MaxValue)
        {
            throw Malformed($"field number {key >> 3}");
        }
        return true;
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _data.Length)
            {
                throw Malformed("a varint runs past the end");
            }
            var b = _data[_position++];
            result |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }
        throw Malformed("a varint is longer than ten bytes");
    }

    public long ReadInt64() => (long)ReadVarint();

    public long ReadSInt64()
    {
        var v = ReadVarint();
        return (long)(v >> 1) ^ -(long)(v & 1);
    }

    public uint ReadUInt32() => (uint)ReadVarint();

    public bool ReadBool() => ReadVarint() != 0;

    public double ReadDouble()
    {
        Need(8);
        var value = BitConverter.ToDouble(_data.Slice(_position, 8));
        _position += 8;
        return value;
    }

    public ulong ReadFixed64()
    {
        Need(8);
        var value = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(_data.Slice(_position, 8));
        _position += 8;
        return value;
    }

    public ReadOnlySpan<byte> ReadBytes()
    {
        var length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
        {
            throw Malformed($"a field of {length} bytes runs past the end ({_data.Length - _position} left)");
        }
        var span = _data.Slice(_position, (int)length);
        _position += (int)length;
        return span;
    }

    public string ReadString()
    {
        var bytes = ReadBytes();
        try
        {
            return new System.Text.UTF8Encoding(false, true).GetString(bytes);
        }
        catch (ArgumentException)
        {
            throw Malformed("a string field is not valid UTF-8");
        }
    }

    /// <summary>A repeated varint field, packed (length-delimited) or one value per key.</summary>
    public void ReadRepeatedVarint(WireType type, List<ulong> into)
    {
        if (type == WireType.LengthDelimited)
        {
            var inner = new ProtoReader(ReadBytes(), _message);
            while (!inner.End)
            {
                into.Add(inner.ReadVarint());
            }
        }
        else if (type == WireType.Varint)
        {
            into.Add(ReadVarint());
        }
        else
        {
            throw Malformed($"wire type {type} for a repeated integer");
        }
    }

    public void Skip(WireType type)
    {
        switch (type)
        {
            case WireType.Varint:
                ReadVarint();
                break;
            case WireType.Fixed64:
                Need(8);
                _position += 8;
                break;
            case WireType.LengthDelimited:
                ReadBytes();
                break;
            case WireType.Fixed32:
                Need(4);
                _position += 4;
                break;
            default:
                throw Malformed($"wire type {(int)type}");
        }
    }

    public readonly void Expect(WireType actual, WireType expected, int field)
    {
        if (actual != expected)
        {
            throw Malformed($"field {field} has wire type {actual}, expected {expected}");
        }
    }

    private readonly void Need(int count)
    {
        if (_data.Length - _position < count)
        {
            throw Malformed("a fixed-width field runs past the end");
        }
    }

    private readonly OrcFormatException Malformed(string what) => new($"Malformed ORC {_message}: {what}.");
}
