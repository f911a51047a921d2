using System.Globalization;
using System.Text;

namespace Tributary.Generator.Templates;

/// <summary>
/// moment.js's <c>format()</c> tokens, which the Kinesis Data Generator's <c>{{date.now("...")}}</c> and
/// <c>{{date.utc("...")}}</c> take (e.g. <c>DD/MMM/YYYY:HH:mm:ss Z</c> for an Apache log line). Supported: YYYY YY
/// Q M MM MMM MMMM D DD Do DDD DDDD d dd ddd dddd E H HH h hh k kk m mm s ss S SS SSS A a Z ZZ X x, and
/// <c>[literal]</c>; any other character is copied. English names only (moment's default locale).
/// </summary>
public static class MomentFormat
{
    /// <summary>moment's <c>format()</c> with no argument: ISO 8601 with the offset (<c>2014-09-08T08:02:17-05:00</c>).</summary>
    public const string DefaultFormat = "YYYY-MM-DDTHH:mm:ssZ";

    /// <summary>moment.utc()'s <c>format()</c> with no argument (<c>2014-09-08T13:02:17Z</c>).</summary>
    public const string DefaultUtcFormat = "YYYY-MM-DDTHH:mm:ss[Z]";

    private static readonly string[] Tokens =
    [
        "YYYY", "YY", "Q", "MMMM", "MMM", "MM", "M", "DDDD", "DDD", "Do", "DD", "D", "dddd", "ddd", "dd", "d", "E",
        "HH", "H", "hh", "h", "kk", "k", "mm", "m", "ss", "s", "SSS", "SS", "S", "A", "a", "ZZ", "Z", "X", "x",
    ];

    /// <summary>
    /// The current time (UTC, or local with its offset) in <paramref name="format"/>. moment's tokens stop at the
    /// millisecond, so every record rendered within one millisecond gets the same text: the last answer is kept per
    /// thread and reused while the millisecond, the format and the zone choice are unchanged (a generator renders
    /// hundreds of records a millisecond; formatting each, and the local-zone lookup of DateTimeOffset.Now, was most of
    /// a record's rendering time).
    /// </summary>
    public static string FormatNow(string format, bool utc)
    {
        var now = DateTime.UtcNow;
        var millisecond = now.Ticks / TimeSpan.TicksPerMillisecond;
        if (_lastText is { } text && _lastMillisecond == millisecond && _lastUtc == utc && string.Equals(_lastFormat, format, StringComparison.Ordinal))
        {
            return text;
        }
        var time = utc ? new DateTimeOffset(now) : new DateTimeOffset(now).ToLocalTime();
        text = Format(time, format);
        (_lastText, _lastMillisecond, _lastUtc, _lastFormat) = (text, millisecond, utc, format);
        return text;
    }

    [ThreadStatic] private static string? _lastText;
    [ThreadStatic] private static long _lastMillisecond;
    [ThreadStatic] private static bool _lastUtc;
    [ThreadStatic] private static string? _lastFormat;

    public static string Format(DateTimeOffset time, string format)
    {
        var output = new StringBuilder(format.Length + 8);
        var i = 0;
        while (i < format.Length)
        {
            if (format[i] == '[')
            {
                var close = format.IndexOf(']', i + 1);
                if (close > 0)
                {
                    output.Append(format, i + 1, close - i - 1);
                    i = close + 1;
                    continue;
                }
            }
            var token = Match(format, i);
            if (token is null)
            {
                output.Append(format[i]);
                i++;
                continue;
            }
            Append(output, time, token);
            i += token.Length;
        }
        return output.ToString();
    }

    private static string? Match(string format, int at)
    {
        foreach (var token in Tokens)
        {
            if (string.CompareOrdinal(format, at, token, 0, token.Length) == 0)
            {
                return token;
            }
        }
        return null;
    }

    private static void Append(StringBuilder output, DateTimeOffset t, string token)
    {
        var invariant = CultureInfo.InvariantCulture;
        switch (token)
        {
            case "YYYY": output.Append(t.Year.ToString("D4", invariant)); break;
            case "YY": output.Append((t.Year % 100).ToString("D2", invariant)); break;
            case "Q": output.Append(((t.Month - 1) / 3) + 1); break;
            case "MMMM": output.Append(invariant.DateTimeFormat.GetMonthName(t.Month)); break;
            case "MMM": output.Append(invariant.DateTimeFormat.GetAbbreviatedMonthName(t.Month)); break;
            case "MM": output.Append(t.Month.ToString("D2", invariant)); break;
            case "M": output.Append(t.Month); break;
            case "DDDD": output.Append(t.DayOfYear.ToString("D3", invariant)); break;
            case "DDD": output.Append(t.DayOfYear); break;
            case "Do": output.Append(t.Day).Append(Ordinal(t.Day)); break;
            case "DD": output.Append(t.Day.ToString("D2", invariant)); break;
            case "D": output.Append(t.Day); break;
            case "dddd": output.Append(invariant.DateTimeFormat.GetDayName(t.DayOfWeek)); break;
            case "ddd": output.Append(invariant.DateTimeFormat.GetAbbreviatedDayName(t.DayOfWeek)); break;
            case "dd": output.Append(invariant.DateTimeFormat.GetShortestDayName(t.DayOfWeek)); break;
            case "d": output.Append((int)t.DayOfWeek); break;
            case "E": output.Append(t.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)t.DayOfWeek); break;
            case "HH": output.Append(t.Hour.ToString("D2", invariant)); break;
            case "H": output.Append(t.Hour); break;
            case "hh": output.Append(Hour12(t.Hour).ToString("D2", invariant)); break;
            case "h": output.Append(Hour12(t.Hour)); break;
            case "kk": output.Append((t.Hour == 0 ? 24 : t.Hour).ToString("D2", invariant)); break;
            case "k": output.Append(t.Hour == 0 ? 24 : t.Hour); break;
            case "mm": output.Append(t.Minute.ToString("D2", invariant)); break;
            case "m": output.Append(t.Minute); break;
            case "ss": output.Append(t.Second.ToString("D2", invariant)); break;
            case "s": output.Append(t.Second); break;
            case "SSS": output.Append(t.Millisecond.ToString("D3", invariant)); break;
            case "SS": output.Append((t.Millisecond / 10).ToString("D2", invariant)); break;
            case "S": output.Append(t.Millisecond / 100); break;
            case "A": output.Append(t.Hour < 12 ? "AM" : "PM"); break;
            case "a": output.Append(t.Hour < 12 ? "am" : "pm"); break;
            case "ZZ": AppendOffset(output, t.Offset, colon: false); break;
            case "Z": AppendOffset(output, t.Offset, colon: true); break;
            case "X": output.Append(t.ToUnixTimeSeconds()); break;
            case "x": output.Append(t.ToUnixTimeMilliseconds()); break;
        }
    }

    private static int Hour12(int hour) => hour % 12 == 0 ? 12 : hour % 12;

    private static string Ordinal(int day) => (day % 100) is 11 or 12 or 13 ? "th" : (day % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" };

    private static void AppendOffset(StringBuilder output, TimeSpan offset, bool colon)
    {
        output.Append(offset < TimeSpan.Zero ? '-' : '+');
        var abs = offset.Duration();
        output.Append(abs.Hours.ToString("D2", CultureInfo.InvariantCulture));
        if (colon)
        {
            output.Append(':');
        }
        output.Append(abs.Minutes.ToString("D2", CultureInfo.InvariantCulture));
    }
}
