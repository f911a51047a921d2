using System.Globalization;
using System.Text;

namespace Tributary.Connect.Transforms.Util;

/// <summary>
/// Java's <c>java.text.SimpleDateFormat</c> in UTC with the English locale, as TimestampConverter and TimestampRouter
/// use it: pattern letters G y Y u M L d D E F w W a H k K h m s S z Z X, quoted literals (<c>'T'</c>, <c>''</c>).
/// Formatting follows Java's widths (numbers zero-padded to the letter count; <c>yy</c> two digits; <c>MMM</c>
/// abbreviated and <c>MMMM</c> full names; <c>S</c> is milliseconds as a number). Parsing is lenient as Java's default:
/// numbers read greedily (exactly the letter count when the next element is an adjacent number) and out-of-range
/// fields roll over. Immutable; thread-safe.
/// </summary>
public sealed class JavaSimpleDateFormat
{
    private static readonly string[] Months = CultureInfo.InvariantCulture.DateTimeFormat.MonthNames;
    private static readonly string[] Days = CultureInfo.InvariantCulture.DateTimeFormat.DayNames;
    private readonly List<(char Letter, int Count, string? Literal)> _elements = [];

    public JavaSimpleDateFormat(string pattern)
    {
        Pattern = pattern;
        for (var i = 0; i < pattern.Length;)
        {
            var c = pattern[i];
            if (c == '\'')
            {
                var literal = new StringBuilder();
                i++;
                if (i < pattern.Length && pattern[i] == '\'')
                {
                    _elements.Add(('\0', 0, "'"));
                    i++;
                    continue;
                }
                while (true)
                {
                    if (i >= pattern.Length)
                    {
                        throw new ArgumentException("Unterminated quote");
                    }
                    if (pattern[i] == '\'')
                    {
                        if (i + 1 < pattern.Length && pattern[i + 1] == '\'')
                        {
                            literal.Append('\'');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    literal.Append(pattern[i++]);
                }
                _elements.Add(('\0', 0, literal.ToString()));
                continue;
            }
            if (char.IsAsciiLetter(c))
            {
                if ("GyYuMLdDEFwWaHkKhmsSzZX".IndexOf(c) < 0)
                {
                    throw new ArgumentException("Illegal pattern character '" + c + "'");
                }
                var count = 1;
                while (i + count < pattern.Length && pattern[i + count] == c)
                {
                    count++;
                }
                _elements.Add((c, count, null));
                i += count;
                continue;
            }
            _elements.Add(('\0', 0, c.ToString()));
            i++;
        }
    }

    public string Pattern { get; }

    public string Format(DateTime value)
    {
        var utc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value;
        var text = new StringBuilder();
        foreach (var (letter, count, literal) in _elements)
        {
            if (literal is not null)
            {
                text.Append(literal);
                continue;
            }
            switch (letter)
            {
                case 'G': text.Append("AD"); break;
                case 'y' or 'Y' or 'u' when letter != 'u' && count == 2: Number(text, utc.Year % 100, 2); break;
                case 'y' or 'Y': Number(text, utc.Year, count); break;
                case 'u': Number(text, ((int)utc.DayOfWeek + 6) % 7 + 1, count); break;
                case 'M' or 'L' when count >= 4: text.Append(Months[utc.Month - 1]); break;
                case 'M' or 'L' when count == 3: text.Append(Months[utc.Month - 1][..3]); break;
                case 'M' or 'L': Number(text, utc.Month, count); break;
                case 'd': Number(text, utc.Day, count); break;
                case 'D': Number(text, utc.DayOfYear, count); break;
                case 'E': text.Append(count >= 4 ? Days[(int)utc.DayOfWeek] : Days[(int)utc.DayOfWeek][..3]); break;
                case 'F': Number(text, (utc.Day - 1) / 7 + 1, count); break;
                case 'w': Number(text, ISOWeek.GetWeekOfYear(utc), count); break;
                case 'W': Number(text, (utc.Day + (int)new DateTime(utc.Year, utc.Month, 1).DayOfWeek - 1) / 7 + 1, count); break;
                case 'a': text.Append(utc.Hour < 12 ? "AM" : "PM"); break;
                case 'H': Number(text, utc.Hour, count); break;
                case 'k': Number(text, utc.Hour == 0 ? 24 : utc.Hour, count); break;
                case 'K': Number(text, utc.Hour % 12, count); break;
                case 'h': Number(text, utc.Hour % 12 == 0 ? 12 : utc.Hour % 12, count); break;
                case 'm': Number(text, utc.Minute, count); break;
                case 's': Number(text, utc.Second, count); break;
                case 'S': Number(text, utc.Millisecond, count); break;
                case 'z': text.Append(count >= 4 ? "Coordinated Universal Time" : "UTC"); break;
                case 'Z': text.Append("+0000"); break;
                case 'X': text.Append('Z'); break;
            }
        }
        return text.ToString();
    }

    private static void Number(StringBuilder text, int value, int width) => text.Append(value.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0'));

    /// <summary>Parses text from its start (trailing text is ignored, as Java's parse(String) does); FormatException when it does not fit.</summary>
    public DateTime Parse(string text)
    {
        int year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, millis = 0, dayOfYear = -1, offsetMinutes = 0;
        bool pm = false, hasAmPm = false, twelveHour = false;
        var position = 0;
        for (var e = 0; e < _elements.Count; e++)
        {
            var (letter, count, literal) = _elements[e];
            if (literal is not null)
            {
                if (string.CompareOrdinal(text, position, literal, 0, literal.Length) != 0)
                {
                    throw new FormatException("Unparseable date: \"" + text + "\"");
                }
                position += literal.Length;
                continue;
            }
            var adjacentNumber = e + 1 < _elements.Count && _elements[e + 1].Literal is null && IsNumeric(_elements[e + 1].Letter, _elements[e + 1].Count);
            switch (letter)
            {
                case 'M' or 'L' when count >= 3:
                    month = ParseName(text, ref position, Months) + 1;
                    break;
                case 'E':
                    ParseName(text, ref position, Days);
                    break;
                case 'a':
                    hasAmPm = true;
                    pm = ParseName(text, ref position, ["AM", "PM"]) == 1;
                    break;
                case 'G':
                    ParseName(text, ref position, ["BC", "AD"]);
                    break;
                case 'z' or 'Z' or 'X':
                    offsetMinutes = ParseZone(text, ref position);
                    break;
                default:
                    var value = ParseNumber(text, ref position, adjacentNumber ? count : int.MaxValue);
                    switch (letter)
                    {
                        case 'y' or 'Y':
                            year = count <= 2 && value < 100 && (position - count) >= 0 ? TwoDigitYear(value) : value;
                            break;
                        case 'M' or 'L': month = value; break;
                        case 'd': day = value; break;
                        case 'D': dayOfYear = value; break;
                        case 'H' or 'k': hour = letter == 'k' && value == 24 ? 0 : value; break;
                        case 'K' or 'h': hour = letter == 'h' && value == 12 ? 0 : value; twelveHour = true; break;
                        case 'm': minute = value; break;
                        case 's': second = value; break;
                        case 'S': millis = value; break;
                    }
                    break;
            }
        }
        if (hasAmPm && pm && (twelveHour || hour < 12))
        {
            hour += 12;
        }
        var date = new DateTime(Math.Clamp(year, 1, 9999), 1, 1, 0, 0, 0, DateTimeKind.Utc);
        date = dayOfYear > 0 ? date.AddDays(dayOfYear - 1) : date.AddMonths(month - 1).AddDays(day - 1);
        return date.AddHours(hour).AddMinutes(minute - offsetMinutes).AddSeconds(second).AddMilliseconds(millis);
    }

    private static bool IsNumeric(char letter, int count) => letter is 'y' or 'Y' or 'u' or 'd' or 'D' or 'F' or 'w' or 'W' or 'H' or 'k' or 'K' or 'h' or 'm' or 's' or 'S'
        || (letter is 'M' or 'L' && count <= 2);

    private static int TwoDigitYear(int value)
    {
        // Java's default century: within 80 years before and 20 after now.
        var now = DateTime.UtcNow.Year;
        var candidate = now / 100 * 100 + value;
        return candidate > now + 20 ? candidate - 100 : candidate < now - 80 ? candidate + 100 : candidate;
    }

    private static int ParseNumber(string text, ref int position, int maxDigits)
    {
        var start = position;
        var negative = position < text.Length && text[position] == '-';
        if (negative)
        {
            position++;
        }
        var digitsStart = position;
        while (position < text.Length && char.IsAsciiDigit(text[position]) && position - digitsStart < maxDigits)
        {
            position++;
        }
        if (position == digitsStart || !int.TryParse(text.AsSpan(digitsStart, position - digitsStart), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            throw new FormatException("Unparseable date: \"" + text + "\" at " + start);
        }
        return negative ? -value : value;
    }

    private static int ParseName(string text, ref int position, string[] names)
    {
        for (var i = 0; i < names.Length; i++)
        {
            foreach (var candidate in new[] { names[i], names[i].Length > 3 ? names[i][..3] : names[i] })
            {
                if (candidate.Length > 0 && string.Compare(text, position, candidate, 0, candidate.Length, StringComparison.OrdinalIgnoreCase) == 0)
                {
                    position += candidate.Length;
                    return i;
                }
            }
        }
        throw new FormatException("Unparseable date: \"" + text + "\"");
    }

    private static int ParseZone(string text, ref int position)
    {
        if (position < text.Length && text[position] == 'Z')
        {
            position++;
            return 0;
        }
        foreach (var name in new[] { "Coordinated Universal Time", "UTC", "GMT" })
        {
            if (string.CompareOrdinal(text, position, name, 0, name.Length) == 0)
            {
                position += name.Length;
                if (position < text.Length && text[position] is '+' or '-')
                {
                    return ParseOffset(text, ref position);
                }
                return 0;
            }
        }
        return ParseOffset(text, ref position);
    }

    private static int ParseOffset(string text, ref int position)
    {
        if (position >= text.Length || text[position] is not ('+' or '-'))
        {
            throw new FormatException("Unparseable date: \"" + text + "\"");
        }
        var sign = text[position++] == '-' ? -1 : 1;
        var hours = ParseNumber(text, ref position, 2);
        if (position < text.Length && text[position] == ':')
        {
            position++;
        }
        var minutes = position < text.Length && char.IsAsciiDigit(text[position]) ? ParseNumber(text, ref position, 2) : 0;
        return sign * (hours * 60 + minutes);
    }

    public override string ToString() => Pattern;
}
