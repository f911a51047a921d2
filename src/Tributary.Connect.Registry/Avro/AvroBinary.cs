using System.Buffers;
using System.Buffers.Binary;
using System.Collections;
using System.Text;
using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using ConnectDecimal = Tributary.Connect.Data.Decimal;

namespace Tributary.Connect.Registry.Avro;

/// <summary>
/// Avro binary encoding (the specification's "Binary Encoding": zig-zag varints, length-prefixed bytes and strings,
/// union branch indexes, blocked arrays and maps) of Connect values, driven by an <see cref="AvroPlan"/>. Writes into
/// the caller's buffer; the only allocations are those the Connect values themselves require. Thread-safe (stateless).
/// </summary>
internal static class AvroBinary
{
    public static void Write(ArrayBufferWriter<byte> output, AvroPlan plan, object? value)
    {
        if (plan.NullBranch >= 0)
        {
            if (value is null)
            {
                WriteLong(output, plan.NullBranch);
                return;
            }
            WriteLong(output, 1 - plan.NullBranch);
        }
        else if (value is null)
        {
            if (plan.UnionNullBranch >= 0)
            {
                WriteLong(output, plan.UnionNullBranch);
                return;
            }
            throw new DataException($"Conversion error: null value for field that is required and has no default value");
        }
        switch (plan.Kind)
        {
            case AvroKind.Boolean:
                output.GetSpan(1)[0] = (bool)value ? (byte)1 : (byte)0;
                output.Advance(1);
                break;
            case AvroKind.Int:
                WriteLong(output, plan.Logical switch
                {
                    ConnectLogical.Int8 => (sbyte)value,
                    ConnectLogical.Int16 => (short)value,
                    ConnectLogical.Date => value is DateTime date ? Date.FromLogical(plan.Connect, date) : (int)value,
                    ConnectLogical.Time => value is DateTime time ? Time.FromLogical(plan.Connect, time) : (int)value,
                    _ => (int)value,
                });
                break;
            case AvroKind.Long:
                WriteLong(output, plan.Logical == ConnectLogical.Timestamp && value is DateTime timestamp ? Timestamp.FromLogical(plan.Connect, timestamp) : (long)value);
                break;
            case AvroKind.Float:
                BinaryPrimitives.WriteSingleLittleEndian(output.GetSpan(4), (float)value);
                output.Advance(4);
                break;
            case AvroKind.Double:
                BinaryPrimitives.WriteDoubleLittleEndian(output.GetSpan(8), (double)value);
                output.Advance(8);
                break;
            case AvroKind.Bytes:
                var bytes = plan.Logical == ConnectLogical.Decimal ? ConnectDecimal.FromLogical(plan.Connect, value) : Bytes(value);
                WriteLong(output, bytes.Length);
                output.Write(bytes);
                break;
            case AvroKind.Fixed:
                var fixedBytes = Bytes(value);
                if (fixedBytes.Length != plan.FixedSize)
                {
                    throw new DataException($"Fixed size {plan.FixedSize} expected, got {fixedBytes.Length} bytes");
                }
                output.Write(fixedBytes);
                break;
            case AvroKind.String:
                WriteString(output, (string)value);
                break;
            case AvroKind.Enum:
                var index = Array.IndexOf(plan.Symbols, (string)value);
                if (index < 0)
                {
                    throw new DataException($"'{value}' is not a symbol of the enum ({string.Join(", ", plan.Symbols)})");
                }
                WriteLong(output, index);
                break;
            case AvroKind.Record:
                var record = value as Struct ?? throw new DataException($"Struct expected, got {value.GetType().Name}");
                var fields = plan.Connect.Fields;
                for (var i = 0; i < plan.Fields.Length; i++)
                {
                    Write(output, plan.Fields[i], record.Get(fields[i]));
                }
                break;
            case AvroKind.Union:
                // The union struct's first set field is the branch written (AvroData's rule); none set is the null branch.
                var union = value as Struct ?? throw new DataException($"Struct expected for an Avro union, got {value.GetType().Name}");
                var members = plan.Connect.Fields;
                for (var i = 0; i < plan.Fields.Length; i++)
                {
                    if (union.Get(members[i]) is { } member)
                    {
                        WriteLong(output, plan.FieldBranches[i]);
                        Write(output, plan.Fields[i], member);
                        return;
                    }
                }
                if (plan.UnionNullBranch < 0)
                {
                    throw new DataException("A Connect union struct with no field set, for an Avro union without null");
                }
                WriteLong(output, plan.UnionNullBranch);
                break;
            case AvroKind.Array:
                var list = (IList)value;
                if (list.Count > 0)
                {
                    WriteLong(output, list.Count);
                    foreach (var item in list)
                    {
                        Write(output, plan.Items!, item);
                    }
                }
                WriteLong(output, 0);
                break;
            case AvroKind.Map:
            case AvroKind.MapEntries:
                var map = (IDictionary)value;
                if (map.Count > 0)
                {
                    WriteLong(output, map.Count);
                    foreach (DictionaryEntry entry in map)
                    {
                        if (plan.Kind == AvroKind.Map)
                        {
                            WriteString(output, (string)entry.Key);
                        }
                        else
                        {
                            Write(output, plan.Keys!, entry.Key);
                        }
                        Write(output, plan.Items!, entry.Value);
                    }
                }
                WriteLong(output, 0);
                break;
        }
    }

    private static byte[] Bytes(object value) => value switch
    {
        byte[] array => array,
        ReadOnlyMemory<byte> memory => memory.ToArray(),
        ArraySegment<byte> segment => segment.ToArray(),
        _ => throw new DataException($"Bytes expected, got {value.GetType().Name}"),
    };

    private static void WriteString(ArrayBufferWriter<byte> output, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteLong(output, length);
        Encoding.UTF8.GetBytes(value, output.GetSpan(length));
        output.Advance(length);
    }

    public static void WriteLong(ArrayBufferWriter<byte> output, long value)
    {
        var encoded = (ulong)((value << 1) ^ (value >> 63));
        var span = output.GetSpan(10);
        var i = 0;
        while (encoded >= 0x80)
        {
            span[i++] = (byte)(encoded | 0x80);
            encoded >>= 7;
        }
        span[i++] = (byte)encoded;
        output.Advance(i);
    }

    /// <summary>Decodes one value written with the plan's Avro schema into Connect data; DataException on truncated or malformed input.</summary>
    /// <summary>An Avro int as the Connect value its plan's schema holds (INT8, INT16, Date, Time or INT32).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static object FromInt(AvroPlan plan, int number) => plan.Logical switch
    {
        ConnectLogical.Int8 => checked((sbyte)number),
        ConnectLogical.Int16 => checked((short)number),
        ConnectLogical.Date => Date.ToLogical(plan.Connect, number),
        ConnectLogical.Time => Time.ToLogical(plan.Connect, number),
        _ => number,
    };

    /// <summary>An Avro long as the Connect value its plan's schema holds (Timestamp or INT64).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static object FromLong(AvroPlan plan, long wide) =>
        plan.Logical == ConnectLogical.Timestamp ? Timestamp.ToLogical(plan.Connect, wide) : wide;

    public static object? Read(ref AvroReader input, AvroPlan plan)
    {
        if (plan.NullBranch >= 0)
        {
            var branch = input.ReadLong();
            if (branch == plan.NullBranch)
            {
                return null;
            }
            if (branch != 1 - plan.NullBranch)
            {
                throw new DataException($"Union branch {branch} out of range");
            }
        }
        switch (plan.Kind)
        {
            case AvroKind.Boolean:
                return input.ReadByte() != 0;
            case AvroKind.Int:
                return FromInt(plan, checked((int)input.ReadLong()));
            case AvroKind.Long:
                return FromLong(plan, input.ReadLong());
            case AvroKind.Float:
                return BinaryPrimitives.ReadSingleLittleEndian(input.ReadSpan(4));
            case AvroKind.Double:
                return BinaryPrimitives.ReadDoubleLittleEndian(input.ReadSpan(8));
            case AvroKind.Bytes:
                var bytes = input.ReadSpan(input.ReadLength());
                return plan.Logical == ConnectLogical.Decimal ? ConnectDecimal.ToLogical(plan.Connect, bytes) : bytes.ToArray();
            case AvroKind.Fixed:
                return input.ReadSpan(plan.FixedSize).ToArray();
            case AvroKind.String:
                return Encoding.UTF8.GetString(input.ReadSpan(input.ReadLength()));
            case AvroKind.Enum:
                var symbol = input.ReadLong();
                return symbol >= 0 && symbol < plan.Symbols.Length ? plan.Symbols[symbol] : throw new DataException($"Enum index {symbol} out of range");
            case AvroKind.Record:
                var record = new Struct(plan.Connect);
                var fields = plan.Connect.Fields;
                for (var i = 0; i < plan.Fields.Length; i++)
                {
                    record.Put(fields[i], Read(ref input, plan.Fields[i]));
                }
                return record;
            case AvroKind.Union:
                var branch = input.ReadLong();
                if (branch < 0 || branch >= plan.BranchFields.Length)
                {
                    throw new DataException($"Union branch {branch} out of range");
                }
                var field = plan.BranchFields[branch];
                if (field < 0)
                {
                    return null;
                }
                var union = new Struct(plan.Connect);
                union.Put(plan.Connect.Fields[field], Read(ref input, plan.Fields[field]));
                return union;
            case AvroKind.Array:
                var list = new List<object?>();
                for (var count = input.ReadBlockCount(); count != 0; count = input.ReadBlockCount())
                {
                    for (var i = 0L; i < count; i++)
                    {
                        list.Add(Read(ref input, plan.Items!));
                    }
                }
                return list;
            default:
                var map = new Dictionary<object, object?>();
                for (var count = input.ReadBlockCount(); count != 0; count = input.ReadBlockCount())
                {
                    for (var i = 0L; i < count; i++)
                    {
                        var key = plan.Kind == AvroKind.Map ? Encoding.UTF8.GetString(input.ReadSpan(input.ReadLength())) : Read(ref input, plan.Keys!) ?? throw new DataException("Null map key");
                        map[key] = Read(ref input, plan.Items!);
                    }
                }
                return map;
        }
    }
}

/// <summary>A cursor over Avro binary; every read checks the remaining length (DataException when short).</summary>
internal ref struct AvroReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly int Remaining => _data.Length - _position;

    public byte ReadByte() => _position < _data.Length ? _data[_position++] : throw Truncated();

    public long ReadLong()
    {
        ulong result = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            var b = ReadByte();
            result |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                return (long)(result >> 1) ^ -(long)(result & 1);
            }
        }
        throw new DataException("Invalid Avro varint (more than 10 bytes)");
    }

    public int ReadLength()
    {
        var length = ReadLong();
        return length >= 0 && length <= Remaining ? (int)length : throw new DataException($"Invalid Avro length {length} with {Remaining} bytes left");
    }

    /// <summary>An array or map block's item count; a negative count is followed by the block's byte size, which is skipped.</summary>
    public long ReadBlockCount()
    {
        var count = ReadLong();
        if (count < 0)
        {
            _ = ReadLong();
            count = -count;
        }
        return count <= Remaining || count == 0 ? count : throw new DataException($"Invalid Avro block count {count}");
    }

    public ReadOnlySpan<byte> ReadSpan(int length)
    {
        if (length > Remaining)
        {
            throw Truncated();
        }
        var span = _data.Slice(_position, length);
        _position += length;
        return span;
    }

    private readonly DataException Truncated() => new("Avro data truncated");
}
