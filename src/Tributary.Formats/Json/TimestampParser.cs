using System.Globalization;
using Tributary.Formats.Parquet.Metadata;

namespace Tributary.Formats.Json;

/// <summary>
/// Parses the timestamp forms Firehose's JSON deserializers accept, to a count of nanoseconds since
/// 1970-01-01T00:00:00Z without going through DateTime (which stops at 100 ns):
/// <list type="bullet">
/// <item><c>yyyy-MM-dd'T'HH:mm:ss[.S…]</c> with up to 9 fraction digits and an optional <c>Z</c> or ±hh:mm / ±hhmm offset (ISO-8601);</item>
/// <item><c>yyyy-[M]M-[d]d HH:mm:ss[.S…]</c> (one- or two-digit month and day, space separator);</item>
/// <item>a date alone, <c>yyyy-[M]M-[d]d</c> (midnight);</item>
/// <item>numbers: epoch seconds, or epoch milliseconds when the magnitude is at least 10^11 (no timestamp before the
/// year 5138 has that many seconds), or fractional epoch seconds.</item>
/// </list>
/// A time without an offset is taken as UTC. Stateless and thread-safe.
/// </summary>
public static class TimestampParser
{
    /// <summary>Epoch numbers at or above this magnitude are milliseconds.</summary>
    public const long MillisecondsThreshold = 100_000_000_000;

    private static readonly int EpochDay = new DateOnly(1970, 1, 1).DayNumber;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static bool TryParseText(ReadOnlySpan<byte> text, out long nanos)
    {
        nanos = 0;
        var i = 0;
        if (!Digits(text, ref i, 4, 4, out var year) || !Expect(text, ref i, (byte)'-')
            || !Digits(text, ref i, 1, 2, out var month) || !Expect(text, ref i, (byte)'-')
            || !Digits(text, ref i, 1, 2, out var day))
        {
            return false;
        }
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || year < 1)
        {
            return false;
        }
        long hour = 0, minute = 0, second = 0, fraction = 0;
        var offsetMinutes = 0;
        if (i < text.Length)
        {
            if (text[i] is not ((byte)'T' or (byte)' '))
            {
                return false;
            }
            i++;
            if (!Digits(text, ref i, 1, 2, out var h) || !Expect(text, ref i, (byte)':') || !Digits(text, ref i, 2, 2, out var m))
            {
                return false;
            }
            hour = h;
            minute = m;
            if (i < text.Length && text[i] == ':')
            {
                i++;
                if (!Digits(text, ref i, 2, 2, out var s))
                {
                    return false;
                }
                second = s;
            }
            if (i < text.Length && text[i] is (byte)'.' or (byte)',')
            {
                i++;
                var digits = 0;
                while (i < text.Length && text[i] is >= (byte)'0' and <= (byte)'9')
                {
                    if (digits == 9)
                    {
                        return false;
                    }
                    fraction = (fraction * 10) + (text[i] - '0');
                    digits++;
                    i++;
                }
                if (digits == 0)
                {
                    return false;
                }
                for (; digits < 9; digits++)
                {
                    fraction *= 10;
                }
            }
            if (hour > 23 || minute > 59 || second > 59)
            {
                return false;
            }
            if (i < text.Length)
            {
                if (text[i] == 'Z' && i + 1 == text.Length)
                {
                    i++;
                }
                else if (text[i] is (byte)'+' or (byte)'-')
                {
                    var sign = text[i] == '-' ? -1 : 1;
                    i++;
                    if (!Digits(text, ref i, 2, 2, out var oh))
                    {
                        return false;
                    }
                    var om = 0;
                    if (i < text.Length)
                    {
                        if (text[i] == ':')
                        {
                            i++;
                        }
                        if (!Digits(text, ref i, 2, 2, out om))
                        {
                            return false;
                        }
                    }
                    offsetMinutes = sign * ((oh * 60) + om);
                }
                if (i != text.Length)
                {
                    return false;
                }
            }
        }
        var days = (long)new DateOnly(year, month, day).DayNumber - EpochDay;
        var seconds = (days * 86_400) + (hour * 3600) + (minute * 60) + second - (offsetMinutes * 60L);
        nanos = (seconds * 1_000_000_000) + fraction;
        return true;
    }

    /// <summary>
    /// The form <c>java.sql.Timestamp.valueOf</c> takes, Firehose's Hive JSON SerDe default:
    /// <c>yyyy-[M]M-[d]d HH:mm:ss[.f…]</c> (space separator, seconds required, up to 9 fraction digits, no offset).
    /// </summary>
    public static bool TryParseSqlTimestamp(ReadOnlySpan<byte> text, out long nanos)
    {
        nanos = 0;
        var space = text.IndexOf((byte)' ');
        if (space < 0 || text.IndexOfAny((byte)'T', (byte)'Z', (byte)'+') >= 0 || text[(space + 1)..].IndexOf((byte)'-') >= 0)
        {
            return false;
        }
        var time = text[(space + 1)..];
        if (time.Count((byte)':') != 2)
        {
            return false;
        }
        return TryParseText(text, out nanos);
    }

    /// <summary>An epoch number in JSON (integer or decimal text): seconds, or milliseconds from 10^11 up.</summary>
    public static bool TryParseEpoch(ReadOnlySpan<byte> number, bool millisecondsOnly, out long nanos)
    {
        nanos = 0;
        if (System.Buffers.Text.Utf8Parser.TryParse(number, out long integer, out var used) && used == number.Length)
        {
            if (millisecondsOnly || Math.Abs(integer) >= MillisecondsThreshold)
            {
                nanos = checked(integer * 1_000_000);
            }
            else
            {
                nanos = checked(integer * 1_000_000_000);
            }
            return true;
        }
        if (!millisecondsOnly && System.Buffers.Text.Utf8Parser.TryParse(number, out decimal seconds, out used) && used == number.Length)
        {
            try
            {
                nanos = (long)decimal.Round(seconds * 1_000_000_000m);
                return true;
            }
            catch (OverflowException)
            {
                return false;
            }
        }
        return false;
    }

    /// <summary>Converts nanoseconds since the epoch to the column's unit (rounding toward negative infinity).</summary>
    public static long ToUnit(long nanos, TimeUnit unit) => unit switch
    {
        TimeUnit.Millis => FloorDivide(nanos, 1_000_000),
        TimeUnit.Micros => FloorDivide(nanos, 1_000),
        _ => nanos,
    };

    private static long FloorDivide(long value, long divisor)
    {
        var quotient = Math.DivRem(value, divisor, out var remainder);
        return remainder < 0 ? quotient - 1 : quotient;
    }

    /// <summary>Parses with a Joda-Time pattern (Hive's TimestampFormats): y M d H m s S, 'literals', Z (+hhmm) and ZZ (+hh:mm).</summary>
    public static bool TryParseJoda(string text, string pattern, out long nanos)
    {
        nanos = 0;
        var format = new System.Text.StringBuilder();
        var fractionDigits = 0;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\'')
            {
                var end = pattern.IndexOf('\'', i + 1);
                if (end < 0)
                {
                    return false;
                }
                format.Append('\'').Append(pattern, i + 1, end - i - 1).Append('\'');
                i = end;
            }
            else if (c == 'S')
            {
                format.Append('F');
                fractionDigits++;
            }
            else if (c == 'Z')
            {
                var count = 1;
                while (i + 1 < pattern.Length && pattern[i + 1] == 'Z')
                {
                    count++;
                    i++;
                }
                format.Append(count == 1 ? "zzz" : "zzz");
            }
            else
            {
                format.Append(c);
            }
        }
        var normalized = text;
        if (pattern.Contains('Z') && !pattern.Contains("ZZ", StringComparison.Ordinal) && text.Length >= 5 && text[^5] is '+' or '-')
        {
            normalized = text[..^2] + ":" + text[^2..];
        }
        if (!DateTimeOffset.TryParseExact(normalized, format.ToString(), CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return false;
        }
        nanos = (parsed.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
        return fractionDigits >= 0;
    }

    private static bool Expect(ReadOnlySpan<byte> text, ref int i, byte c)
    {
        if (i < text.Length && text[i] == c)
        {
            i++;
            return true;
        }
        return false;
    }

    private static bool Digits(ReadOnlySpan<byte> text, ref int i, int min, int max, out int value)
    {
        value = 0;
        var start = i;
        while (i < text.Length && i - start < max && text[i] is >= (byte)'0' and <= (byte)'9')
        {
            value = (value * 10) + (text[i] - '0');
            i++;
        }
        return i - start >= min;
    }
}
