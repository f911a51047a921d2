using System.Collections;
using System.Numerics;

using Tributary.Formats.Parquet.Metadata;
using Tributary.Formats.Parquet.Schema;

namespace Tributary.Formats.Parquet.Writer;

/// <summary>
/// Turns rows of .NET values into column entries (Dremel shredding: each leaf receives a repetition
/// level, a definition level and, when defined, a value). Accepted values per column:
/// BOOLEAN bool; INT32/INT64 any integer type in range; FLOAT/DOUBLE any number; STRING/JSON string
/// (or UTF-8 bytes); BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY byte[]; DATE DateOnly or DateTime;
/// TIMESTAMP DateTime, DateTimeOffset or a long count of the column's unit since the epoch;
/// DECIMAL decimal (or an integer); UUID Guid; structs IReadOnlyDictionary&lt;string, object?&gt;;
/// LIST any IEnumerable; MAP an IDictionary or a sequence of KeyValuePair&lt;object, object?&gt;.
/// Not thread-safe; owned by a <see cref="ParquetWriter"/>.
/// </summary>
internal sealed class RowShredder
{
    private readonly ParquetSchema _schema;
    private readonly ColumnWriter[] _columns;

    public RowShredder(ParquetSchema schema, ColumnWriter[] columns)
    {
        _schema = schema;
        _columns = columns;
    }

    public void Write(IReadOnlyDictionary<string, object?> row) => WriteStruct(_schema.Root, row, 0, 0);

    private void WriteField(SchemaNode node, object? value, int repetition, int parentDefinition)
    {
        if (value is null)
        {
            if (node.Repetition == Repetition.Required)
            {
                throw new ParquetFormatException($"Field '{node.Path}' is required but the value is missing or null.");
            }
            WriteNulls(node, repetition, parentDefinition);
            return;
        }
        if (node.IsRepeated)
        {
            if (value is not IEnumerable items || value is string or byte[])
            {
                throw new ParquetFormatException($"Field '{node.Path}' is repeated and needs a sequence, got {value.GetType().Name}.");
            }
            var first = true;
            foreach (var item in items)
            {
                if (item is null)
                {
                    throw new ParquetFormatException($"Field '{node.Path}' is repeated and cannot hold a null element.");
                }
                WriteValue(node, item, first ? repetition : node.RepetitionLevel);
                first = false;
            }
            if (first)
            {
                WriteNulls(node, repetition, parentDefinition);
            }
            return;
        }
        WriteValue(node, value, repetition);
    }

    private void WriteNulls(SchemaNode node, int repetition, int definition)
    {
        for (var i = node.FirstLeaf; i < node.FirstLeaf + node.LeafCount; i++)
        {
            _columns[i].AddNull(repetition, definition);
        }
    }

    private void WriteValue(SchemaNode node, object value, int repetition)
    {
        switch (node)
        {
            case PrimitiveNode primitive:
                WritePrimitive(primitive, value, repetition);
                break;
            case GroupNode { IsList: true } list:
                {
                    if (value is not IEnumerable items || value is string or byte[] || value is IDictionary)
                    {
                        throw new ParquetFormatException($"Field '{node.Path}' is a LIST and needs a sequence, got {value.GetType().Name}.");
                    }
                    var repeated = (GroupNode)list.Children[0];
                    var element = repeated.Children[0];
                    var first = true;
                    foreach (var item in items)
                    {
                        WriteField(element, item, first ? repetition : repeated.RepetitionLevel, repeated.DefinitionLevel);
                        first = false;
                    }
                    if (first)
                    {
                        WriteNulls(repeated, repetition, list.DefinitionLevel);
                    }
                    break;
                }
            case GroupNode { IsMap: true } map:
                {
                    var keyValue = (GroupNode)map.Children[0];
                    var first = true;
                    foreach (var (key, entryValue) in MapEntries(map, value))
                    {
                        var level = first ? repetition : keyValue.RepetitionLevel;
                        WriteField(keyValue.Children[0], key, level, keyValue.DefinitionLevel);
                        WriteField(keyValue.Children[1], entryValue, level, keyValue.DefinitionLevel);
                        first = false;
                    }
                    if (first)
                    {
                        WriteNulls(keyValue, repetition, map.DefinitionLevel);
                    }
                    break;
                }
            case GroupNode group:
                if (value is not IReadOnlyDictionary<string, object?> fields)
                {
                    throw new ParquetFormatException($"Field '{node.Path}' is a struct and needs an IReadOnlyDictionary<string, object?>, got {value.GetType().Name}.");
                }
                WriteStruct(group, fields, repetition, group.DefinitionLevel);
                break;
        }
    }

    private void WriteStruct(GroupNode group, IReadOnlyDictionary<string, object?> fields, int repetition, int definition)
    {
        var matched = 0;
        foreach (var child in group.Children)
        {
            if (fields.TryGetValue(child.Name, out var childValue))
            {
                matched++;
            }
            WriteField(child, childValue, repetition, definition);
        }
        if (matched != fields.Count)
        {
            foreach (var key in fields.Keys)
            {
                if (!group.Children.Any(c => c.Name == key))
                {
                    var path = group.Path.Length == 0 ? key : group.Path + "." + key;
                    throw new ParquetFormatException($"Field '{path}' is not in the schema.");
                }
            }
        }
    }

    private static IEnumerable<(object? Key, object? Value)> MapEntries(GroupNode map, object value)
    {
        switch (value)
        {
            case IDictionary dictionary:
                foreach (DictionaryEntry entry in dictionary)
                {
                    yield return (entry.Key, entry.Value);
                }
                break;
            case IEnumerable<KeyValuePair<object, object?>> pairs:
                foreach (var pair in pairs)
                {
                    yield return (pair.Key, pair.Value);
                }
                break;
            case IEnumerable<KeyValuePair<string, object?>> stringPairs:
                foreach (var pair in stringPairs)
                {
                    yield return (pair.Key, pair.Value);
                }
                break;
            default:
                throw new ParquetFormatException($"Field '{map.Path}' is a MAP and needs a dictionary or key/value pairs, got {value.GetType().Name}.");
        }
    }

    private void WritePrimitive(PrimitiveNode node, object value, int repetition)
    {
        var column = _columns[node.ColumnIndex];
        try
        {
            switch (node.Type)
            {
                case PhysicalType.Boolean:
                    column.AddLong(repetition, value is bool b ? (b ? 1 : 0) : throw Mismatch(node, value));
                    break;
                case PhysicalType.Int32 or PhysicalType.Int64:
                    column.AddLong(repetition, ValueConversion.ToInt64(node, value));
                    break;
                case PhysicalType.Float or PhysicalType.Double:
                    column.AddDouble(repetition, value switch
                    {
                        double d => d,
                        float f => f,
                        decimal m => (double)m,
                        IConvertible c when value is not (string or bool or char) => c.ToDouble(null),
                        _ => throw Mismatch(node, value),
                    });
                    break;
                case PhysicalType.ByteArray:
                    switch (value)
                    {
                        case string s:
                            column.AddBytes(repetition, System.Text.Encoding.UTF8.GetBytes(s));
                            break;
                        case byte[] bytes:
                            column.AddBytes(repetition, bytes);
                            break;
                        case decimal m when node.LogicalType?.Kind == LogicalTypeKind.Decimal:
                            column.AddBytes(repetition, ValueConversion.DecimalToBigEndian(node, ValueConversion.Unscaled(node, m), 0));
                            break;
                        default:
                            throw Mismatch(node, value);
                    }
                    break;
                case PhysicalType.FixedLenByteArray:
                    {
                        byte[] bytes = value switch
                        {
                            Guid guid when node.LogicalType?.Kind == LogicalTypeKind.Uuid => guid.ToByteArray(bigEndian: true),
                            decimal m when node.LogicalType?.Kind == LogicalTypeKind.Decimal => ValueConversion.DecimalToBigEndian(node, ValueConversion.Unscaled(node, m), node.TypeLength),
                            byte[] raw => raw,
                            _ => throw Mismatch(node, value),
                        };
                        if (bytes.Length != node.TypeLength)
                        {
                            throw new ParquetFormatException($"Field '{node.Path}' needs exactly {node.TypeLength} bytes, got {bytes.Length}.");
                        }
                        column.AddBytes(repetition, bytes);
                        break;
                    }
                default:
                    throw Mismatch(node, value);
            }
        }
        catch (OverflowException e)
        {
            throw new ParquetFormatException($"Field '{node.Path}': value {value} is out of range for {node.Type}.", e);
        }
    }

    internal static ParquetFormatException Mismatch(PrimitiveNode node, object value) =>
        new($"Field '{node.Path}' ({ParquetSchema.PhysicalTypeName(node.Type)}{(node.LogicalType is { } l ? " " + l : "")}) cannot hold a {value.GetType().Name} ({value}).");
}

/// <summary>Conversions from .NET and JSON values to physical values, shared by the shredders.</summary>
public static class ValueConversion
{
    private static readonly DateTime Epoch = new(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static long ToInt64(PrimitiveNode node, object value)
    {
        var logical = node.LogicalType;
        long result = (logical?.Kind, value) switch
        {
            (LogicalTypeKind.Date, DateOnly date) => date.DayNumber - DateOnly.FromDateTime(Epoch).DayNumber,
            (LogicalTypeKind.Date, DateTime dateTime) => DateOnly.FromDateTime(dateTime).DayNumber - DateOnly.FromDateTime(Epoch).DayNumber,
            (LogicalTypeKind.Timestamp, DateTime dateTime) => TimestampFromTicks(logical!, (dateTime.Kind == DateTimeKind.Local ? dateTime.ToUniversalTime() : dateTime).Ticks - Epoch.Ticks),
            (LogicalTypeKind.Timestamp, DateTimeOffset offset) => TimestampFromTicks(logical!, (logical!.IsAdjustedToUtc ? offset.UtcTicks : offset.Ticks) - Epoch.Ticks),
            (LogicalTypeKind.Decimal, decimal m) => (long)Unscaled(node, m),
            (_, ulong u) => unchecked((long)u),
            (_, uint u) => u,
            (_, decimal or double or float or bool or string or char) => throw RowShredder.Mismatch(node, value),
            (_, IConvertible c) => c.ToInt64(null),
            _ => throw RowShredder.Mismatch(node, value),
        };
        CheckRange(node, result, value is ulong);
        return result;
    }

    /// <summary>Throws unless <paramref name="value"/> fits the column's physical and logical integer range.</summary>
    public static void CheckRange(PrimitiveNode node, long value, bool unsignedSource = false)
    {
        if (node.LogicalType is { Kind: LogicalTypeKind.Integer } integer)
        {
            var (min, max) = (integer.BitWidth, integer.IsSigned) switch
            {
                (8, true) => (sbyte.MinValue, sbyte.MaxValue),
                (16, true) => (short.MinValue, short.MaxValue),
                (32, true) => (int.MinValue, int.MaxValue),
                (8, false) => (0L, byte.MaxValue),
                (16, false) => (0L, ushort.MaxValue),
                (32, false) => (0L, uint.MaxValue),
                (64, false) => (unsignedSource ? long.MinValue : 0L, long.MaxValue),
                _ => (long.MinValue, long.MaxValue),
            };
            if (value < min || value > max)
            {
                throw new ParquetFormatException($"Field '{node.Path}': {value} is out of range for {integer}.");
            }
            return;
        }
        if (node.Type == PhysicalType.Int32 && (value < int.MinValue || value > int.MaxValue))
        {
            throw new ParquetFormatException($"Field '{node.Path}': {value} is out of range for INT32.");
        }
    }

    private static long TimestampFromTicks(LogicalType logical, long ticks) => logical.Unit switch
    {
        TimeUnit.Millis => Math.DivRem(ticks, TimeSpan.TicksPerMillisecond) is var (q, r) && r < 0 ? q - 1 : q,
        TimeUnit.Micros => Math.DivRem(ticks, TimeSpan.TicksPerMicrosecond) is var (q, r) && r < 0 ? q - 1 : q,
        _ => checked(ticks * 100),
    };

    /// <summary>The decimal's unscaled integer at the column's scale; throws if it has more fraction digits or too many digits.</summary>
    public static BigInteger Unscaled(PrimitiveNode node, decimal value)
    {
        var logical = node.LogicalType!;
        var scaled = value * Pow10(logical.Scale);
        if (scaled != decimal.Truncate(scaled))
        {
            throw new ParquetFormatException($"Field '{node.Path}': {value} has more than {logical.Scale} fraction digits ({logical}).");
        }
        var unscaled = new BigInteger(scaled);
        CheckPrecision(node, unscaled, value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return unscaled;
    }

    public static void CheckPrecision(PrimitiveNode node, BigInteger unscaled, string text)
    {
        var logical = node.LogicalType!;
        if (BigInteger.Abs(unscaled) >= BigInteger.Pow(10, logical.Precision))
        {
            throw new ParquetFormatException($"Field '{node.Path}': {text} has more than {logical.Precision} digits ({logical}).");
        }
    }

    private static decimal Pow10(int exponent)
    {
        var result = 1m;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10;
        }
        return result;
    }

    /// <summary>Big-endian two's complement bytes of <paramref name="unscaled"/>, sign-extended to <paramref name="length"/> (0: minimal).</summary>
    public static byte[] DecimalToBigEndian(PrimitiveNode node, BigInteger unscaled, int length)
    {
        var minimal = unscaled.ToByteArray(isUnsigned: false, isBigEndian: true);
        if (length == 0)
        {
            return minimal;
        }
        if (minimal.Length > length)
        {
            throw new ParquetFormatException($"Field '{node.Path}': decimal does not fit in {length} bytes.");
        }
        var result = new byte[length];
        if (unscaled.Sign < 0)
        {
            result.AsSpan().Fill(0xFF);
        }
        minimal.CopyTo(result, length - minimal.Length);
        return result;
    }
}
