using System.Numerics;

namespace Tributary.Orc.Reader;

/// <summary>A struct value: one entry per field, in schema order.</summary>
public sealed record OrcStruct(object?[] Fields);

/// <summary>A union value: the variant's tag and its value.</summary>
public sealed record OrcUnion(int Tag, object? Value);

/// <summary>A decimal: <c>Unscaled × 10^-Scale</c>.</summary>
public readonly record struct OrcDecimal(BigInteger Unscaled, int Scale)
{
    public override string ToString()
    {
        var digits = BigInteger.Abs(Unscaled).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (Scale > 0)
        {
            digits = digits.PadLeft(Scale + 1, '0');
            digits = digits[..^Scale] + "." + digits[^Scale..];
        }
        return Unscaled.Sign < 0 ? "-" + digits : digits;
    }

    /// <summary>The same value at another scale (rounding half away from zero when digits are dropped).</summary>
    public OrcDecimal Rescale(int scale)
    {
        if (scale == Scale)
        {
            return this;
        }
        if (scale > Scale)
        {
            return new(Unscaled * BigInteger.Pow(10, scale - Scale), scale);
        }
        var divisor = BigInteger.Pow(10, Scale - scale);
        var quotient = BigInteger.DivRem(Unscaled, divisor, out var remainder);
        if (BigInteger.Abs(remainder) * 2 >= divisor)
        {
            quotient += Unscaled.Sign;
        }
        return new(quotient, scale);
    }
}

/// <summary>
/// A timestamp as the wall-clock time it had in the writer's time zone (ORC's TIMESTAMP has no zone: readers show the
/// writer's wall clock), as seconds and nanoseconds since 1970-01-01 00:00:00 of that clock.
/// </summary>
public readonly record struct OrcTimestamp(long Seconds, int Nanos)
{
    public override string ToString()
    {
        var days = Math.DivRem(Seconds, 86400, out var secondOfDay);
        if (secondOfDay < 0)
        {
            secondOfDay += 86400;
            days--;
        }
        var date = DateOnly.FromDayNumber((int)(new DateOnly(1970, 1, 1).DayNumber + days));
        var fraction = Nanos.ToString("D9", System.Globalization.CultureInfo.InvariantCulture).TrimEnd('0');
        return $"{date:yyyy-MM-dd} {secondOfDay / 3600:D2}:{secondOfDay / 60 % 60:D2}:{secondOfDay % 60:D2}.{(fraction.Length == 0 ? "0" : fraction)}";
    }
}
