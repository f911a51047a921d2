

namespace Tributary.Formats.Parquet.Thrift;

/// <summary>
/// Reads Thrift compact-protocol structs from a span. Every malformed input (truncation, an overlong
/// varint, an unknown type id, nesting deeper than <see cref="MaxDepth"/>, a length past the end) throws
/// <see cref="ParquetFormatException"/>; unknown fields are skipped so newer writers' footers still parse.
/// A ref struct: it lives on the stack of the decoding method.
/// </summary>
public ref struct CompactProtocolReader
{
    /// <summary>Deepest struct/list nesting accepted; Parquet's footer needs about 8.</summary>
    public const int MaxDepth = 64;

    private readonly ReadOnlySpan<byte> _data;
    private int _position;
    private short _lastFieldId;
    private int _depth;
    private Span<short> _savedIds;
    private bool _pendingBoolean;

    public CompactProtocolReader(ReadOnlySpan<byte> data, Span<short> fieldIdStack)
    {
        _data = data;
        _position = 0;
        _lastFieldId = 0;
        _depth = 0;
        _savedIds = fieldIdStack;
        _pendingBoolean = false;
    }

    /// <summary>Bytes consumed so far.</summary>
    public readonly int Position => _position;

    public void BeginStruct()
    {
        if (_depth >= _savedIds.Length || _depth >= MaxDepth)
        {
            throw new ParquetFormatException("Thrift struct nesting is too deep.");
        }
        _savedIds[_depth++] = _lastFieldId;
        _lastFieldId = 0;
    }

    public void EndStruct() => _lastFieldId = _savedIds[--_depth];

    /// <summary>Reads the next field header; returns false at the struct's stop byte.</summary>
    public bool ReadFieldHeader(out short fieldId, out CompactType type)
    {
        var header = ReadByte();
        if (header == 0)
        {
            fieldId = 0;
            type = CompactType.Stop;
            return false;
        }
        type = (CompactType)(header & 0x0F);
        var delta = header >> 4;
        fieldId = delta != 0 ? (short)(_lastFieldId + delta) : (short)ReadZigZag32();
        _lastFieldId = fieldId;
        if (type is CompactType.BooleanTrue or CompactType.BooleanFalse)
        {
            _pendingBoolean = type == CompactType.BooleanTrue;
        }
        else if (type > CompactType.Struct)
        {
            throw new ParquetFormatException($"Unknown Thrift compact type {(int)type} in field {fieldId}.");
        }
        return true;
    }

    /// <summary>The value of a boolean field whose header was just read.</summary>
    public readonly bool ReadBool() => _pendingBoolean;

    public sbyte ReadSByte() => (sbyte)ReadByte();

    public int ReadI32()
    {
        var value = ReadZigZag64();
        if (value is < int.MinValue or > int.MaxValue)
        {
            throw new ParquetFormatException("Thrift i32 out of range.");
        }
        return (int)value;
    }

    public long ReadI64() => ReadZigZag64();

    public ReadOnlySpan<byte> ReadBinary()
    {
        var length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
        {
            throw new ParquetFormatException("Thrift binary runs past the end of the data.");
        }
        var result = _data.Slice(_position, (int)length);
        _position += (int)length;
        return result;
    }

    public string ReadString() => System.Text.Encoding.UTF8.GetString(ReadBinary());

    public int ReadListHeader(out CompactType elementType)
    {
        var header = ReadByte();
        elementType = (CompactType)(header & 0x0F);
        var count = header >> 4;
        if (count == 15)
        {
            var longCount = ReadVarint();
            if (longCount > int.MaxValue || longCount > (ulong)(_data.Length - _position))
            {
                throw new ParquetFormatException("Thrift list size is larger than the data.");
            }
            count = (int)longCount;
        }
        return count;
    }

    /// <summary>Skips a value of <paramref name="type"/> (after its field header or as a list element).</summary>
    public void Skip(CompactType type, bool inList = false)
    {
        switch (type)
        {
            case CompactType.BooleanTrue or CompactType.BooleanFalse:
                if (inList)
                {
                    ReadByte();
                }
                break;
            case CompactType.Byte:
                ReadByte();
                break;
            case CompactType.I16 or CompactType.I32 or CompactType.I64:
                ReadVarint();
                break;
            case CompactType.Double:
                Advance(8);
                break;
            case CompactType.Binary:
                ReadBinary();
                break;
            case CompactType.List or CompactType.Set:
                {
                    var count = ReadListHeader(out var elementType);
                    EnterNested();
                    for (var i = 0; i < count; i++)
                    {
                        Skip(elementType, inList: true);
                    }
                    _depth--;
                    break;
                }
            case CompactType.Map:
                {
                    var count = ReadVarint();
                    if (count > (ulong)(_data.Length - _position))
                    {
                        throw new ParquetFormatException("Thrift map size is larger than the data.");
                    }
                    if (count > 0)
                    {
                        var types = ReadByte();
                        EnterNested();
                        for (var i = 0UL; i < count; i++)
                        {
                            Skip((CompactType)(types >> 4), inList: true);
                            Skip((CompactType)(types & 0x0F), inList: true);
                        }
                        _depth--;
                    }
                    break;
                }
            case CompactType.Struct:
                BeginStruct();
                while (ReadFieldHeader(out _, out var fieldType))
                {
                    Skip(fieldType);
                }
                EndStruct();
                break;
            default:
                throw new ParquetFormatException($"Unknown Thrift compact type {(int)type}.");
        }
    }

    private void EnterNested()
    {
        if (++_depth > MaxDepth)
        {
            throw new ParquetFormatException("Thrift nesting is too deep.");
        }
    }

    private void Advance(int count)
    {
        if (count > _data.Length - _position)
        {
            throw new ParquetFormatException("Thrift data is truncated.");
        }
        _position += count;
    }

    private byte ReadByte()
    {
        if (_position >= _data.Length)
        {
            throw new ParquetFormatException("Thrift data is truncated.");
        }
        return _data[_position++];
    }

    private ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            var b = ReadByte();
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }
        throw new ParquetFormatException("Thrift varint is longer than 10 bytes.");
    }

    private long ReadZigZag64()
    {
        var raw = ReadVarint();
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    private int ReadZigZag32() => (int)ReadZigZag64();
}
