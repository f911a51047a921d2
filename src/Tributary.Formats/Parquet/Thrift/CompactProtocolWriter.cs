using System.Buffers;
using System.Buffers.Binary;


namespace Tributary.Formats.Parquet.Thrift;

/// <summary>
/// Writes Thrift compact-protocol structs (the encoding of Parquet's footer and page headers) into a
/// buffer writer. Field headers carry the id as a delta from the previous field of the same struct when
/// it is 1..15, otherwise the full zigzag id; integers are zigzag varints; booleans live in the field
/// header's type nibble. Call <see cref="BeginStruct"/> / <see cref="EndStruct"/> around every struct
/// (including the outermost) so the field-id deltas are tracked per nesting level.
/// Not thread-safe; one writer per encoded message.
/// </summary>
public sealed class CompactProtocolWriter
{
    private readonly IBufferWriter<byte> _output;
    private readonly Stack<short> _lastFieldIds = new();
    private short _lastFieldId;

    public CompactProtocolWriter(IBufferWriter<byte> output) => _output = output;

    public void BeginStruct()
    {
        _lastFieldIds.Push(_lastFieldId);
        _lastFieldId = 0;
    }

    /// <summary>Writes the stop byte that ends the current struct.</summary>
    public void EndStruct()
    {
        WriteByte(0);
        _lastFieldId = _lastFieldIds.Pop();
    }

    public void WriteFieldHeader(short fieldId, CompactType type)
    {
        var delta = fieldId - _lastFieldId;
        if (delta > 0 && delta <= 15)
        {
            WriteByte((byte)((delta << 4) | (byte)type));
        }
        else
        {
            WriteByte((byte)type);
            WriteVarint(ZigZag(fieldId));
        }
        _lastFieldId = fieldId;
    }

    public void WriteBoolField(short fieldId, bool value) =>
        WriteFieldHeader(fieldId, value ? CompactType.BooleanTrue : CompactType.BooleanFalse);

    public void WriteByteField(short fieldId, sbyte value)
    {
        WriteFieldHeader(fieldId, CompactType.Byte);
        WriteByte((byte)value);
    }

    public void WriteI32Field(short fieldId, int value)
    {
        WriteFieldHeader(fieldId, CompactType.I32);
        WriteVarint(ZigZag(value));
    }

    public void WriteI64Field(short fieldId, long value)
    {
        WriteFieldHeader(fieldId, CompactType.I64);
        WriteVarint(ZigZag(value));
    }

    public void WriteBinaryField(short fieldId, ReadOnlySpan<byte> value)
    {
        WriteFieldHeader(fieldId, CompactType.Binary);
        WriteBinary(value);
    }

    public void WriteStringField(short fieldId, string value)
    {
        WriteFieldHeader(fieldId, CompactType.Binary);
        WriteString(value);
    }

    /// <summary>Begins a struct-valued field; follow with the struct's fields and <see cref="EndStruct"/>.</summary>
    public void BeginStructField(short fieldId)
    {
        WriteFieldHeader(fieldId, CompactType.Struct);
        BeginStruct();
    }

    /// <summary>Begins a list-valued field; follow with <paramref name="count"/> elements of <paramref name="elementType"/>.</summary>
    public void BeginListField(short fieldId, CompactType elementType, int count)
    {
        WriteFieldHeader(fieldId, CompactType.List);
        WriteListHeader(elementType, count);
    }

    public void WriteListHeader(CompactType elementType, int count)
    {
        if (count < 15)
        {
            WriteByte((byte)((count << 4) | (byte)elementType));
        }
        else
        {
            WriteByte((byte)(0xF0 | (byte)elementType));
            WriteVarint((ulong)count);
        }
    }

    public void WriteI32(int value) => WriteVarint(ZigZag(value));

    public void WriteBinary(ReadOnlySpan<byte> value)
    {
        WriteVarint((ulong)value.Length);
        _output.Write(value);
    }

    public void WriteString(string value)
    {
        var length = System.Text.Encoding.UTF8.GetByteCount(value);
        WriteVarint((ulong)length);
        var span = _output.GetSpan(length);
        System.Text.Encoding.UTF8.GetBytes(value, span);
        _output.Advance(length);
    }

    private void WriteByte(byte value)
    {
        _output.GetSpan(1)[0] = value;
        _output.Advance(1);
    }

    private void WriteVarint(ulong value)
    {
        var span = _output.GetSpan(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[i++] = (byte)value;
        _output.Advance(i);
    }

    private static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    internal static void WriteInt32LittleEndian(IBufferWriter<byte> output, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(output.GetSpan(4), value);
        output.Advance(4);
    }
}
