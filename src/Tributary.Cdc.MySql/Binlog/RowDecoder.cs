using System.Numerics;
using System.Text;
using Tributary.Cdc.MySql.Protocol;
using Tributary.Connect.Data;

namespace Tributary.Cdc.MySql.Binlog;

/// <summary>What a rows event did.</summary>
public enum RowsKind
{
    Write,
    Update,
    Delete,
}

/// <summary>One row of a rows event: <see cref="Before"/> for updates and deletes, <see cref="After"/> for writes and updates.</summary>
public readonly record struct RowChange(object?[]? Before, object?[]? After);

/// <summary>A decoded WRITE/UPDATE/DELETE_ROWS event (v1 or v2).</summary>
public sealed record RowsEvent(ulong TableId, RowsKind Kind, IReadOnlyList<RowChange> Rows);

/// <summary>
/// Decodes the rows of WRITE/UPDATE/DELETE_ROWS events into raw column values (MySQL's binlog row format, "Rows
/// events" and the per-type packing in the server's field classes). Raw values, which
/// <see cref="Values.ColumnConverter"/> turns into Debezium's representation:
/// integers as <see cref="long"/> read signed at their width (the converter applies UNSIGNED); FLOAT as float, DOUBLE as double;
/// DECIMAL as <see cref="BigDecimal"/>; YEAR as int; DATE and DATETIME as <see cref="DateTime"/> (null for zero dates);
/// TIMESTAMP as <see cref="DateTimeOffset"/> (UTC); TIME as <see cref="TimeSpan"/>; CHAR/VARCHAR/TEXT/BLOB/BINARY as
/// <see cref="byte"/>[] (the converter decodes text by the column's charset); ENUM as its 1-based index (int); SET as its
/// bitmask (long); BIT as big-endian bytes. Stateless; thread-safe.
/// </summary>
public static class RowDecoder
{
    private static readonly int[] DigitsToBytes = [0, 1, 1, 2, 2, 3, 3, 4, 4, 4];

    internal static RowsEvent Read(ref PacketReader reader, int end, BinlogEventType type, Func<ulong, TableMapEvent?> tables)
    {
        var tableId = reader.ReadUInt48();
        reader.Skip(2);
        var version2 = type is BinlogEventType.WriteRowsV2 or BinlogEventType.UpdateRowsV2 or BinlogEventType.DeleteRowsV2;
        if (version2)
        {
            var extra = reader.ReadUInt16();
            reader.Skip(extra - 2);
        }
        var kind = type switch
        {
            BinlogEventType.WriteRowsV1 or BinlogEventType.WriteRowsV2 => RowsKind.Write,
            BinlogEventType.UpdateRowsV1 or BinlogEventType.UpdateRowsV2 => RowsKind.Update,
            _ => RowsKind.Delete,
        };
        var map = tables(tableId) ?? throw new BinlogProtocolException($"Rows event for table id {tableId} without a preceding TABLE_MAP event");
        var columnCount = (int)reader.ReadLengthEncoded();
        var present = reader.ReadBytes((columnCount + 7) / 8);
        var presentAfter = kind == RowsKind.Update ? reader.ReadBytes((columnCount + 7) / 8) : present;
        var rows = new List<RowChange>();
        while (reader.Position < end)
        {
            var first = ReadRow(ref reader, map, columnCount, present);
            if (kind == RowsKind.Update)
            {
                rows.Add(new RowChange(first, ReadRow(ref reader, map, columnCount, presentAfter)));
            }
            else
            {
                rows.Add(kind == RowsKind.Write ? new RowChange(null, first) : new RowChange(first, null));
            }
        }
        return new RowsEvent(tableId, kind, rows);
    }

    private static object?[] ReadRow(ref PacketReader reader, TableMapEvent map, int columnCount, byte[] present)
    {
        var presentCount = 0;
        for (var i = 0; i < columnCount; i++)
        {
            if (IsSet(present, i))
            {
                presentCount++;
            }
        }
        var nulls = reader.ReadBytes((presentCount + 7) / 8);
        var values = new object?[columnCount];
        var nullIndex = 0;
        for (var i = 0; i < columnCount; i++)
        {
            if (!IsSet(present, i))
            {
                continue;
            }
            if (IsSet(nulls, nullIndex++))
            {
                continue;
            }
            values[i] = ReadValue(ref reader, (MySqlColumnType)map.ColumnTypes[i], map.Metadata[i]);
        }
        return values;
    }

    private static bool IsSet(byte[] bitmap, int index) => (bitmap[index >> 3] & (1 << (index & 7))) != 0;

    private static object? ReadValue(ref PacketReader reader, MySqlColumnType type, int meta)
    {
        if (type == MySqlColumnType.String)
        {
            // STRING's metadata carries the real type (ENUM/SET/STRING) and the length, whose two high bits hide in the type byte.
            var realType = meta >> 8;
            if ((realType & 0x30) != 0x30)
            {
                var length = (meta & 0xFF) | (((realType & 0x30) ^ 0x30) << 4);
                return ReadLengthPrefixed(ref reader, length < 256 ? 1 : 2);
            }
            type = (MySqlColumnType)realType;
            meta &= 0xFF;
            if (type == MySqlColumnType.String)
            {
                return ReadLengthPrefixed(ref reader, meta < 256 ? 1 : 2);
            }
        }
        switch (type)
        {
            case MySqlColumnType.Tiny:
                return (long)(sbyte)reader.ReadByte();
            case MySqlColumnType.Short:
                return (long)(short)reader.ReadUInt16();
            case MySqlColumnType.Int24:
                return (long)((int)(reader.ReadUInt24() << 8) >> 8);
            case MySqlColumnType.Long:
                return (long)(int)reader.ReadUInt32();
            case MySqlColumnType.LongLong:
                return (long)reader.ReadUInt64();
            case MySqlColumnType.Float:
                return BitConverter.Int32BitsToSingle((int)reader.ReadUInt32());
            case MySqlColumnType.Double:
                return BitConverter.Int64BitsToDouble((long)reader.ReadUInt64());
            case MySqlColumnType.Year:
                {
                    var year = reader.ReadByte();
                    return year == 0 ? 0 : year + 1900;
                }
            case MySqlColumnType.NewDecimal:
                return ReadDecimal(ref reader, meta >> 8, meta & 0xFF);
            case MySqlColumnType.Date:
                {
                    var packed = reader.ReadUInt24();
                    return MakeDate((int)(packed >> 9), (int)((packed >> 5) & 0xF), (int)(packed & 0x1F));
                }
            case MySqlColumnType.DateTime2:
                {
                    var packed = (long)reader.ReadBigEndian(5) - 0x8000000000L;
                    var micros = ReadFraction(ref reader, meta);
                    var ymd = packed >> 17;
                    var yearMonth = ymd >> 5;
                    var hms = packed & 0x1FFFF;
                    var date = MakeDate((int)(yearMonth / 13), (int)(yearMonth % 13), (int)(ymd & 0x1F));
                    return date?.Add(new TimeSpan((int)(hms >> 12), (int)((hms >> 6) & 0x3F), (int)(hms & 0x3F))).AddTicks(micros * 10);
                }
            case MySqlColumnType.Timestamp2:
                {
                    var seconds = (long)reader.ReadBigEndian(4);
                    var micros = ReadFraction(ref reader, meta);
                    return DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(micros * 10);
                }
            case MySqlColumnType.Time2:
                return ReadTime2(ref reader, meta);
            case MySqlColumnType.Timestamp:
                return DateTimeOffset.FromUnixTimeSeconds(reader.ReadUInt32());
            case MySqlColumnType.DateTime:
                {
                    var value = (long)reader.ReadUInt64();
                    var date = value / 1000000;
                    var time = value % 1000000;
                    return MakeDate((int)(date / 10000), (int)(date / 100 % 100), (int)(date % 100))
                        ?.Add(new TimeSpan((int)(time / 10000), (int)(time / 100 % 100), (int)(time % 100)));
                }
            case MySqlColumnType.Time:
                {
                    var value = (int)reader.ReadUInt24();
                    return new TimeSpan(value / 10000, value / 100 % 100, value % 100);
                }
            case MySqlColumnType.VarChar:
            case MySqlColumnType.VarString:
                return ReadLengthPrefixed(ref reader, meta < 256 ? 1 : 2);
            case MySqlColumnType.Blob:
            case MySqlColumnType.Geometry:
                return ReadLengthPrefixed(ref reader, meta);
            case MySqlColumnType.Json:
                {
                    // Only MySQL writes type 245, in its binary JSON (MariaDB's JSON columns are text, logged as BLOB).
                    var length = (int)reader.ReadLittleEndian(meta);
                    var json = Values.MySqlJsonBinary.ToJson(reader.Span(length));
                    return json;
                }
            case MySqlColumnType.Enum:
                return (int)reader.ReadLittleEndian(meta);
            case MySqlColumnType.Set:
                return (long)reader.ReadLittleEndian(meta);
            case MySqlColumnType.Bit:
                {
                    var bytes = (meta & 0xFF) + ((meta >> 8) > 0 ? 1 : 0);
                    return reader.ReadBytes(bytes);
                }
            default:
                throw new BinlogProtocolException($"Column type {(int)type} ({type}) is not supported in rows events");
        }
    }

    private static byte[] ReadLengthPrefixed(ref PacketReader reader, int lengthBytes)
    {
        var length = (int)reader.ReadLittleEndian(lengthBytes);
        return reader.ReadBytes(length);
    }

    private static DateTime? MakeDate(int year, int month, int day) =>
        year == 0 || month == 0 || day == 0 ? null : new DateTime(year, month, day, 0, 0, 0, DateTimeKind.Unspecified);

    /// <summary>The fractional seconds of TIME2/DATETIME2/TIMESTAMP2: (fsp+1)/2 big-endian bytes, scaled to microseconds.</summary>
    private static long ReadFraction(ref PacketReader reader, int fsp) => fsp switch
    {
        1 or 2 => (long)reader.ReadBigEndian(1) * 10000,
        3 or 4 => (long)reader.ReadBigEndian(2) * 100,
        5 or 6 => (long)reader.ReadBigEndian(3),
        _ => 0,
    };

    private static TimeSpan ReadTime2(ref PacketReader reader, int fsp)
    {
        // TIME2 packs sign + hours(10) + minutes(6) + seconds(6) in 3 bytes, offset by 0x800000, then the fraction.
        long intPart;
        long fraction = 0;
        switch (fsp)
        {
            case 1 or 2:
                intPart = (long)reader.ReadBigEndian(3) - 0x800000;
                fraction = (sbyte)reader.ReadByte();
                if (intPart < 0 && fraction != 0)
                {
                    intPart++;
                    fraction -= 0x100;
                }
                fraction *= 10000;
                break;
            case 3 or 4:
                intPart = (long)reader.ReadBigEndian(3) - 0x800000;
                fraction = (short)reader.ReadBigEndian(2);
                if (intPart < 0 && fraction != 0)
                {
                    intPart++;
                    fraction -= 0x10000;
                }
                fraction *= 100;
                break;
            case 5 or 6:
                {
                    var packed = (long)reader.ReadBigEndian(6) - 0x800000000000L;
                    intPart = packed >> 24;
                    fraction = packed & 0xFFFFFF;
                    if (intPart < 0 && fraction != 0)
                    {
                        fraction -= 0x1000000;
                    }
                    break;
                }
            default:
                intPart = (long)reader.ReadBigEndian(3) - 0x800000;
                break;
        }
        var negative = intPart < 0 || (intPart == 0 && fraction < 0);
        var magnitude = Math.Abs(intPart);
        var total = new TimeSpan((int)((magnitude >> 12) & 0x3FF), (int)((magnitude >> 6) & 0x3F), (int)(magnitude & 0x3F));
        return negative ? -total + TimeSpan.FromTicks(fraction * 10) : total + TimeSpan.FromTicks(fraction * 10);
    }

    /// <summary>
    /// MySQL's binary DECIMAL: groups of 9 digits in 4 big-endian bytes (a leading/trailing partial group in
    /// 1–4 bytes), the first bit flipped as the sign (set = positive), every byte inverted for negative numbers.
    /// </summary>
    internal static BigDecimal ReadDecimal(ref PacketReader reader, int precision, int scale)
    {
        var integerDigits = precision - scale;
        var fullIntegerGroups = integerDigits / 9;
        var leadingDigits = integerDigits % 9;
        var fullFractionGroups = scale / 9;
        var trailingDigits = scale % 9;
        var size = (fullIntegerGroups * 4) + DigitsToBytes[leadingDigits] + (fullFractionGroups * 4) + DigitsToBytes[trailingDigits];
        var bytes = reader.ReadBytes(size);
        var negative = (bytes[0] & 0x80) == 0;
        bytes[0] ^= 0x80;
        if (negative)
        {
            for (var i = 0; i < bytes.Length; i++)
            {
                bytes[i] ^= 0xFF;
            }
        }
        var position = 0;
        BigInteger unscaled = 0;
        void Take(byte[] source, int byteCount, int digits)
        {
            ulong value = 0;
            for (var i = 0; i < byteCount; i++)
            {
                value = (value << 8) | source[position + i];
            }
            position += byteCount;
            unscaled = (unscaled * BigInteger.Pow(10, digits)) + value;
        }
        if (leadingDigits > 0)
        {
            Take(bytes, DigitsToBytes[leadingDigits], leadingDigits);
        }
        for (var i = 0; i < fullIntegerGroups; i++)
        {
            Take(bytes, 4, 9);
        }
        for (var i = 0; i < fullFractionGroups; i++)
        {
            Take(bytes, 4, 9);
        }
        if (trailingDigits > 0)
        {
            Take(bytes, DigitsToBytes[trailingDigits], trailingDigits);
        }
        return new BigDecimal(negative ? -unscaled : unscaled, scale);
    }

    internal static string DecodeText(byte[] bytes, string? charset) => charset switch
    {
        "latin1" => Encoding.Latin1.GetString(bytes),
        _ => Encoding.UTF8.GetString(bytes),
    };
}
