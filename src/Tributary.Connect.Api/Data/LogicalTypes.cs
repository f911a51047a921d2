using System.Globalization;
using System.Numerics;
using Tributary.Connect.Errors;

namespace Tributary.Connect.Data;

/// <summary>
/// Connect's Decimal logical type: BYTES holding the big-endian two's-complement unscaled value, the scale in the
/// schema parameter <c>scale</c>. Values are <see cref="BigDecimal"/> (or <see cref="decimal"/>, accepted on input).
/// </summary>
public static class Decimal
{
    public const string LogicalName = "org.apache.kafka.connect.data.Decimal";
    public const string ScaleField = "scale";

    public static SchemaBuilder Builder(int scale) =>
        SchemaBuilder.Bytes().Name(LogicalName).Parameter(ScaleField, scale.ToString(CultureInfo.InvariantCulture)).Version(1);

    public static Schema Schema(int scale) => Builder(scale).Build();

    /// <summary>The unscaled value's bytes; DataException when the value's scale is not the schema's.</summary>
    public static byte[] FromLogical(Schema schema, object value)
    {
        var number = value is decimal d ? (BigDecimal)d : (BigDecimal)value;
        var scale = ScaleOf(schema);
        if (number.Scale != scale)
        {
            if (value is decimal && number.Scale < scale)
            {
                number = number.SetScale(scale);
            }
            else
            {
                throw new DataException("BigDecimal has mismatching scale value for given Decimal schema");
            }
        }
        return number.Unscaled.ToByteArray(isUnsigned: false, isBigEndian: true);
    }

    public static BigDecimal ToLogical(Schema schema, ReadOnlySpan<byte> value) =>
        new(new BigInteger(value, isUnsigned: false, isBigEndian: true), ScaleOf(schema));

    /// <summary>The schema's <c>scale</c> parameter; DataException when it is missing or not a number.</summary>
    public static int ScaleOf(Schema schema)
    {
        if (schema.Parameters?.TryGetValue(ScaleField, out var text) != true)
        {
            throw new DataException("Invalid Decimal schema: scale parameter not found.");
        }
        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var scale)
            ? scale
            : throw new DataException("Invalid scale parameter found in Decimal schema: " + text);
    }
}

/// <summary>Connect's Date logical type: INT32 days since the Unix epoch; values are <see cref="DateTime"/> at UTC midnight.</summary>
public static class Date
{
    public const string LogicalName = "org.apache.kafka.connect.data.Date";
    private const long MillisPerDay = 24L * 60 * 60 * 1000;

    public static SchemaBuilder Builder() => SchemaBuilder.Int32().Name(LogicalName).Version(1);

    public static Schema Schema { get; } = Builder().Build();

    public static int FromLogical(Schema schema, DateTime value)
    {
        CheckSchema(schema);
        var millis = Epoch.ToMillis(value);
        if (millis % MillisPerDay != 0)
        {
            throw new DataException("Kafka Connect Date type should not have any time fields set to non-zero values.");
        }
        return (int)(millis / MillisPerDay);
    }

    public static DateTime ToLogical(Schema schema, int days)
    {
        CheckSchema(schema);
        return Epoch.FromMillis(days * MillisPerDay);
    }

    private static void CheckSchema(Schema schema)
    {
        if (schema.Name != LogicalName)
        {
            throw new DataException("Requested conversion of Date object but the schema does not match.");
        }
    }
}

/// <summary>Connect's Time logical type: INT32 milliseconds since midnight; values are <see cref="DateTime"/> on 1970-01-01 UTC.</summary>
public static class Time
{
    public const string LogicalName = "org.apache.kafka.connect.data.Time";
    private const long MillisPerDay = 24L * 60 * 60 * 1000;

    public static SchemaBuilder Builder() => SchemaBuilder.Int32().Name(LogicalName).Version(1);

    public static Schema Schema { get; } = Builder().Build();

    public static int FromLogical(Schema schema, DateTime value)
    {
        if (schema.Name != LogicalName)
        {
            throw new DataException("Requested conversion of Time object but the schema does not match.");
        }
        var millis = Epoch.ToMillis(value);
        if (millis < 0 || millis >= MillisPerDay)
        {
            throw new DataException("Kafka Connect Time type should not have any date fields set to non-zero values.");
        }
        return (int)millis;
    }

    public static DateTime ToLogical(Schema schema, int millis)
    {
        if (schema.Name != LogicalName)
        {
            throw new DataException("Requested conversion of Time object but the schema does not match.");
        }
        if (millis < 0 || millis >= MillisPerDay)
        {
            throw new DataException("Time values must use number of milliseconds greater than 0 and less than 86400000");
        }
        return Epoch.FromMillis(millis);
    }
}

/// <summary>Connect's Timestamp logical type: INT64 milliseconds since the Unix epoch; values are UTC <see cref="DateTime"/>s.</summary>
public static class Timestamp
{
    public const string LogicalName = "org.apache.kafka.connect.data.Timestamp";

    public static SchemaBuilder Builder() => SchemaBuilder.Int64().Name(LogicalName).Version(1);

    public static Schema Schema { get; } = Builder().Build();

    public static long FromLogical(Schema schema, DateTime value)
    {
        if (schema.Name != LogicalName)
        {
            throw new DataException("Requested conversion of Timestamp object but the schema does not match.");
        }
        return Epoch.ToMillis(value);
    }

    public static DateTime ToLogical(Schema schema, long millis)
    {
        if (schema.Name != LogicalName)
        {
            throw new DataException("Requested conversion of Timestamp object but the schema does not match.");
        }
        return Epoch.FromMillis(millis);
    }
}

/// <summary>Milliseconds since 1970-01-01T00:00:00Z ⇄ UTC <see cref="DateTime"/> (whole milliseconds, as Java's Date).</summary>
public static class Epoch
{
    public static long ToMillis(DateTime value)
    {
        var utc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value;
        var ticks = utc.Ticks - DateTime.UnixEpoch.Ticks;
        var millis = ticks / TimeSpan.TicksPerMillisecond;
        return ticks < 0 && ticks % TimeSpan.TicksPerMillisecond != 0 ? millis - 1 : millis;
    }

    public static DateTime FromMillis(long millis) => DateTime.UnixEpoch.AddMilliseconds(millis);
}

/// <summary>A value with the schema it was read or written with (a converter's output).</summary>
public readonly record struct SchemaAndValue(Schema? Schema, object? Value)
{
    public static SchemaAndValue Null { get; } = new(null, null);
}
