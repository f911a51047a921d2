using System.Buffers.Text;
using System.Globalization;
using System.Numerics;
using System.Text;
using Tributary.Connect.Data;

namespace Tributary.Connect.Json;

/// <summary>
/// Jackson's number nodes as Kafka's JsonConverter reads them (USE_BIG_DECIMAL_FOR_FLOATS, exact decimals): an
/// integer literal is an int, long or big-integer node by size, anything with a fraction or exponent an exact decimal.
/// The accessors narrow as Java does: <c>intValue</c> truncates toward zero and keeps the low 32 bits, and so on.
/// All take the literal's UTF-8 text.
/// </summary>
public static class JsonNumber
{
    public static bool IsIntegral(ReadOnlySpan<byte> text) => text.IndexOfAny("."u8[0], (byte)'e', (byte)'E') < 0;

    /// <summary>Jackson's <c>isInt</c>: an integer literal that fits 32 bits.</summary>
    public static bool IsInt(ReadOnlySpan<byte> text) => IsIntegral(text) && Utf8Parser.TryParse(text, out int _, out var used) && used == text.Length;

    public static int IntValue(ReadOnlySpan<byte> text) => (int)LongValue(text);

    public static long LongValue(ReadOnlySpan<byte> text)
    {
        if (IsIntegral(text))
        {
            if (Utf8Parser.TryParse(text, out long value, out var used) && used == text.Length)
            {
                return value;
            }
            return LowBits(BigInteger.Parse(Encoding.ASCII.GetString(text), CultureInfo.InvariantCulture));
        }
        return LowBits(Truncate(DecimalValue(text)));
    }

    public static double DoubleValue(ReadOnlySpan<byte> text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    public static float FloatValue(ReadOnlySpan<byte> text) => float.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>Jackson's <c>decimalValue</c>: the literal exactly, keeping its scale (<c>1.50</c> has scale 2, <c>1e2</c> scale -2).</summary>
    public static BigDecimal DecimalValue(ReadOnlySpan<byte> text) => BigDecimal.Parse(Encoding.ASCII.GetString(text));

    private static BigInteger Truncate(BigDecimal value)
    {
        if (value.Scale <= 0)
        {
            // 2^64 divides 10^64, so beyond that the low 64 bits are zero.
            return value.Scale < -64 ? BigInteger.Zero : value.Unscaled * BigInteger.Pow(10, -value.Scale);
        }
        return value.Scale > 4000 ? BigInteger.Zero : BigInteger.Divide(value.Unscaled, BigInteger.Pow(10, value.Scale));
    }

    private static long LowBits(BigInteger value) => unchecked((long)(ulong)(value & ulong.MaxValue));
}
