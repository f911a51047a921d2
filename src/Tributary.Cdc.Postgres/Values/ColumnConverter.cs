using System.Globalization;
using System.Text;
using Tributary.Cdc.Postgres.Schema;
using Tributary.Connect.Data;
using ConnectDecimal = Tributary.Connect.Data.Decimal;

namespace Tributary.Cdc.Postgres.Values;

/// <summary>The handling modes that change how columns map (Debezium's configuration of the same names).</summary>
public sealed record ValueModes(
    string DecimalHandling = "precise",
    string TimePrecision = "adaptive",
    string BinaryHandling = "bytes",
    string IntervalHandling = "numeric",
    string HstoreHandling = "json");

/// <summary>
/// One column's Connect schema and value conversion in Debezium's PostgreSQL mapping (docs "Data type mappings"). Both
/// sources hand it PostgreSQL's text output — pgoutput's text tuples and the snapshot's <c>column::text</c> — read
/// with the session settings the connector sets (<c>DateStyle=ISO</c>, <c>TimeZone=UTC</c>,
/// <c>IntervalStyle=iso_8601</c>, <c>bytea_output=hex</c>), so a value looks the same in <c>r</c> and <c>c</c> events.
/// A null for a NOT NULL column (a key-only before image) becomes the type's zero value, as Debezium's converters fall
/// back to. Returns null from <see cref="For"/> for types Debezium drops (unknown types). Immutable; thread-safe.
/// </summary>
public sealed class ColumnConverter : IColumnValues<string>
{
    /// <summary>Debezium's <c>unavailable.value.placeholder</c> default, for unchanged TOASTed values.</summary>
    public const string UnavailableValue = "__debezium_unavailable_value";

    private static readonly byte[] UnavailableBytes = Encoding.UTF8.GetBytes(UnavailableValue);

    /// <summary>Days per month Debezium's MicroDuration uses for intervals (365.25 / 12).</summary>
    private const double DaysPerMonth = 365.25 / 12.0;

    private readonly Func<string, object?> _convert;
    private readonly object? _fallback;

    private ColumnConverter(ColumnDefinition column, Connect.Data.Schema schema, Func<string, object?> convert, object? fallback)
    {
        Column = column;
        Schema = schema;
        _convert = convert;
        _fallback = fallback;
    }

    public ColumnDefinition Column { get; }

    public Connect.Data.Schema Schema { get; }

    /// <summary>The Connect value of a column's text (null → null, or the zero value for a NOT NULL column).</summary>
    /// <summary>As <see cref="Convert"/>, an unchanged TOASTed value (<see cref="CapturedTable.UnchangedToast"/>) as Debezium's placeholder.</summary>
    object? IColumnValues<string>.Convert(string? raw) => ReferenceEquals(raw, CapturedTable.UnchangedToast) ? Unavailable() : Convert(raw);

    public object? Convert(string? text) => text is null ? (Schema.IsOptional ? null : _fallback) : _convert(text);

    /// <summary>The placeholder for an unchanged TOASTed value (strings and bytes; null for other types).</summary>
    public object? Unavailable() => Schema.Type switch
    {
        SchemaType.String => UnavailableValue,
        SchemaType.Bytes when Schema.Name is null => UnavailableBytes,
        _ => Schema.IsOptional ? null : _fallback,
    };

    public static ColumnConverter? For(ColumnDefinition column, ValueModes modes)
    {
        if (column.IsArray)
        {
            // Elements may be NULL whatever the column's constraint: the element schema is optional.
            var element = Scalar(column with { TypeName = column.ElementTypeName!, TypeKind = column.ElementTypeKind, ElementTypeName = null }, modes, optional: true);
            if (element is null)
            {
                return null;
            }
            var elementSchema = element.Value.Builder.Build();
            var schema = SchemaBuilder.Array(elementSchema);
            if (!column.NotNull)
            {
                schema.Optional();
            }
            var convertElement = element.Value.Convert;
            return new ColumnConverter(column, schema.Build(), text => ArrayText.Parse(text).ConvertAll(e => e is null ? null : convertElement(e)), new List<object?>());
        }
        if (Scalar(column, modes, optional: !column.NotNull) is not { } scalar)
        {
            return null;
        }
        return new ColumnConverter(column, scalar.Builder.Build(), scalar.Convert, scalar.Fallback);
    }

    private readonly record struct Mapping(SchemaBuilder Builder, Func<string, object?> Convert, object? Fallback);

    /// <summary>The column's mapping, its builder already optional when <paramref name="optional"/> (struct values must carry the very schema of their field).</summary>
    private static Mapping? Scalar(ColumnDefinition column, ValueModes modes, bool optional)
    {
        if (Mapped(column, modes, optional) is not { } mapping)
        {
            return null;
        }
        if (optional && mapping.Builder.Type != SchemaType.Struct)
        {
            mapping.Builder.Optional();
        }
        return mapping;
    }

    private static Mapping? Mapped(ColumnDefinition column, ValueModes modes, bool optional)
    {
        if (column.TypeKind == 'e')
        {
            return new(SchemaBuilder.String().Name("io.debezium.data.Enum").Version(1).Parameter("allowed", string.Join(",", column.EnumValues)), text => text, "");
        }
        switch (column.TypeName)
        {
            case "bool":
                return new(SchemaBuilder.Bool(), text => text == "t", false);
            case "int2":
                return new(SchemaBuilder.Int16(), text => short.Parse(text, CultureInfo.InvariantCulture), (short)0);
            case "int4":
                return new(SchemaBuilder.Int32(), text => int.Parse(text, CultureInfo.InvariantCulture), 0);
            case "int8" or "oid":
                return new(SchemaBuilder.Int64(), text => long.Parse(text, CultureInfo.InvariantCulture), 0L);
            case "float4":
                return new(SchemaBuilder.Float32(), text => float.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture), 0f);
            case "float8":
                return new(SchemaBuilder.Float64(), text => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture), 0d);
            case "numeric":
                return Numeric(column.NumericPrecision, column.NumericScale, modes, optional);
            case "money":
                return Numeric(null, 2, modes, optional, money: true);
            case "text" or "varchar" or "bpchar" or "char" or "name" or "citext" or "inet" or "cidr" or "macaddr" or "macaddr8"
                or "int4range" or "int8range" or "numrange" or "tsrange" or "tstzrange" or "daterange" or "tsvector":
                return new(SchemaBuilder.String(), text => text, "");
            case "uuid":
                return new(SchemaBuilder.String().Name("io.debezium.data.Uuid").Version(1), text => text, "");
            case "json" or "jsonb":
                return new(SchemaBuilder.String().Name("io.debezium.data.Json").Version(1), text => text, "");
            case "xml":
                return new(SchemaBuilder.String().Name("io.debezium.data.Xml").Version(1), text => text, "");
            case "ltree":
                return new(SchemaBuilder.String().Name("io.debezium.data.Ltree").Version(1), text => text, "");
            case "bytea":
                return Binary(modes.BinaryHandling);
            case "hstore":
                return modes.HstoreHandling == "map"
                    ? new(SchemaBuilder.Map(SchemaBuilder.String().Build(), SchemaBuilder.String().Optional().Build()), HstoreText.ToMap, new Dictionary<string, object?>())
                    : new(SchemaBuilder.String().Name("io.debezium.data.Json").Version(1), HstoreText.ToJson, "{}");
            case "date":
                return modes.TimePrecision == "connect"
                    ? new(Date.Builder(), text => DateTime.UnixEpoch.AddDays(EpochDays(text)), DateTime.UnixEpoch)
                    : new(SchemaBuilder.Int32().Name("io.debezium.time.Date").Version(1), text => EpochDays(text), 0);
            case "time":
                {
                    if (modes.TimePrecision == "connect")
                    {
                        return new(Time.Builder(), text => DateTime.UnixEpoch.AddTicks(TimeMicros(text) * 10), DateTime.UnixEpoch);
                    }
                    if (modes.TimePrecision == "adaptive" && column.TimePrecision <= 3)
                    {
                        return new(SchemaBuilder.Int32().Name("io.debezium.time.Time").Version(1), text => (int)(TimeMicros(text) / 1000), 0);
                    }
                    return new(SchemaBuilder.Int64().Name("io.debezium.time.MicroTime").Version(1), text => TimeMicros(text), 0L);
                }
            case "timetz":
                return new(SchemaBuilder.String().Name("io.debezium.time.ZonedTime").Version(1), ZonedTime, "");
            case "timestamp":
                {
                    if (modes.TimePrecision == "connect")
                    {
                        return new(Timestamp.Builder(), text => DateTime.UnixEpoch.AddTicks(TimestampMicros(text) * 10), DateTime.UnixEpoch);
                    }
                    if (column.TimePrecision <= 3)
                    {
                        return new(SchemaBuilder.Int64().Name("io.debezium.time.Timestamp").Version(1), text => FloorDiv(TimestampMicros(text), 1000), 0L);
                    }
                    return new(SchemaBuilder.Int64().Name("io.debezium.time.MicroTimestamp").Version(1), TimestampMicrosBoxed, 0L);
                }
            case "timestamptz":
                return new(SchemaBuilder.String().Name("io.debezium.time.ZonedTimestamp").Version(1), ZonedTimestamp, "");
            case "interval":
                return modes.IntervalHandling == "string"
                    ? new(SchemaBuilder.String().Name("io.debezium.time.Interval").Version(1), text => text, "")
                    : new(SchemaBuilder.Int64().Name("io.debezium.time.MicroDuration").Version(1), text => IntervalMicros(text), 0L);
            default:
                return null;
        }
    }

    private static Mapping Numeric(int? precision, int? scale, ValueModes modes, bool optional, bool money = false)
    {
        Func<string, string> clean = money ? text => new string([.. text.Where(c => char.IsAsciiDigit(c) || c is '-' or '.')]) : text => text;
        switch (modes.DecimalHandling)
        {
            case "double":
                return new(SchemaBuilder.Float64(), text => double.Parse(clean(text), NumberStyles.Float, CultureInfo.InvariantCulture), 0d);
            case "string":
                return new(SchemaBuilder.String(), text => clean(text), "");
        }
        if (scale is not { } fixedScale)
        {
            // numeric without a declared scale: Debezium's VariableScaleDecimal {scale, value}.
            var schema = SchemaBuilder.Struct().Name("io.debezium.data.VariableScaleDecimal").Version(1).Doc("Variable scaled decimal")
                .Field("scale", SchemaBuilder.Int32().Build())
                .Field("value", SchemaBuilder.Bytes().Build());
            if (optional)
            {
                schema.Optional();
            }
            var shape = schema.Build();
            return new(schema, text =>
            {
                if (text == "NaN")
                {
                    return null;
                }
                var value = BigDecimal.Parse(text);
                return new Struct(shape).Put("scale", value.Scale).Put("value", value.Unscaled.ToByteArray(isUnsigned: false, isBigEndian: true));
            }, null);
        }
        var builder = ConnectDecimal.Builder(fixedScale);
        if (precision is { } p)
        {
            builder.Parameter("connect.decimal.precision", p.ToString(CultureInfo.InvariantCulture));
        }
        return new(builder, text => text == "NaN" ? null : BigDecimal.Parse(clean(text)).SetScale(fixedScale), BigDecimal.FromLong(0, fixedScale));
    }

    private static Mapping Binary(string mode) => mode switch
    {
        "base64" => new(SchemaBuilder.String(), text => System.Convert.ToBase64String(Hex(text)), ""),
        // java.util.Base64.getUrlEncoder(), which Debezium uses, keeps the padding.
        "base64-url-safe" => new(SchemaBuilder.String(), text => System.Convert.ToBase64String(Hex(text)).Replace('+', '-').Replace('/', '_'), ""),
        "hex" => new(SchemaBuilder.String(), text => text.StartsWith("\\x", StringComparison.Ordinal) ? text[2..] : System.Convert.ToHexStringLower(Hex(text)), ""),
        _ => new(SchemaBuilder.Bytes(), text => Hex(text), Array.Empty<byte>()),
    };

    /// <summary>bytea's hex output (<c>\x0a0b</c>).</summary>
    private static byte[] Hex(string text) =>
        text.StartsWith("\\x", StringComparison.Ordinal) ? System.Convert.FromHexString(text.AsSpan(2)) : Encoding.UTF8.GetBytes(text);

    private static long FloorDiv(long value, long divisor) => value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor);

    private static int EpochDays(string text) =>
        DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture).DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;

    /// <summary><c>HH:mm:ss[.ffffff]</c> as microseconds since midnight (24:00:00 allowed).</summary>
    private static long TimeMicros(ReadOnlySpan<char> text)
    {
        var hours = int.Parse(text[..2], CultureInfo.InvariantCulture);
        var minutes = int.Parse(text[3..5], CultureInfo.InvariantCulture);
        var seconds = int.Parse(text[6..8], CultureInfo.InvariantCulture);
        return ((hours * 60L + minutes) * 60 + seconds) * 1_000_000 + FractionMicros(text[8..]);
    }

    /// <summary><c>.ffffff</c> (1–6 digits, possibly followed by a zone) as microseconds; 0 when absent.</summary>
    private static long FractionMicros(ReadOnlySpan<char> text)
    {
        if (text.Length == 0 || text[0] != '.')
        {
            return 0;
        }
        long micros = 0;
        var digits = 0;
        for (var i = 1; i < text.Length && char.IsAsciiDigit(text[i]); i++, digits++)
        {
            micros = micros * 10 + (text[i] - '0');
        }
        for (; digits < 6; digits++)
        {
            micros *= 10;
        }
        return micros;
    }

    private static object TimestampMicrosBoxed(string text) => TimestampMicros(text);

    /// <summary><c>yyyy-MM-dd HH:mm:ss[.ffffff]</c> (wall clock, taken as UTC) as microseconds since the epoch; ±infinity as Debezium writes them.</summary>
    private static long TimestampMicros(string text)
    {
        if (text == "infinity")
        {
            return 9223372036825200000;
        }
        if (text == "-infinity")
        {
            return -9223372036832400000;
        }
        var date = DateOnly.ParseExact(text.AsSpan(0, 10), "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var days = (long)date.DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;
        return days * 86_400_000_000L + TimeMicros(text.AsSpan(11));
    }

    /// <summary>timestamptz output (<c>2024-01-02 03:04:05.5+00</c>, UTC session) as Debezium's ZonedTimestamp: ISO 8601 in UTC with <c>Z</c>, the fraction without trailing zeros.</summary>
    private static object ZonedTimestamp(string text)
    {
        if (text is "infinity" or "-infinity")
        {
            return text;
        }
        var offsetStart = text.LastIndexOfAny(['+', '-']);
        var local = TimestampMicros(text[..offsetStart]);
        var utc = local - OffsetMicros(text.AsSpan(offsetStart));
        var days = FloorDiv(utc, 86_400_000_000L);
        var timeOfDay = utc - days * 86_400_000_000L;
        var date = DateOnly.FromDayNumber((int)(DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber + days));
        return date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T" + ClockText(timeOfDay) + "Z";
    }

    /// <summary>timetz output (<c>03:04:05+02</c>) as Debezium's ZonedTime: the time in UTC with <c>Z</c>.</summary>
    private static object ZonedTime(string text)
    {
        var offsetStart = text.LastIndexOfAny(['+', '-']);
        var micros = TimeMicros(text.AsSpan(0, offsetStart)) - OffsetMicros(text.AsSpan(offsetStart));
        micros = ((micros % 86_400_000_000L) + 86_400_000_000L) % 86_400_000_000L;
        return ClockText(micros) + "Z";
    }

    /// <summary><c>HH:mm:ss</c> plus the fraction without trailing zeros (java.time's ISO_LOCAL_TIME output, which ZonedTimestamp uses).</summary>
    private static string ClockText(long micros)
    {
        var seconds = micros / 1_000_000;
        var fraction = micros % 1_000_000;
        var clock = $"{seconds / 3600:00}:{seconds / 60 % 60:00}:{seconds % 60:00}";
        if (fraction == 0)
        {
            return clock;
        }
        // ISO_OFFSET_DATE_TIME prints the fraction with as few digits as it needs (appendFraction 0–9).
        return clock + "." + fraction.ToString("000000", CultureInfo.InvariantCulture).TrimEnd('0');
    }

    /// <summary><c>+HH[:mm[:ss]]</c> as microseconds.</summary>
    private static long OffsetMicros(ReadOnlySpan<char> text)
    {
        var sign = text[0] == '-' ? -1 : 1;
        var parts = text[1..].ToString().Split(':');
        long seconds = int.Parse(parts[0], CultureInfo.InvariantCulture) * 3600L;
        if (parts.Length > 1)
        {
            seconds += int.Parse(parts[1], CultureInfo.InvariantCulture) * 60L;
        }
        if (parts.Length > 2)
        {
            seconds += int.Parse(parts[2], CultureInfo.InvariantCulture);
        }
        return sign * seconds * 1_000_000;
    }

    /// <summary>An ISO 8601 interval (<c>IntervalStyle=iso_8601</c>: <c>P1Y2M3DT4H5M6.78S</c>) as Debezium's MicroDuration: months at 365.25/12 days.</summary>
    private static long IntervalMicros(string text)
    {
        double years = 0, months = 0, days = 0, hours = 0, minutes = 0, seconds = 0;
        var inTime = false;
        var number = new StringBuilder();
        foreach (var c in text)
        {
            if (c == 'P')
            {
                continue;
            }
            if (c == 'T')
            {
                inTime = true;
                continue;
            }
            if (char.IsAsciiDigit(c) || c is '-' or '.' or '+')
            {
                number.Append(c);
                continue;
            }
            var value = double.Parse(number.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture);
            number.Clear();
            switch (c)
            {
                case 'Y': years = value; break;
                case 'M' when !inTime: months = value; break;
                case 'W': days += value * 7; break;
                case 'D': days += value; break;
                case 'H': hours = value; break;
                case 'M': minutes = value; break;
                case 'S': seconds = value; break;
            }
        }
        var totalDays = (years * 12 + months) * DaysPerMonth + days;
        return (long)Math.Round((((totalDays * 24 + hours) * 60 + minutes) * 60 + seconds) * 1_000_000);
    }
}
