using System.Globalization;
using System.Numerics;

namespace Tributary.Connect.Json;

/// <summary>
/// Java's text of numbers, as Kafka's Jackson and <c>String.valueOf</c> produce it: <see cref="Format(double)"/> is
/// <c>Double.toString</c> (JDK 19+: the shortest decimal that rounds back, <c>1.0E10</c>, <c>0.001</c>,
/// <c>1.0E-4</c>), <see cref="Format(float)"/> is <c>Float.toString</c>. Plain notation for 10^-3 ≤ |v| &lt; 10^7,
/// otherwise <c>d.ddd E n</c>; always at least one digit after the point. Allocation-free through the span forms.
/// </summary>
public static class JavaNumberText
{
    /// <summary>Longest output: sign, 17 digits, point, "E-324".</summary>
    public const int MaxLength = 32;

    public static string Format(double value)
    {
        Span<char> buffer = stackalloc char[MaxLength];
        return new string(buffer[..Format(value, buffer)]);
    }

    public static string Format(float value)
    {
        Span<char> buffer = stackalloc char[MaxLength];
        return new string(buffer[..Format(value, buffer)]);
    }

    /// <summary>Writes <c>Double.toString(value)</c> into <paramref name="destination"/> (at least <see cref="MaxLength"/>); returns the length.</summary>
    public static int Format(double value, Span<char> destination) => FormatShortest(value, destination);

    /// <summary>Writes <c>Float.toString(value)</c>; returns the length.</summary>
    public static int Format(float value, Span<char> destination) => FormatShortest(value, destination);

    private static int FormatShortest<T>(T value, Span<char> destination)
        where T : IBinaryFloatingPointIeee754<T>
    {
        if (!T.IsFinite(value))
        {
            return NonFinite(T.IsNaN(value), T.IsNegative(value), destination);
        }
        if (T.IsZero(value))
        {
            return Copy(T.IsNegative(value) ? "-0.0" : "0.0", destination);
        }
        // .NET's "R" is the shortest text that reads back as the same value (of T's precision), as Java's algorithm is.
        Span<char> shortest = stackalloc char[MaxLength];
        value.TryFormat(shortest, out var written, "R", CultureInfo.InvariantCulture);
        Span<char> digits = stackalloc char[MaxLength];
        var (count, exponent) = Decompose(shortest[..written], digits);
        if (count == 1 && T.IsSubnormal(value))
        {
            (count, exponent) = value is double d ? SubnormalDigits(d, digits, count, exponent) : SubnormalDigits(float.CreateTruncating(value), digits, count, exponent);
        }
        return Layout(T.IsNegative(value), digits[..count], exponent, destination);
    }

    // Out of line: the lambdas capture the value, and a capture in the caller would allocate on every call.
    private static (int, int) SubnormalDigits(double value, Span<char> digits, int count, int exponent) =>
        ClosestTwoDigits(BitConverter.DoubleToInt64Bits(Math.Abs(value)) & 0xFFFFFFFFFFFFFL, 1074, digits, count, exponent, text => double.Parse(text, CultureInfo.InvariantCulture) == Math.Abs(value));

    private static (int, int) SubnormalDigits(float value, Span<char> digits, int count, int exponent) =>
        ClosestTwoDigits(BitConverter.SingleToInt32Bits(Math.Abs(value)) & 0x7FFFFF, 149, digits, count, exponent, text => float.Parse(text, CultureInfo.InvariantCulture) == Math.Abs(value));

    private static int NonFinite(bool nan, bool negative, Span<char> destination) =>
        Copy(nan ? "NaN" : negative ? "-Infinity" : "Infinity", destination);

    private static int Copy(string text, Span<char> destination)
    {
        text.AsSpan().CopyTo(destination);
        return text.Length;
    }

    /// <summary>Splits .NET's shortest round-trip text into significant digits and the exponent of the first digit.</summary>
    private static (int Count, int Exponent) Decompose(ReadOnlySpan<char> text, Span<char> digits)
    {
        if (text[0] == '-')
        {
            text = text[1..];
        }
        var e = text.IndexOfAny('E', 'e');
        var exponent = 0;
        if (e >= 0)
        {
            exponent = int.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }
        var count = 0;
        var pointSeen = false;
        var integerDigits = 0;
        var leadingZeros = 0;
        foreach (var c in text)
        {
            if (c == '.')
            {
                pointSeen = true;
                continue;
            }
            if (count == 0 && c == '0')
            {
                if (pointSeen)
                {
                    leadingZeros++;
                }
                continue;
            }
            if (!pointSeen)
            {
                integerDigits++;
            }
            digits[count++] = c;
        }
        while (count > 1 && digits[count - 1] == '0')
        {
            count--;
        }
        // value = 0.d1d2… × 10^(integerDigits − leadingZeros + exponent); the first digit's exponent is one less.
        return (count, integerDigits - leadingZeros + exponent - 1);
    }

    /// <summary>
    /// Java's rule for one-digit results: among the decimals of one or two digits that round to the value, the closest.
    /// Only subnormals are wide enough to hold two such candidates (5E-324 is printed 4.9E-324).
    /// </summary>
    private static (int, int) ClosestTwoDigits(long mantissa, int binaryExponent, Span<char> digits, int count, int exponent, Func<string, bool> roundsBack)
    {
        // value = mantissa × 2^-binaryExponent; two digits d.d × 10^exponent' with exponent' the value's decade.
        var numerator = new BigInteger(mantissa);
        var denominator = BigInteger.Pow(2, binaryExponent);
        for (var decade = exponent - 1; decade <= exponent; decade++)
        {
            var scaled = numerator * BigInteger.Pow(10, 1 - decade);
            var candidate = (int)BigInteger.Divide(scaled * 2 + denominator, denominator * 2);
            if (candidate is < 10 or > 99 || candidate % 10 == 0)
            {
                continue;
            }
            var text = candidate.ToString(CultureInfo.InvariantCulture) + "E" + (decade - 1).ToString(CultureInfo.InvariantCulture);
            if (roundsBack(text))
            {
                digits[0] = (char)('0' + candidate / 10);
                digits[1] = (char)('0' + candidate % 10);
                return (2, decade);
            }
        }
        return (count, exponent);
    }

    private static int Layout(bool negative, ReadOnlySpan<char> digits, int exponent, Span<char> destination)
    {
        var length = 0;
        if (negative)
        {
            destination[length++] = '-';
        }
        if (exponent is >= -3 and < 7)
        {
            if (exponent < 0)
            {
                destination[length++] = '0';
                destination[length++] = '.';
                for (var i = 0; i < -exponent - 1; i++)
                {
                    destination[length++] = '0';
                }
                digits.CopyTo(destination[length..]);
                return length + digits.Length;
            }
            for (var i = 0; i <= exponent; i++)
            {
                destination[length++] = i < digits.Length ? digits[i] : '0';
            }
            destination[length++] = '.';
            if (digits.Length > exponent + 1)
            {
                digits[(exponent + 1)..].CopyTo(destination[length..]);
                return length + digits.Length - exponent - 1;
            }
            destination[length++] = '0';
            return length;
        }
        destination[length++] = digits[0];
        destination[length++] = '.';
        if (digits.Length > 1)
        {
            digits[1..].CopyTo(destination[length..]);
            length += digits.Length - 1;
        }
        else
        {
            destination[length++] = '0';
        }
        destination[length++] = 'E';
        exponent.TryFormat(destination[length..], out var written, default, CultureInfo.InvariantCulture);
        return length + written;
    }
}
