using System.Globalization;
using System.Numerics;

namespace Tributary.Connect.Data;

/// <summary>
/// An arbitrary-precision decimal: <see cref="Unscaled"/> × 10^-<see cref="Scale"/>, the value of Connect's
/// <see cref="Decimal"/> logical type (Java's BigDecimal). .NET's <see cref="decimal"/> holds 28 digits; databases
/// hold up to 65 (MySQL) or 1,000 (PostgreSQL), so the data model carries this instead. Equality is Java's:
/// 1.0 and 1.00 differ (same unscaled value and scale only); use <see cref="CompareTo"/> for numeric order.
/// </summary>
public readonly struct BigDecimal : IEquatable<BigDecimal>, IComparable<BigDecimal>
{
    public BigDecimal(BigInteger unscaled, int scale)
    {
        Unscaled = unscaled;
        Scale = scale;
    }

    public BigInteger Unscaled { get; }

    /// <summary>Digits after the point; negative scales multiply by powers of ten.</summary>
    public int Scale { get; }

    /// <summary>Digits of the unscaled value (1 for zero).</summary>
    public int Precision => Unscaled.IsZero ? 1 : BigInteger.Abs(Unscaled).ToString(CultureInfo.InvariantCulture).Length;

    public static implicit operator BigDecimal(decimal value)
    {
        var bits = decimal.GetBits(value);
        var scale = (bits[3] >> 16) & 0xFF;
        var magnitude = new BigInteger((uint)bits[0]) | (new BigInteger((uint)bits[1]) << 32) | (new BigInteger((uint)bits[2]) << 64);
        return new BigDecimal(bits[3] < 0 ? -magnitude : magnitude, scale);
    }

    public static BigDecimal FromLong(long value, int scale = 0) => new(value, scale);

    /// <summary>The value with <paramref name="scale"/> digits after the point; rounds half-up when digits are dropped.</summary>
    public BigDecimal SetScale(int scale)
    {
        if (scale == Scale)
        {
            return this;
        }
        if (scale > Scale)
        {
            return new BigDecimal(Unscaled * BigInteger.Pow(10, scale - Scale), scale);
        }
        var divisor = BigInteger.Pow(10, Scale - scale);
        var quotient = BigInteger.DivRem(Unscaled, divisor, out var remainder);
        if (BigInteger.Abs(remainder) * 2 >= divisor)
        {
            quotient += Unscaled.Sign;
        }
        return new BigDecimal(quotient, scale);
    }

    /// <summary>The nearest <see cref="decimal"/>; OverflowException beyond its range.</summary>
    public decimal ToDecimal()
    {
        var value = this;
        while (value.Scale > 28)
        {
            value = value.SetScale(28);
        }
        if (value.Scale < 0)
        {
            value = value.SetScale(0);
        }
        return decimal.Parse(value.ToPlainString(), NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    public double ToDouble() => double.Parse(ToPlainString(), NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>Plain notation, no exponent (Java's <c>toPlainString</c>): <c>-12.340</c>.</summary>
    public string ToPlainString()
    {
        var digits = BigInteger.Abs(Unscaled).ToString(CultureInfo.InvariantCulture);
        var sign = Unscaled.Sign < 0 ? "-" : "";
        if (Scale <= 0)
        {
            return sign + digits + (Unscaled.IsZero ? "" : new string('0', -Scale));
        }
        if (digits.Length <= Scale)
        {
            digits = new string('0', Scale - digits.Length + 1) + digits;
        }
        return sign + digits[..^Scale] + "." + digits[^Scale..];
    }

    /// <summary>Java's <c>BigDecimal.toString</c>: plain unless the exponent is below -6 or the scale is negative.</summary>
    public override string ToString()
    {
        var digits = BigInteger.Abs(Unscaled).ToString(CultureInfo.InvariantCulture);
        var adjusted = -(long)Scale + (digits.Length - 1);
        if (Scale >= 0 && adjusted >= -6)
        {
            return ToPlainString();
        }
        var sign = Unscaled.Sign < 0 ? "-" : "";
        var mantissa = digits.Length > 1 ? digits[..1] + "." + digits[1..] : digits;
        return $"{sign}{mantissa}E{(adjusted >= 0 ? "+" : "")}{adjusted}";
    }

    /// <summary>Parses plain or exponent notation (<c>12.5</c>, <c>-1E+3</c>), keeping the written scale.</summary>
    public static BigDecimal Parse(string text)
    {
        if (!TryParse(text, out var value))
        {
            throw new FormatException($"Not a decimal number: {text}");
        }
        return value;
    }

    public static bool TryParse(string? text, out BigDecimal value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        var s = text.Trim();
        var exponent = 0;
        var e = s.IndexOfAny(['e', 'E']);
        if (e >= 0)
        {
            if (!int.TryParse(s[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent))
            {
                return false;
            }
            s = s[..e];
        }
        var negative = s.StartsWith('-');
        if (negative || s.StartsWith('+'))
        {
            s = s[1..];
        }
        var dot = s.IndexOf('.');
        var scale = 0;
        if (dot >= 0)
        {
            scale = s.Length - dot - 1;
            s = s.Remove(dot, 1);
        }
        if (s.Length == 0 || !s.All(char.IsAsciiDigit))
        {
            return false;
        }
        var unscaled = BigInteger.Parse(s, CultureInfo.InvariantCulture);
        value = new BigDecimal(negative ? -unscaled : unscaled, scale - exponent);
        return true;
    }

    public int CompareTo(BigDecimal other)
    {
        var scale = Math.Max(Scale, other.Scale);
        return SetScale(scale).Unscaled.CompareTo(other.SetScale(scale).Unscaled);
    }

    public bool Equals(BigDecimal other) => Scale == other.Scale && Unscaled.Equals(other.Unscaled);

    public override bool Equals(object? obj) => obj is BigDecimal other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Unscaled, Scale);

    public static bool operator ==(BigDecimal left, BigDecimal right) => left.Equals(right);

    public static bool operator !=(BigDecimal left, BigDecimal right) => !left.Equals(right);
}
