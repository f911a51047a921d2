using System.Buffers.Binary;

namespace Tributary.Orc.Protobuf;

/// <summary>
/// A writer of protobuf's wire format into a growable buffer, for ORC's metadata messages. Nested messages are written
/// into their own <see cref="ProtoWriter"/> and added with <see cref="WriteMessage"/>. Not thread-safe.
/// </summary>
internal sealed class ProtoWriter
{
    private byte[] _buffer = new byte[64];
    private int _length;

    public int Length => _length;

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public void Clear() => _length = 0;

    public void WriteVarintField(int field, ulong value)
    {
        WriteKey(field, WireType.Varint);
        WriteVarint(value);
    }

    public void WriteSInt64Field(int field, long value)
    {
        WriteKey(field, WireType.Varint);
        WriteVarint((ulong)((value << 1) ^ (value >> 63)));
    }

    public void WriteBoolField(int field, bool value) => WriteVarintField(field, value ? 1UL : 0UL);

    public void WriteDoubleField(int field, double value)
    {
        WriteKey(field, WireType.Fixed64);
        Ensure(8);
        BinaryPrimitives.WriteDoubleLittleEndian(_buffer.AsSpan(_length), value);
        _length += 8;
    }

    public void WriteBytesField(int field, ReadOnlySpan<byte> value)
    {
        WriteKey(field, WireType.LengthDelimited);
        WriteVarint((ulong)value.Length);
        Ensure(value.Length);
        value.CopyTo(_buffer.AsSpan(_length));
        _length += value.Length;
    }

    public void WriteStringField(int field, string value) => WriteBytesField(field, System.Text.Encoding.UTF8.GetBytes(value));

    public void WriteMessage(int field, ProtoWriter message) => WriteBytesField(field, message.Written);

    /// <summary>A packed repeated varint field (proto2 [packed=true] and proto3's default).</summary>
    public void WritePackedVarints(int field, ReadOnlySpan<ulong> values)
    {
        var inner = new ProtoWriter();
        foreach (var v in values)
        {
            inner.WriteVarint(v);
        }
        WriteBytesField(field, inner.Written);
    }

    /// <summary>A packed repeated fixed64 field.</summary>
    public void WritePackedFixed64(int field, ReadOnlySpan<long> values)
    {
        WriteKey(field, WireType.LengthDelimited);
        WriteVarint((ulong)values.Length * 8);
        Ensure(values.Length * 8);
        foreach (var v in values)
        {
            BinaryPrimitives.WriteInt64LittleEndian(_buffer.AsSpan(_length), v);
            _length += 8;
        }
    }

    private void WriteKey(int field, WireType type) => WriteVarint(((ulong)field << 3) | (ulong)type);

    internal void WriteVarint(ulong value)
    {
        Ensure(10);
        while (value >= 0x80)
        {
            _buffer[_length++] = (byte)(value | 0x80);
            value >>= 7;
        }
        _buffer[_length++] = (byte)value;
    }

    private void Ensure(int count)
    {
        if (_buffer.Length - _length < count)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        }
    }
}
