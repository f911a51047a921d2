using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Tributary.Cdc.MySql.Binlog;
using Tributary.Cdc.MySql.Protocol;

namespace Tributary.Cdc.MySql.Values;

/// <summary>
/// MySQL's binary JSON (what a JSON column holds in MySQL's row events; MariaDB's JSON is text) to JSON text, the
/// value of Debezium's <c>io.debezium.data.Json</c>. The format (MySQL's json_binary.h, WL#8132), little-endian:
/// a type byte, then the value. Objects and arrays, small (16-bit) or large (32-bit): element count, byte size, for
/// objects a key entry (key offset, 16-bit key length) per member, a value entry per element (type, then an offset
/// from the container's start or, for literals and 16-bit integers — also 32-bit ones in large containers — the value
/// inline), then keys and values. Literals 0 null / 1 true / 2 false; int16/uint16/int32/uint32/int64/uint64/double;
/// strings as a variable-length size (7 bits a byte, low first) and UTF-8; opaque values as a MySQL column type, a
/// variable-length size and the bytes (DECIMAL as precision, scale and binary decimal; DATE/TIME/DATETIME/TIMESTAMP
/// as MySQL's 8-byte packed time).
/// Output is compact (no spaces), members in stored order; doubles as Java's Double.toString writes them; decimals
/// plain; dates, times and datetimes as quoted MySQL text (<c>"2021-08-16 10:11:12.000000"</c>); other opaque
/// values as MySQL prints them, <c>"base64:type15:…"</c>. Malformed input fails with <see cref="BinlogProtocolException"/>.
/// Thread-safe; reuses one builder per thread.
/// </summary>
public static class MySqlJsonBinary
{
    private const byte SmallObject = 0x00;
    private const byte LargeObject = 0x01;
    private const byte SmallArray = 0x02;
    private const byte LargeArray = 0x03;
    private const byte Literal = 0x04;
    private const byte Int16 = 0x05;
    private const byte UInt16 = 0x06;
    private const byte Int32 = 0x07;
    private const byte UInt32 = 0x08;
    private const byte Int64 = 0x09;
    private const byte UInt64 = 0x0A;
    private const byte Double = 0x0B;
    private const byte String = 0x0C;
    private const byte Opaque = 0x0F;

    /// <summary>Containers nest at most this deep (MySQL's own limit is 100).</summary>
    private const int MaxDepth = 150;

    [ThreadStatic]
    private static StringBuilder? _builder;

    /// <summary>The JSON text of a binary JSON value; an empty value (MySQL writes one for a JSON null from some paths) is <c>null</c>.</summary>
    public static string ToJson(ReadOnlySpan<byte> document)
    {
        if (document.IsEmpty)
        {
            return "null";
        }
        var text = _builder ??= new StringBuilder(256);
        text.Clear();
        try
        {
            AppendValue(text, document[0], document[1..], 0);
        }
        catch (Exception error) when (error is ArgumentOutOfRangeException or IndexOutOfRangeException or ArgumentException)
        {
            throw Malformed("a value runs past the end of the document");
        }
        var json = text.ToString();
        if (text.Capacity > 64 * 1024)
        {
            _builder = null; // keep no huge buffer alive after an outsized document
        }
        return json;
    }

    private static BinlogProtocolException Malformed(string reason) => new($"Malformed MySQL binary JSON: {reason}");

    private static void AppendValue(StringBuilder text, byte type, ReadOnlySpan<byte> value, int depth)
    {
        switch (type)
        {
            case SmallObject or LargeObject or SmallArray or LargeArray:
                AppendContainer(text, value, large: type is LargeObject or LargeArray, isObject: type is SmallObject or LargeObject, depth);
                break;
            case Literal:
                AppendLiteral(text, value[0]);
                break;
            case Int16:
                text.Append(BinaryPrimitives.ReadInt16LittleEndian(value));
                break;
            case UInt16:
                text.Append(BinaryPrimitives.ReadUInt16LittleEndian(value));
                break;
            case Int32:
                text.Append(BinaryPrimitives.ReadInt32LittleEndian(value));
                break;
            case UInt32:
                text.Append(BinaryPrimitives.ReadUInt32LittleEndian(value));
                break;
            case Int64:
                text.Append(BinaryPrimitives.ReadInt64LittleEndian(value));
                break;
            case UInt64:
                text.Append(BinaryPrimitives.ReadUInt64LittleEndian(value));
                break;
            case Double:
                AppendJavaDouble(text, BinaryPrimitives.ReadDoubleLittleEndian(value));
                break;
            case String:
                {
                    var length = ReadVariableLength(value, out var used);
                    AppendString(text, value.Slice(used, length));
                    break;
                }
            case Opaque:
                {
                    var columnType = value[0];
                    var length = ReadVariableLength(value[1..], out var used);
                    AppendOpaque(text, (MySqlColumnType)columnType, value.Slice(1 + used, length));
                    break;
                }
            default:
                throw Malformed($"unknown value type 0x{type:X2}");
        }
    }

    private static void AppendLiteral(StringBuilder text, byte literal) => text.Append(literal switch
    {
        0 => "null",
        1 => "true",
        2 => "false",
        _ => throw Malformed($"unknown literal 0x{literal:X2}"),
    });

    private static void AppendContainer(StringBuilder text, ReadOnlySpan<byte> container, bool large, bool isObject, int depth)
    {
        if (depth >= MaxDepth)
        {
            throw Malformed($"nested deeper than {MaxDepth}");
        }
        var offsetSize = large ? 4 : 2;
        var count = ReadOffset(container, large);
        var size = ReadOffset(container[offsetSize..], large);
        if (size > container.Length || count > size)
        {
            throw Malformed($"a container of {size} bytes and {count} elements in {container.Length} bytes");
        }
        container = container[..(int)size];
        var keyEntrySize = offsetSize + 2;
        var valueEntrySize = 1 + offsetSize;
        var keyEntries = 2 * offsetSize;
        var valueEntries = keyEntries + (isObject ? (int)count * keyEntrySize : 0);
        if (valueEntries + ((long)count * valueEntrySize) > size)
        {
            throw Malformed($"{count} entries do not fit a container of {size} bytes");
        }
        text.Append(isObject ? '{' : '[');
        for (var i = 0; i < (int)count; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }
            if (isObject)
            {
                var keyEntry = container[(keyEntries + (i * keyEntrySize))..];
                var keyOffset = (int)ReadOffset(keyEntry, large);
                var keyLength = BinaryPrimitives.ReadUInt16LittleEndian(keyEntry[offsetSize..]);
                AppendString(text, container.Slice(keyOffset, keyLength));
                text.Append(':');
            }
            var entry = container[(valueEntries + (i * valueEntrySize))..];
            var type = entry[0];
            var field = entry.Slice(1, offsetSize);
            if (IsInlined(type, large))
            {
                AppendValue(text, type, field, depth + 1);
            }
            else
            {
                var offset = ReadOffset(field, large);
                if (offset >= size)
                {
                    throw Malformed($"value offset {offset} outside a container of {size} bytes");
                }
                AppendValue(text, type, container[(int)offset..], depth + 1);
            }
        }
        text.Append(isObject ? '}' : ']');
    }

    private static bool IsInlined(byte type, bool large) =>
        type is Literal or Int16 or UInt16 || (large && type is Int32 or UInt32);

    private static uint ReadOffset(ReadOnlySpan<byte> data, bool large) =>
        large ? BinaryPrimitives.ReadUInt32LittleEndian(data) : BinaryPrimitives.ReadUInt16LittleEndian(data);

    /// <summary>A length in 1–5 bytes, 7 bits each, least significant first, the high bit set on every byte but the last.</summary>
    private static int ReadVariableLength(ReadOnlySpan<byte> data, out int used)
    {
        long length = 0;
        for (used = 0; used < 5; used++)
        {
            var b = data[used];
            length |= (long)(b & 0x7F) << (7 * used);
            if ((b & 0x80) == 0)
            {
                used++;
                if (length > int.MaxValue)
                {
                    break;
                }
                return (int)length;
            }
        }
        throw Malformed("a length of more than 5 bytes or 2 GiB");
    }

    private static void AppendString(StringBuilder text, ReadOnlySpan<byte> utf8)
    {
        text.Append('"');
        Span<char> chars = utf8.Length <= 256 ? stackalloc char[utf8.Length] : new char[utf8.Length];
        var count = Encoding.UTF8.GetChars(utf8, chars);
        foreach (var c in chars[..count])
        {
            switch (c)
            {
                case '"':
                    text.Append("\\\"");
                    break;
                case '\\':
                    text.Append("\\\\");
                    break;
                case '\n':
                    text.Append("\\n");
                    break;
                case '\r':
                    text.Append("\\r");
                    break;
                case '\t':
                    text.Append("\\t");
                    break;
                case '\b':
                    text.Append("\\b");
                    break;
                case '\f':
                    text.Append("\\f");
                    break;
                case < ' ':
                    text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    text.Append(c);
                    break;
            }
        }
        text.Append('"');
    }

    private static void AppendOpaque(StringBuilder text, MySqlColumnType type, ReadOnlySpan<byte> data)
    {
        switch (type)
        {
            case MySqlColumnType.NewDecimal when data.Length >= 2:
                {
                    var bytes = data[2..].ToArray();
                    var reader = new PacketReader(bytes, 0);
                    text.Append(RowDecoder.ReadDecimal(ref reader, data[0], data[1]).ToPlainString());
                    return;
                }
            case MySqlColumnType.Date or MySqlColumnType.NewDate when data.Length >= 8:
                AppendPackedDateTime(text, BinaryPrimitives.ReadInt64LittleEndian(data), withTime: false);
                return;
            case MySqlColumnType.DateTime or MySqlColumnType.Timestamp or MySqlColumnType.DateTime2 or MySqlColumnType.Timestamp2 when data.Length >= 8:
                AppendPackedDateTime(text, BinaryPrimitives.ReadInt64LittleEndian(data), withTime: true);
                return;
            case MySqlColumnType.Time or MySqlColumnType.Time2 when data.Length >= 8:
                AppendPackedTime(text, BinaryPrimitives.ReadInt64LittleEndian(data));
                return;
            default:
                text.Append("\"base64:type").Append((int)type).Append(':').Append(Convert.ToBase64String(data)).Append('"');
                return;
        }
    }

    /// <summary>
    /// MySQL's packed datetime: ((ymd &lt;&lt; 17 | hms) &lt;&lt; 24) + microseconds, with ymd = (year × 13 + month) &lt;&lt; 5 | day and
    /// hms = hour &lt;&lt; 12 | minute &lt;&lt; 6 | second; negated for negative values (never for dates in practice).
    /// </summary>
    private static void AppendPackedDateTime(StringBuilder text, long packed, bool withTime)
    {
        var magnitude = Math.Abs(packed);
        var micros = magnitude & 0xFFFFFF;
        var ymdhms = magnitude >> 24;
        var ymd = ymdhms >> 17;
        var hms = ymdhms & 0x1FFFF;
        var yearMonth = ymd >> 5;
        text.Append('"')
            .Append(CultureInfo.InvariantCulture, $"{yearMonth / 13:D4}-{yearMonth % 13:D2}-{ymd & 0x1F:D2}");
        if (withTime)
        {
            text.Append(CultureInfo.InvariantCulture, $" {hms >> 12:D2}:{(hms >> 6) & 0x3F:D2}:{hms & 0x3F:D2}.{micros:D6}");
        }
        text.Append('"');
    }

    /// <summary>MySQL's packed time: ((hour &lt;&lt; 12 | minute &lt;&lt; 6 | second) &lt;&lt; 24) + microseconds, negated for negative times.</summary>
    private static void AppendPackedTime(StringBuilder text, long packed)
    {
        var magnitude = Math.Abs(packed);
        var micros = magnitude & 0xFFFFFF;
        var hms = magnitude >> 24;
        text.Append('"');
        if (packed < 0)
        {
            text.Append('-');
        }
        text.Append(CultureInfo.InvariantCulture, $"{hms >> 12:D2}:{(hms >> 6) & 0x3F:D2}:{hms & 0x3F:D2}.{micros:D6}").Append('"');
    }

    /// <summary>
    /// Java's Double.toString: the shortest digits that round-trip, plain with at least one fractional digit for
    /// magnitudes in [10⁻³, 10⁷), otherwise d.dddE±n (<c>1.0E7</c>, <c>1.5E-4</c>).
    /// </summary>
    internal static void AppendJavaDouble(StringBuilder text, double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            text.Append(value.ToString(CultureInfo.InvariantCulture) switch { "NaN" => "NaN", var s when s.StartsWith('-') => "-Infinity", _ => "Infinity" });
            return;
        }
        if (value == 0)
        {
            text.Append(double.IsNegative(value) ? "-0.0" : "0.0");
            return;
        }
        var magnitude = Math.Abs(value);
        var shortest = value.ToString("R", CultureInfo.InvariantCulture);
        if (magnitude is >= 1e-3 and < 1e7 && !shortest.Contains('E', StringComparison.Ordinal))
        {
            text.Append(shortest);
            if (!shortest.Contains('.', StringComparison.Ordinal))
            {
                text.Append(".0");
            }
            return;
        }
        // Scientific: take the significant digits and the decimal exponent from the round-trip text.
        var exponentAt = shortest.IndexOf('E', StringComparison.Ordinal);
        var mantissa = exponentAt < 0 ? shortest : shortest[..exponentAt];
        var exponent = exponentAt < 0 ? 0 : int.Parse(shortest[(exponentAt + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var negative = mantissa.StartsWith('-');
        if (negative)
        {
            mantissa = mantissa[1..];
        }
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = point < 0 ? mantissa : mantissa.Remove(point, 1);
        var integerDigits = point < 0 ? mantissa.Length : point;
        var firstSignificant = 0;
        while (firstSignificant < digits.Length - 1 && digits[firstSignificant] == '0')
        {
            firstSignificant++;
        }
        exponent += integerDigits - firstSignificant - 1;
        var significant = digits[firstSignificant..].TrimEnd('0');
        if (significant.Length == 0)
        {
            significant = "0";
        }
        if (negative)
        {
            text.Append('-');
        }
        text.Append(significant[0]).Append('.').Append(significant.Length > 1 ? significant[1..] : "0").Append('E').Append(exponent);
    }
}
