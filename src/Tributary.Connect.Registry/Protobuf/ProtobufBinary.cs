using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using ConnectDecimal = Tributary.Connect.Data.Decimal;

namespace Tributary.Connect.Registry.Protobuf;

/// <summary>
/// The protobuf binary encoding of Connect values, driven by a compiled <see cref="ProtobufMessagePlan"/> over
/// Google.Protobuf's <see cref="CodedOutputStream"/> and <see cref="CodedInputStream"/> (no descriptors or reflection per
/// record). Writing is two passes, as protobuf's own serializers do: the first computes every nested message's length
/// in pre-order into a list, the second writes with those lengths. Fields are written in plan order; proto3 scalars
/// without presence are skipped when they hold their default; repeated scalars are packed when the plan says so.
/// Reading accepts packed and unpacked repeated scalars and skips unknown fields. Thread-safe (stateless).
/// </summary>
internal static class ProtobufBinary
{
    // ---------------------------------------------------------------- writing

    /// <summary>The encoded length of a message value; nested lengths are appended to <paramref name="sizes"/> in pre-order.</summary>
    public static int Size(ProtobufMessagePlan plan, Struct value, List<int> sizes)
    {
        var total = 0;
        foreach (var field in plan.Fields)
        {
            var fieldValue = value.Get(field.Connect);
            if (fieldValue is null)
            {
                continue;
            }
            if (field.Kind == ProtobufKind.Oneof)
            {
                if (SetMember(field, fieldValue) is ({ } member, { } memberValue))
                {
                    total += TagSize(member.Number) + ValueSize(member, memberValue, sizes);
                }
                continue;
            }
            if (field.Repeated && field.Kind != ProtobufKind.Map)
            {
                var list = (IList)fieldValue;
                if (list.Count == 0)
                {
                    continue;
                }
                if (field.Packed)
                {
                    var length = 0;
                    foreach (var element in list)
                    {
                        length += ScalarSize(field, element!);
                    }
                    sizes.Add(length);
                    total += TagSize(field.Number) + CodedOutputStream.ComputeLengthSize(length) + length;
                    continue;
                }
                foreach (var element in list)
                {
                    total += TagSize(field.Number) + ValueSize(field, element, sizes);
                }
                continue;
            }
            if (field.Kind == ProtobufKind.Map)
            {
                foreach (DictionaryEntry entry in (IDictionary)fieldValue)
                {
                    var slot = Reserve(sizes);
                    var length = TagSize(1) + ValueSize(field.Key!, entry.Key, sizes);
                    if (entry.Value is not null)
                    {
                        length += TagSize(2) + ValueSize(field.Value!, entry.Value, sizes);
                    }
                    sizes[slot] = length;
                    total += TagSize(field.Number) + CodedOutputStream.ComputeLengthSize(length) + length;
                }
                continue;
            }
            if (field.SkipDefault && IsDefault(field, fieldValue))
            {
                continue;
            }
            total += TagSize(field.Number) + ValueSize(field, fieldValue, sizes);
        }
        return total;
    }

    public static void Write(CodedOutputStream output, ProtobufMessagePlan plan, Struct value, List<int> sizes, ref int next)
    {
        foreach (var field in plan.Fields)
        {
            var fieldValue = value.Get(field.Connect);
            if (fieldValue is null)
            {
                continue;
            }
            if (field.Kind == ProtobufKind.Oneof)
            {
                if (SetMember(field, fieldValue) is ({ } member, { } memberValue))
                {
                    output.WriteTag(member.Number, WireTypeOf(member));
                    WriteValue(output, member, memberValue, sizes, ref next);
                }
                continue;
            }
            if (field.Repeated && field.Kind != ProtobufKind.Map)
            {
                var list = (IList)fieldValue;
                if (list.Count == 0)
                {
                    continue;
                }
                if (field.Packed)
                {
                    output.WriteTag(field.Number, WireFormat.WireType.LengthDelimited);
                    output.WriteLength(sizes[next++]);
                    foreach (var element in list)
                    {
                        WriteScalar(output, field, element!);
                    }
                    continue;
                }
                foreach (var element in list)
                {
                    output.WriteTag(field.Number, WireTypeOf(field));
                    WriteValue(output, field, element, sizes, ref next);
                }
                continue;
            }
            if (field.Kind == ProtobufKind.Map)
            {
                foreach (DictionaryEntry entry in (IDictionary)fieldValue)
                {
                    output.WriteTag(field.Number, WireFormat.WireType.LengthDelimited);
                    output.WriteLength(sizes[next++]);
                    output.WriteTag(1, WireTypeOf(field.Key!));
                    WriteValue(output, field.Key!, entry.Key, sizes, ref next);
                    if (entry.Value is not null)
                    {
                        output.WriteTag(2, WireTypeOf(field.Value!));
                        WriteValue(output, field.Value!, entry.Value, sizes, ref next);
                    }
                }
                continue;
            }
            if (field.SkipDefault && IsDefault(field, fieldValue))
            {
                continue;
            }
            output.WriteTag(field.Number, WireTypeOf(field));
            WriteValue(output, field, fieldValue, sizes, ref next);
        }
    }

    /// <summary>The member a oneof's union struct sets (its first non-null field, as ProtobufData takes it), or none.</summary>
    private static (ProtobufFieldPlan? Member, object? Value) SetMember(ProtobufFieldPlan oneof, object union)
    {
        var record = union as Struct ?? throw new DataException($"Struct expected for oneof {oneof.OneofName}, got {union.GetType().Name}");
        foreach (var member in oneof.Members)
        {
            if (record.Get(member.Connect) is { } value)
            {
                return (member, value);
            }
        }
        return (null, null);
    }

    private static int Reserve(List<int> sizes)
    {
        sizes.Add(0);
        return sizes.Count - 1;
    }

    private static int TagSize(int number) => CodedOutputStream.ComputeTagSize(number);

    private static WireFormat.WireType WireTypeOf(ProtobufFieldPlan field) => field.Kind switch
    {
        ProtobufKind.Fixed32 or ProtobufKind.SFixed32 or ProtobufKind.Float => WireFormat.WireType.Fixed32,
        ProtobufKind.Fixed64 or ProtobufKind.SFixed64 or ProtobufKind.Double => WireFormat.WireType.Fixed64,
        ProtobufKind.String or ProtobufKind.Bytes or ProtobufKind.Message or ProtobufKind.Map or ProtobufKind.Wrapper
            or ProtobufKind.Decimal or ProtobufKind.Date or ProtobufKind.Time or ProtobufKind.Timestamp => WireFormat.WireType.LengthDelimited,
        _ => WireFormat.WireType.Varint,
    };

    private static bool IsDefault(ProtobufFieldPlan field, object value) => value switch
    {
        string s => s.Length == 0,
        byte[] b => b.Length == 0,
        bool b => !b,
        float f => f == 0 && !float.IsNegative(f),
        double d => d == 0 && !double.IsNegative(d),
        sbyte or short or int or long => Convert.ToInt64(value, CultureInfo.InvariantCulture) == 0,
        _ => false,
    } && field.Kind is not ProtobufKind.Enum;

    /// <summary>A value's encoded length (without its tag); message lengths also go into <paramref name="sizes"/>.</summary>
    private static int ValueSize(ProtobufFieldPlan field, object? value, List<int> sizes)
    {
        switch (field.Kind)
        {
            case ProtobufKind.Message:
                {
                    var slot = Reserve(sizes);
                    var length = Size(field.Message!, (Struct)value!, sizes);
                    sizes[slot] = length;
                    return CodedOutputStream.ComputeLengthSize(length) + length;
                }
            case ProtobufKind.Wrapper or ProtobufKind.Decimal or ProtobufKind.Date or ProtobufKind.Time or ProtobufKind.Timestamp:
                {
                    var length = LogicalSize(field, value!);
                    sizes.Add(length);
                    return CodedOutputStream.ComputeLengthSize(length) + length;
                }
            default:
                return ScalarSize(field, value!);
        }
    }

    private static void WriteValue(CodedOutputStream output, ProtobufFieldPlan field, object? value, List<int> sizes, ref int next)
    {
        switch (field.Kind)
        {
            case ProtobufKind.Message:
                output.WriteLength(sizes[next++]);
                Write(output, field.Message!, (Struct)value!, sizes, ref next);
                return;
            case ProtobufKind.Wrapper or ProtobufKind.Decimal or ProtobufKind.Date or ProtobufKind.Time or ProtobufKind.Timestamp:
                output.WriteLength(sizes[next++]);
                WriteLogical(output, field, value!);
                return;
            default:
                WriteScalar(output, field, value!);
                return;
        }
    }

    private static int ScalarSize(ProtobufFieldPlan field, object value) => field.Kind switch
    {
        ProtobufKind.Int32 => CodedOutputStream.ComputeInt32Size(Convert.ToInt32(value, CultureInfo.InvariantCulture)),
        ProtobufKind.Int64 => CodedOutputStream.ComputeInt64Size(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        ProtobufKind.UInt32 => CodedOutputStream.ComputeUInt32Size(unchecked((uint)Convert.ToInt64(value, CultureInfo.InvariantCulture))),
        ProtobufKind.UInt64 => CodedOutputStream.ComputeUInt64Size(unchecked((ulong)Convert.ToInt64(value, CultureInfo.InvariantCulture))),
        ProtobufKind.SInt32 => CodedOutputStream.ComputeSInt32Size(Convert.ToInt32(value, CultureInfo.InvariantCulture)),
        ProtobufKind.SInt64 => CodedOutputStream.ComputeSInt64Size(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        ProtobufKind.Fixed32 or ProtobufKind.SFixed32 or ProtobufKind.Float => 4,
        ProtobufKind.Fixed64 or ProtobufKind.SFixed64 or ProtobufKind.Double => 8,
        ProtobufKind.Bool => 1,
        ProtobufKind.String => CodedOutputStream.ComputeStringSize((string)value),
        ProtobufKind.Bytes => CodedOutputStream.ComputeLengthSize(((byte[])value).Length) + ((byte[])value).Length,
        ProtobufKind.Enum => CodedOutputStream.ComputeEnumSize(EnumNumber(field, value)),
        _ => throw new InvalidCastException($"{field.Kind} is not a scalar"),
    };

    private static void WriteScalar(CodedOutputStream output, ProtobufFieldPlan field, object value)
    {
        switch (field.Kind)
        {
            case ProtobufKind.Int32: output.WriteInt32(Convert.ToInt32(value, CultureInfo.InvariantCulture)); break;
            case ProtobufKind.Int64: output.WriteInt64(Convert.ToInt64(value, CultureInfo.InvariantCulture)); break;
            case ProtobufKind.UInt32: output.WriteUInt32(unchecked((uint)Convert.ToInt64(value, CultureInfo.InvariantCulture))); break;
            case ProtobufKind.UInt64: output.WriteUInt64(unchecked((ulong)Convert.ToInt64(value, CultureInfo.InvariantCulture))); break;
            case ProtobufKind.SInt32: output.WriteSInt32(Convert.ToInt32(value, CultureInfo.InvariantCulture)); break;
            case ProtobufKind.SInt64: output.WriteSInt64(Convert.ToInt64(value, CultureInfo.InvariantCulture)); break;
            case ProtobufKind.Fixed32: output.WriteFixed32(unchecked((uint)Convert.ToInt64(value, CultureInfo.InvariantCulture))); break;
            case ProtobufKind.SFixed32: output.WriteSFixed32(Convert.ToInt32(value, CultureInfo.InvariantCulture)); break;
            case ProtobufKind.Fixed64: output.WriteFixed64(unchecked((ulong)Convert.ToInt64(value, CultureInfo.InvariantCulture))); break;
            case ProtobufKind.SFixed64: output.WriteSFixed64(Convert.ToInt64(value, CultureInfo.InvariantCulture)); break;
            case ProtobufKind.Float: output.WriteFloat((float)value); break;
            case ProtobufKind.Double: output.WriteDouble((double)value); break;
            case ProtobufKind.Bool: output.WriteBool((bool)value); break;
            case ProtobufKind.String: output.WriteString((string)value); break;
            case ProtobufKind.Bytes: output.WriteBytes(UnsafeByteOperations.UnsafeWrap((byte[])value)); break;
            case ProtobufKind.Enum: output.WriteEnum(EnumNumber(field, value)); break;
            default: throw new InvalidCastException($"{field.Kind} is not a scalar");
        }
    }

    /// <summary>
    /// The number an enum value is written as: a STRING value is a constant's name (or, as reading gives a number the
    /// schema has no constant for, that number in decimal); an INT32 value (<c>int.for.enums</c>) is the number itself.
    /// </summary>
    private static int EnumNumber(ProtobufFieldPlan field, object value)
    {
        if (value is not string name)
        {
            return Convert.ToInt32(value, CultureInfo.InvariantCulture);
        }
        return field.EnumNumbers!.TryGetValue(name, out var number) || int.TryParse(name, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number)
            ? number
            : throw new InvalidCastException($"'{name}' is not a constant of the enum of field {field.Connect.Name}");
    }

    /// <summary>An enum number as its Connect value: the number for an INT32 schema, else the constant's name (the number in decimal when the enum has none).</summary>
    private static object EnumValue(ProtobufFieldPlan field, int number) =>
        field.ConnectType == SchemaType.Int32 ? number
            : field.EnumNames!.TryGetValue(number, out var name) ? name : number.ToString(CultureInfo.InvariantCulture);

    private static int LogicalSize(ProtobufFieldPlan field, object value)
    {
        switch (field.Kind)
        {
            case ProtobufKind.Wrapper:
                return IsDefault(field.Value!, value) ? 0 : TagSize(1) + ScalarSize(field.Value!, value);
            case ProtobufKind.Decimal:
                {
                    var (bytes, precision, scale) = DecimalParts(field, value);
                    return Optional(1, bytes.Length == 0 ? 0 : CodedOutputStream.ComputeLengthSize(bytes.Length) + bytes.Length)
                        + Optional(1, precision == 0 ? 0 : CodedOutputStream.ComputeUInt32Size((uint)precision))
                        + Optional(1, scale == 0 ? 0 : CodedOutputStream.ComputeInt32Size(scale));
                }
            case ProtobufKind.Date:
                {
                    var date = (DateTime)value;
                    return Int32Field(date.Year) + Int32Field(date.Month) + Int32Field(date.Day);
                }
            case ProtobufKind.Time:
                {
                    var time = ((DateTime)value).TimeOfDay;
                    return Int32Field(time.Hours) + Int32Field(time.Minutes) + Int32Field(time.Seconds) + Int32Field(time.Milliseconds * 1_000_000);
                }
            default:
                {
                    var (seconds, nanos) = TimestampParts(value);
                    return (seconds == 0 ? 0 : 1 + CodedOutputStream.ComputeInt64Size(seconds)) + Int32Field(nanos);
                }
        }

        static int Int32Field(int v) => v == 0 ? 0 : 1 + CodedOutputStream.ComputeInt32Size(v);
        static int Optional(int tag, int size) => size == 0 ? 0 : tag + size;
    }

    private static void WriteLogical(CodedOutputStream output, ProtobufFieldPlan field, object value)
    {
        switch (field.Kind)
        {
            case ProtobufKind.Wrapper:
                if (!IsDefault(field.Value!, value))
                {
                    output.WriteTag(1, WireTypeOf(field.Value!));
                    WriteScalar(output, field.Value!, value);
                }
                return;
            case ProtobufKind.Decimal:
                {
                    var (bytes, precision, scale) = DecimalParts(field, value);
                    if (bytes.Length > 0)
                    {
                        output.WriteTag(1, WireFormat.WireType.LengthDelimited);
                        output.WriteBytes(UnsafeByteOperations.UnsafeWrap(bytes));
                    }
                    if (precision != 0)
                    {
                        output.WriteTag(2, WireFormat.WireType.Varint);
                        output.WriteUInt32((uint)precision);
                    }
                    if (scale != 0)
                    {
                        output.WriteTag(3, WireFormat.WireType.Varint);
                        output.WriteInt32(scale);
                    }
                    return;
                }
            case ProtobufKind.Date:
                {
                    var date = (DateTime)value;
                    Int32Field(1, date.Year);
                    Int32Field(2, date.Month);
                    Int32Field(3, date.Day);
                    return;
                }
            case ProtobufKind.Time:
                {
                    var time = ((DateTime)value).TimeOfDay;
                    Int32Field(1, time.Hours);
                    Int32Field(2, time.Minutes);
                    Int32Field(3, time.Seconds);
                    Int32Field(4, time.Milliseconds * 1_000_000);
                    return;
                }
            default:
                {
                    var (seconds, nanos) = TimestampParts(value);
                    if (seconds != 0)
                    {
                        output.WriteTag(1, WireFormat.WireType.Varint);
                        output.WriteInt64(seconds);
                    }
                    Int32Field(2, nanos);
                    return;
                }
        }

        void Int32Field(int number, int v)
        {
            if (v != 0)
            {
                output.WriteTag(number, WireFormat.WireType.Varint);
                output.WriteInt32(v);
            }
        }
    }

    private static (byte[] Bytes, int Precision, int Scale) DecimalParts(ProtobufFieldPlan field, object value)
    {
        var schema = field.ValueSchema;
        var scale = ConnectDecimal.ScaleOf(schema);
        var decimalValue = value is BigDecimal big ? big : (BigDecimal)Convert.ToDecimal(value, CultureInfo.InvariantCulture);
        if (decimalValue.Scale != scale)
        {
            decimalValue = decimalValue.SetScale(scale);
        }
        var precision = schema.Parameters is { } parameters && parameters.TryGetValue(ProtobufData.DecimalPrecision, out var text)
            && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
        return (decimalValue.Unscaled.IsZero ? [] : decimalValue.Unscaled.ToByteArray(isUnsigned: false, isBigEndian: true), precision, scale);
    }

    private static (long Seconds, int Nanos) TimestampParts(object value)
    {
        var millis = Epoch.ToMillis((DateTime)value);
        var seconds = Math.DivRem(millis, 1000, out var remainder);
        if (remainder < 0)
        {
            seconds--;
            remainder += 1000;
        }
        return (seconds, (int)remainder * 1_000_000);
    }

    // ---------------------------------------------------------------- reading

    /// <summary>Reads a message to its end (the stream's end or its pushed limit) into a Struct.</summary>
    public static Struct Read(CodedInputStream input, ProtobufMessagePlan plan)
    {
        var values = new object?[plan.Fields.Length];
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            var number = WireFormat.GetTagFieldNumber(tag);
            if (!plan.ByNumber.TryGetValue(number, out var field))
            {
                input.SkipLastField();
                continue;
            }
            if (field.Oneof is { } oneof)
            {
                // The last member on the wire wins, as protobuf parsers take a oneof.
                values[oneof.Connect.Index] = new Struct(oneof.Connect.Schema).Put(field.Connect, ReadValue(input, field));
                continue;
            }
            var index = field.Connect.Index;
            if (field.Kind == ProtobufKind.Map)
            {
                var map = (IDictionary)(values[index] ??= new Dictionary<object, object?>());
                using var entry = Nested(input);
                object? key = null;
                object? value = null;
                uint entryTag;
                while ((entryTag = entry.ReadTag()) != 0)
                {
                    switch (WireFormat.GetTagFieldNumber(entryTag))
                    {
                        case 1: key = ReadValue(entry, field.Key!); break;
                        case 2: value = ReadValue(entry, field.Value!); break;
                        default: entry.SkipLastField(); break;
                    }
                }
                map[key ?? DefaultOf(field.Key!)!] = value ?? DefaultOf(field.Value!);
                continue;
            }
            if (field.Repeated)
            {
                var list = (IList)(values[index] ??= new List<object?>());
                if (WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited && IsPackable(field.Kind))
                {
                    using var packed = Nested(input);
                    while (!packed.IsAtEnd)
                    {
                        list.Add(ReadValue(packed, field));
                    }
                }
                else
                {
                    list.Add(ReadValue(input, field));
                }
                continue;
            }
            values[index] = ReadValue(input, field);
        }
        var result = new Struct(plan.Connect);
        foreach (var field in plan.Fields)
        {
            var value = values[field.Connect.Index];
            if (value is null)
            {
                value = field.Repeated ? field.Kind == ProtobufKind.Map ? new Dictionary<object, object?>() : new List<object?>()
                    : field.Connect.Schema.IsOptional ? null : DefaultOf(field);
            }
            result.Put(field.Connect, value);
        }
        return result;
    }

    private static bool IsPackable(ProtobufKind kind) => kind is not (ProtobufKind.String or ProtobufKind.Bytes or ProtobufKind.Message
        or ProtobufKind.Map or ProtobufKind.Wrapper or ProtobufKind.Decimal or ProtobufKind.Date or ProtobufKind.Time or ProtobufKind.Timestamp);

    /// <summary>A stream over the next length-delimited value (one copy of its bytes; CodedInputStream keeps its limits internal).</summary>
    private static CodedInputStream Nested(CodedInputStream input)
    {
        var bytes = input.ReadBytes();
        return MemoryMarshal.TryGetArray(bytes.Memory, out var segment)
            ? new CodedInputStream(segment.Array!, segment.Offset, segment.Count)
            : new CodedInputStream(bytes.ToByteArray());
    }

    private static object? ReadValue(CodedInputStream input, ProtobufFieldPlan field)
    {
        switch (field.Kind)
        {
            case ProtobufKind.Int32:
                var int32 = input.ReadInt32();
                return field.ConnectType switch
                {
                    SchemaType.Int8 => (object)checked((sbyte)int32),
                    SchemaType.Int16 => checked((short)int32),
                    _ => int32,
                };
            case ProtobufKind.Int64: return input.ReadInt64();
            case ProtobufKind.UInt32: return (long)input.ReadUInt32();
            case ProtobufKind.UInt64: return unchecked((long)input.ReadUInt64());
            case ProtobufKind.SInt32: return input.ReadSInt32();
            case ProtobufKind.SInt64: return input.ReadSInt64();
            case ProtobufKind.Fixed32: return (long)input.ReadFixed32();
            case ProtobufKind.Fixed64: return unchecked((long)input.ReadFixed64());
            case ProtobufKind.SFixed32: return input.ReadSFixed32();
            case ProtobufKind.SFixed64: return input.ReadSFixed64();
            case ProtobufKind.Float: return input.ReadFloat();
            case ProtobufKind.Double: return input.ReadDouble();
            case ProtobufKind.Bool: return input.ReadBool();
            case ProtobufKind.String: return input.ReadString();
            case ProtobufKind.Bytes: return input.ReadBytes().ToByteArray();
            case ProtobufKind.Enum:
                return EnumValue(field, input.ReadEnum());
            case ProtobufKind.Message:
                {
                    using var nested = Nested(input);
                    return Read(nested, field.Message!);
                }
            default:
                {
                    using var nested = Nested(input);
                    return ReadLogical(nested, field);
                }
        }
    }

    private static object? ReadLogical(CodedInputStream input, ProtobufFieldPlan field)
    {
        long a = 0, b = 0, c = 0, d = 0;
        byte[]? bytes = null;
        object? wrapped = null;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            var number = WireFormat.GetTagFieldNumber(tag);
            if (field.Kind == ProtobufKind.Wrapper)
            {
                if (number == 1)
                {
                    wrapped = ReadValue(input, field.Value!);
                }
                else
                {
                    input.SkipLastField();
                }
                continue;
            }
            if (field.Kind == ProtobufKind.Decimal && number == 1 && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                bytes = input.ReadBytes().ToByteArray();
                continue;
            }
            if (WireFormat.GetTagWireType(tag) != WireFormat.WireType.Varint || number is < 1 or > 4)
            {
                input.SkipLastField();
                continue;
            }
            var v = input.ReadInt64();
            switch (number)
            {
                case 1: a = v; break;
                case 2: b = v; break;
                case 3: c = v; break;
                default: d = v; break;
            }
        }
        switch (field.Kind)
        {
            case ProtobufKind.Wrapper:
                return wrapped ?? DefaultOf(field.Value!);
            case ProtobufKind.Decimal:
                var scale = (int)c;
                var unscaled = bytes is null || bytes.Length == 0 ? BigInteger.Zero : new BigInteger(bytes, isUnsigned: false, isBigEndian: true);
                var value = new BigDecimal(unscaled, scale);
                var expected = ConnectDecimal.ScaleOf(field.ValueSchema);
                return value.Scale == expected ? value : value.SetScale(expected);
            case ProtobufKind.Date:
                try
                {
                    return new DateTime((int)a, (int)b, (int)c, 0, 0, 0, DateTimeKind.Utc);
                }
                catch (ArgumentOutOfRangeException e)
                {
                    throw new DataException($"google.type.Date {a}-{b}-{c} is not a date", e);
                }
            case ProtobufKind.Time:
                return DateTime.UnixEpoch.AddHours(a).AddMinutes(b).AddSeconds(c).AddMilliseconds(d / 1_000_000);
            default:
                return Epoch.FromMillis(checked((a * 1000) + (b / 1_000_000)));
        }
    }

    /// <summary>The value a missing proto3 field reads as.</summary>
    private static object? DefaultOf(ProtobufFieldPlan field) => field.Kind switch
    {
        ProtobufKind.Int32 => field.ConnectType switch { SchemaType.Int8 => (object)(sbyte)0, SchemaType.Int16 => (short)0, _ => 0 },
        ProtobufKind.SInt32 or ProtobufKind.SFixed32 => 0,
        ProtobufKind.Int64 or ProtobufKind.UInt32 or ProtobufKind.UInt64 or ProtobufKind.SInt64 or ProtobufKind.Fixed32
            or ProtobufKind.Fixed64 or ProtobufKind.SFixed64 => 0L,
        ProtobufKind.Float => 0f,
        ProtobufKind.Double => 0d,
        ProtobufKind.Bool => false,
        ProtobufKind.String => "",
        ProtobufKind.Bytes => Array.Empty<byte>(),
        // proto3's default is the constant numbered 0 (declared first); proto2's the first declared.
        ProtobufKind.Enum => EnumValue(field, field.EnumNames!.ContainsKey(0) ? 0 : field.EnumNames.Keys.First()),
        _ => null,
    };
}
