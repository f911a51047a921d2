using System.Globalization;
using System.Numerics;
using System.Text;
using Tributary.Cdc.MySql.Binlog;
using Tributary.Cdc.MySql.Schema;
using Tributary.Connect.Data;
using ConnectDecimal = Tributary.Connect.Data.Decimal;

namespace Tributary.Cdc.MySql.Values;

/// <summary>The handling modes that change how columns map (Debezium's configuration of the same names).</summary>
public sealed record ValueModes(
    string DecimalHandling = "precise",
    string TimePrecision = "adaptive_time_microseconds",
    string BigintUnsignedHandling = "long",
    string BinaryHandling = "bytes");

/// <summary>
/// One column's Connect schema and value conversion in Debezium's MySQL mapping (BinlogValueConverters; the table in
/// docs "Data type mappings"). It accepts the raw values of both sources: the binlog's (<see cref="RowDecoder"/>) and
/// MySqlConnector's for the snapshot. Immutable; thread-safe.
/// </summary>
public sealed class ColumnConverter : IColumnValues<object>
{
    private readonly Func<object, object?> _convert;

    private ColumnConverter(ColumnDefinition column, Connect.Data.Schema schema, Func<object, object?> convert)
    {
        Column = column;
        Schema = schema;
        _convert = convert;
    }

    public ColumnDefinition Column { get; }

    public Connect.Data.Schema Schema { get; }

    /// <summary>The Connect value of a raw value (null stays null).</summary>
    public object? Convert(object? raw) => raw is null or DBNull ? null : _convert(raw);

    public static ColumnConverter For(ColumnDefinition column, ValueModes modes)
    {
        SchemaBuilder builder;
        Func<object, object?> convert;
        var unsigned = column.Unsigned;
        switch (column.DataType)
        {
            case "bit":
                {
                    var bits = column.Precision ?? 1;
                    if (bits == 1)
                    {
                        builder = SchemaBuilder.Bool();
                        convert = raw => BitsToLittleEndian(raw, 1)[0] != 0;
                    }
                    else
                    {
                        builder = SchemaBuilder.Bytes().Name("io.debezium.data.Bits").Version(1).Parameter("length", bits.ToString(CultureInfo.InvariantCulture));
                        convert = raw => BitsToLittleEndian(raw, (bits + 7) / 8);
                    }
                    break;
                }
            case "tinyint":
                builder = unsigned ? SchemaBuilder.Int16() : SchemaBuilder.Int8();
                convert = unsigned ? raw => (short)(Integer(raw) & 0xFF) : raw => (sbyte)Integer(raw);
                break;
            case "smallint":
                builder = unsigned ? SchemaBuilder.Int32() : SchemaBuilder.Int16();
                convert = unsigned ? raw => (int)(Integer(raw) & 0xFFFF) : raw => (short)Integer(raw);
                break;
            case "mediumint":
                builder = SchemaBuilder.Int32();
                convert = unsigned ? raw => (int)(Integer(raw) & 0xFFFFFF) : raw => (int)Integer(raw);
                break;
            case "int" or "integer":
                builder = unsigned ? SchemaBuilder.Int64() : SchemaBuilder.Int32();
                convert = unsigned ? raw => Integer(raw) & 0xFFFFFFFFL : raw => (int)Integer(raw);
                break;
            case "bigint":
                if (unsigned && modes.BigintUnsignedHandling == "precise")
                {
                    builder = ConnectDecimal.Builder(0).Parameter("connect.decimal.precision", "20");
                    convert = raw => new BigDecimal(new BigInteger(unchecked((ulong)Integer(raw))), 0);
                }
                else
                {
                    builder = SchemaBuilder.Int64();
                    convert = raw => Integer(raw);
                }
                break;
            case "float":
                builder = SchemaBuilder.Float32();
                convert = raw => System.Convert.ToSingle(raw, CultureInfo.InvariantCulture);
                break;
            case "double" or "real":
                builder = SchemaBuilder.Float64();
                convert = raw => System.Convert.ToDouble(raw, CultureInfo.InvariantCulture);
                break;
            case "decimal" or "numeric":
                {
                    var scale = column.Scale ?? 0;
                    switch (modes.DecimalHandling)
                    {
                        case "double":
                            builder = SchemaBuilder.Float64();
                            convert = raw => double.Parse(DecimalOf(raw, scale).ToString(), CultureInfo.InvariantCulture);
                            break;
                        case "string":
                            builder = SchemaBuilder.String();
                            convert = raw => DecimalOf(raw, scale).ToString();
                            break;
                        default:
                            builder = ConnectDecimal.Builder(scale).Parameter("connect.decimal.precision", (column.Precision ?? 10).ToString(CultureInfo.InvariantCulture));
                            convert = raw => DecimalOf(raw, scale);
                            break;
                    }
                    break;
                }
            case "char" or "varchar" or "tinytext" or "text" or "mediumtext" or "longtext":
                builder = SchemaBuilder.String();
                convert = raw => raw as string ?? RowDecoder.DecodeText((byte[])raw, column.Charset);
                break;
            case "json":
                builder = SchemaBuilder.String().Name("io.debezium.data.Json").Version(1);
                convert = raw => raw as string ?? Encoding.UTF8.GetString((byte[])raw);
                break;
            case "binary" or "varbinary" or "tinyblob" or "blob" or "mediumblob" or "longblob":
                (builder, convert) = Binary(modes.BinaryHandling, column);
                break;
            case "enum":
                {
                    var members = column.Members();
                    builder = SchemaBuilder.String().Name("io.debezium.data.Enum").Version(1).Parameter("allowed", string.Join(',', members));
                    convert = raw => raw switch
                    {
                        string text => text,
                        int index => index >= 1 && index <= members.Count ? members[index - 1] : string.Empty,
                        _ => System.Convert.ToString(raw, CultureInfo.InvariantCulture),
                    };
                    break;
                }
            case "set":
                {
                    var members = column.Members();
                    builder = SchemaBuilder.String().Name("io.debezium.data.EnumSet").Version(1).Parameter("allowed", string.Join(',', members));
                    convert = raw => raw switch
                    {
                        string text => text,
                        long mask => string.Join(',', members.Where((_, i) => (mask & (1L << i)) != 0)),
                        _ => System.Convert.ToString(raw, CultureInfo.InvariantCulture),
                    };
                    break;
                }
            case "year":
                builder = SchemaBuilder.Int32().Name("io.debezium.time.Year").Version(1);
                convert = raw => raw is DateTime date ? date.Year : System.Convert.ToInt32(raw, CultureInfo.InvariantCulture);
                break;
            case "date":
                if (modes.TimePrecision == "connect")
                {
                    builder = Connect.Data.Date.Builder();
                    convert = raw => AsDateTime(raw) is { } date ? DateTime.SpecifyKind(date.Date, DateTimeKind.Utc) : null;
                }
                else
                {
                    builder = SchemaBuilder.Int32().Name("io.debezium.time.Date").Version(1);
                    convert = raw => AsDateTime(raw) is { } date ? (int)(date.Date - DateTime.UnixEpoch.Date).TotalDays : null;
                }
                break;
            case "time":
                if (modes.TimePrecision == "connect")
                {
                    builder = Connect.Data.Time.Builder();
                    convert = raw => DateTime.UnixEpoch.Add((TimeSpan)raw);
                }
                else
                {
                    builder = SchemaBuilder.Int64().Name("io.debezium.time.MicroTime").Version(1);
                    convert = raw => ((TimeSpan)raw).Ticks / 10;
                }
                break;
            case "datetime":
                {
                    var precision = column.DatetimePrecision ?? 0;
                    if (modes.TimePrecision == "connect")
                    {
                        builder = Connect.Data.Timestamp.Builder();
                        convert = raw => AsDateTime(raw) is { } value ? DateTime.SpecifyKind(value, DateTimeKind.Utc) : null;
                    }
                    else if (precision <= 3)
                    {
                        builder = SchemaBuilder.Int64().Name("io.debezium.time.Timestamp").Version(1);
                        convert = raw => AsDateTime(raw) is { } value ? (value.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond : null;
                    }
                    else
                    {
                        builder = SchemaBuilder.Int64().Name("io.debezium.time.MicroTimestamp").Version(1);
                        convert = raw => AsDateTime(raw) is { } value ? (value.Ticks - DateTime.UnixEpoch.Ticks) / 10 : null;
                    }
                    break;
                }
            case "timestamp":
                {
                    var precision = column.DatetimePrecision ?? 0;
                    builder = SchemaBuilder.String().Name("io.debezium.time.ZonedTimestamp").Version(1);
                    convert = raw => raw switch
                    {
                        DateTimeOffset instant => ZonedTimestamp(instant.UtcDateTime, precision),
                        _ => AsDateTime(raw) is { } value ? ZonedTimestamp(value, precision) : null,
                    };
                    break;
                }
            default:
                throw new NotSupportedException($"Column {column.Name} has type {column.ColumnType}, which the connector does not map yet");
        }
        if (column.Nullable)
        {
            builder.Optional();
        }
        return new ColumnConverter(column, builder.Build(), convert);
    }

    private static (SchemaBuilder, Func<object, object?>) Binary(string mode, ColumnDefinition column)
    {
        // BINARY(n) arrives from the binlog without its trailing zero bytes; MySQL pads it back to n.
        var padTo = column.DataType == "binary" ? (int)(column.Length ?? 0) : 0;
        byte[] Bytes(object raw)
        {
            var bytes = raw as byte[] ?? Encoding.UTF8.GetBytes(raw.ToString() ?? string.Empty);
            return bytes.Length < padTo ? [.. bytes, .. new byte[padTo - bytes.Length]] : bytes;
        }
        return mode switch
        {
            "base64" => (SchemaBuilder.String(), raw => System.Convert.ToBase64String(Bytes(raw))),
            "base64-url-safe" => (SchemaBuilder.String(), raw => System.Convert.ToBase64String(Bytes(raw)).Replace('+', '-').Replace('/', '_')),
            "hex" => (SchemaBuilder.String(), raw => System.Convert.ToHexStringLower(Bytes(raw))),
            _ => (SchemaBuilder.Bytes(), raw => Bytes(raw)),
        };
    }

    private static long Integer(object raw) => raw switch
    {
        long value => value,
        ulong value => unchecked((long)value),
        bool value => value ? 1 : 0,
        _ => System.Convert.ToInt64(raw, CultureInfo.InvariantCulture),
    };

    private static BigDecimal DecimalOf(object raw, int scale) => raw switch
    {
        BigDecimal value => value.Scale == scale ? value : value.SetScale(scale),
        decimal value => ((BigDecimal)value).SetScale(scale),
        _ => BigDecimal.Parse(System.Convert.ToString(raw, CultureInfo.InvariantCulture)!).SetScale(scale),
    };

    private static DateTime? AsDateTime(object raw) => raw switch
    {
        DateTime value => value,
        DateTimeOffset value => value.UtcDateTime,
        DateOnly value => value.ToDateTime(TimeOnly.MinValue),
        MySqlConnector.MySqlDateTime value => value.IsValidDateTime ? value.GetDateTime() : null,
        _ => null,
    };

    /// <summary>Debezium's ZonedTimestamp text: ISO-8601 in UTC with <c>Z</c>, the fraction padded to the column's precision.</summary>
    private static string ZonedTimestamp(DateTime utc, int precision)
    {
        var text = utc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        if (precision > 0)
        {
            var micros = (utc.Ticks % TimeSpan.TicksPerSecond) / 10;
            text += "." + micros.ToString("D6", CultureInfo.InvariantCulture)[..precision];
        }
        return text + "Z";
    }

    /// <summary>Debezium's Bits value: little-endian bytes. The binlog gives big-endian bytes; MySqlConnector a ulong.</summary>
    private static byte[] BitsToLittleEndian(object raw, int length)
    {
        var result = new byte[length];
        switch (raw)
        {
            case byte[] bigEndian:
                for (var i = 0; i < length && i < bigEndian.Length; i++)
                {
                    result[i] = bigEndian[bigEndian.Length - 1 - i];
                }
                break;
            default:
                var value = System.Convert.ToUInt64(raw, CultureInfo.InvariantCulture);
                for (var i = 0; i < length; i++)
                {
                    result[i] = (byte)(value >> (8 * i));
                }
                break;
        }
        return result;
    }
}
