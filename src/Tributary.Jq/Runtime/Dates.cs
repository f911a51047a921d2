using System.Globalization;
using System.Text;

namespace Tributary.Jq.Runtime;

/// <summary>
/// jq 1.6's date builtins with C-locale, UTC semantics (the server runs in UTC; <c>localtime</c> and
/// <c>strflocaltime</c> are UTC here). A broken-down time is jq's array
/// [year, month 0-11, day 1-31, hours, minutes, seconds (may be fractional), weekday 0-6, day of year 0-365].
/// Calendar arithmetic is proleptic Gregorian over any year (jq prints year 1 as "1" and year 33658 fine).
/// </summary>
internal static class Dates
{
    private static readonly string[] DayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
    private static readonly string[] MonthNames =
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    private readonly record struct BrokenDown(long Year, int Month, int Day, int Hour, int Minute, double Second, int WeekDay, int YearDay);

    public static long DaysFromCivil(long year, long month, long day)
    {
        year -= month <= 2 ? 1 : 0;
        var era = (year >= 0 ? year : year - 399) / 400;
        var yearOfEra = year - era * 400;
        var dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        var dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146097 + dayOfEra - 719468;
    }

    private static (long Year, int Month, int Day) CivilFromDays(long days)
    {
        days += 719468;
        var era = (days >= 0 ? days : days - 146096) / 146097;
        var dayOfEra = days - era * 146097;
        var yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
        var year = yearOfEra + era * 400;
        var dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        var mp = (5 * dayOfYear + 2) / 153;
        var day = (int)(dayOfYear - (153 * mp + 2) / 5 + 1);
        var month = (int)(mp < 10 ? mp + 3 : mp - 9);
        return (year + (month <= 2 ? 1 : 0), month, day);
    }

    private static bool IsLeap(long year) => year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);

    private static int YearDay(long year, int month, int day) => (int)(DaysFromCivil(year, month, day) - DaysFromCivil(year, 1, 1));

    private static int WeekDay(long days) => (int)(((days % 7) + 11) % 7);

    public static object GmTime(object? input)
    {
        if (input is not double time)
            throw new JqException("gmtime() requires numeric inputs");
        if (double.IsNaN(time) || Math.Abs(time) > 1e17)
            throw new JqException("errror converting number of seconds since epoch to datetime");
        var whole = (long)Math.Truncate(time);
        var fraction = time - Math.Floor(time);
        var days = Math.DivRem(whole, 86400L, out var secondsOfDay);
        if (secondsOfDay < 0)
        {
            secondsOfDay += 86400;
            days--;
        }
        var (year, month, day) = CivilFromDays(days);
        return new JqArray
        {
            Values.Number(year), Values.Number(month - 1), Values.Number(day),
            Values.Number(secondsOfDay / 3600), Values.Number(secondsOfDay / 60 % 60), Values.Number(secondsOfDay % 60 + fraction),
            Values.Number(WeekDay(days)), Values.Number(YearDay(year, month, day)),
        };
    }

    public static object MakeTime(object? input)
    {
        if (input is not JqArray array)
            throw new JqException("mktime requires array inputs");
        var time = ToBrokenDown(array, "mktime requires parsed datetime inputs");
        var seconds = Seconds(time);
        // timegm's -1 is its error value, and jq 1.6 reports it as one even for 1969-12-31T23:59:59.
        if (seconds == -1)
            throw new JqException("invalid gmtime representation");
        return Values.Number(seconds);
    }

    // timegm: normalizes out-of-range fields (month 13 is next January, second 61 carries); fractional seconds truncate.
    private static double Seconds(BrokenDown time)
    {
        var year = time.Year + Math.DivRem(time.Month, 12, out var month);
        if (month < 0)
        {
            month += 12;
            year--;
        }
        var days = DaysFromCivil(year, month + 1, 1) + time.Day - 1;
        return days * 86400.0 + time.Hour * 3600.0 + time.Minute * 60.0 + Math.Truncate(time.Second);
    }

    private static BrokenDown ToBrokenDown(JqArray array, string error)
    {
        if (array.Count < 8)
            throw new JqException(error);
        var fields = new double[8];
        for (var i = 0; i < 8; i++)
        {
            if (array[i] is not double number)
                throw new JqException(error);
            fields[i] = number;
        }
        return new BrokenDown((long)fields[0], (int)fields[1], (int)fields[2], (int)fields[3], (int)fields[4], fields[5], (int)fields[6], (int)fields[7]);
    }

    public static object FormatTime(object? input, object? format)
    {
        if (input is double)
            input = GmTime(input);
        if (input is not JqArray array)
            throw new JqException("strftime/1 requires parsed datetime inputs");
        var time = ToBrokenDown(array, "strftime/1 requires parsed datetime inputs");
        if (format is not string pattern)
            throw new JqException("strftime/1 requires a string format");
        var builder = new StringBuilder();
        Format(builder, pattern, time);
        return builder.ToString();
    }

    private static string Two(long value) => value.ToString("00", CultureInfo.InvariantCulture);

    private static void Format(StringBuilder builder, string pattern, BrokenDown time)
    {
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c != '%' || i + 1 >= pattern.Length)
            {
                builder.Append(c);
                continue;
            }
            var spec = pattern[++i];
            var weekDay = ((time.WeekDay % 7) + 7) % 7;
            var month = ((time.Month % 12) + 12) % 12;
            var hour12 = time.Hour % 12 == 0 ? 12 : time.Hour % 12;
            switch (spec)
            {
                case 'a': builder.Append(DayNames[weekDay], 0, 3); break;
                case 'A': builder.Append(DayNames[weekDay]); break;
                case 'b' or 'h': builder.Append(MonthNames[month], 0, 3); break;
                case 'B': builder.Append(MonthNames[month]); break;
                case 'c': Format(builder, "%a %b %e %H:%M:%S %Y", time); break;
                case 'C': builder.Append(Two(FloorDiv(time.Year, 100))); break;
                case 'd': builder.Append(Two(time.Day)); break;
                case 'D' or 'x': Format(builder, "%m/%d/%y", time); break;
                case 'e': builder.Append(time.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2)); break;
                case 'F': Format(builder, "%Y-%m-%d", time); break;
                case 'g': builder.Append(Two(((IsoYear(time) % 100) + 100) % 100)); break;
                case 'G': builder.Append(IsoYear(time).ToString(CultureInfo.InvariantCulture)); break;
                case 'H': builder.Append(Two(time.Hour)); break;
                case 'I': builder.Append(Two(hour12)); break;
                case 'j': builder.Append((time.YearDay + 1).ToString("000", CultureInfo.InvariantCulture)); break;
                case 'k': builder.Append(time.Hour.ToString(CultureInfo.InvariantCulture).PadLeft(2)); break;
                case 'l': builder.Append(hour12.ToString(CultureInfo.InvariantCulture).PadLeft(2)); break;
                case 'm': builder.Append(Two(time.Month + 1)); break;
                case 'M': builder.Append(Two(time.Minute)); break;
                case 'n': builder.Append('\n'); break;
                case 'p': builder.Append(time.Hour >= 12 ? "PM" : "AM"); break;
                case 'P': builder.Append(time.Hour >= 12 ? "pm" : "am"); break;
                case 'r': Format(builder, "%I:%M:%S %p", time); break;
                case 'R': Format(builder, "%H:%M", time); break;
                case 's': builder.Append(((long)Seconds(time)).ToString(CultureInfo.InvariantCulture)); break;
                case 'S': builder.Append(Two((long)time.Second)); break;
                case 't': builder.Append('\t'); break;
                case 'T' or 'X': Format(builder, "%H:%M:%S", time); break;
                case 'u': builder.Append(weekDay == 0 ? 7 : weekDay); break;
                case 'U': builder.Append(Two((time.YearDay + 7 - weekDay) / 7)); break;
                case 'V': builder.Append(Two(IsoWeek(time))); break;
                case 'w': builder.Append(weekDay); break;
                case 'W': builder.Append(Two((time.YearDay + 7 - ((weekDay + 6) % 7)) / 7)); break;
                case 'y': builder.Append(Two(((time.Year % 100) + 100) % 100)); break;
                case 'Y': builder.Append(time.Year.ToString(CultureInfo.InvariantCulture)); break;
                case 'z': builder.Append("+0000"); break;
                case 'Z': builder.Append("UTC"); break;
                case '%': builder.Append('%'); break;
                default: builder.Append('%').Append(spec); break;
            }
        }
    }

    private static long FloorDiv(long value, long divisor) => (long)Math.Floor(value / (double)divisor);

    // ISO 8601 week-based year and week, from the fields as given (like C's strftime, which trusts tm_wday/tm_yday).
    private static (long Year, int Week) Iso(BrokenDown time)
    {
        var weekDay = ((time.WeekDay % 7) + 7) % 7;
        var mondayBased = (weekDay + 6) % 7;
        var week = (time.YearDay - mondayBased + 10) / 7;
        if (week < 1)
        {
            var previous = time.Year - 1;
            var previousDays = IsLeap(previous) ? 366 : 365;
            return (previous, (time.YearDay + previousDays - mondayBased + 10) / 7);
        }
        var daysInYear = IsLeap(time.Year) ? 366 : 365;
        if (week == 53 && time.YearDay - mondayBased + 3 >= daysInYear)
            return (time.Year + 1, 1);
        return (time.Year, week);
    }

    private static long IsoYear(BrokenDown time) => Iso(time).Year;

    private static int IsoWeek(BrokenDown time) => Iso(time).Week;

    /// <summary>glibc-style strptime for the C locale; the result's weekday and day of year are computed from the date.</summary>
    public static object ParseTime(object? input, object? format)
    {
        if (input is not string text || format is not string pattern)
            throw new JqException("strptime/1 requires string inputs and arguments");
        var parser = new TimeParser(text);
        if (!parser.Parse(pattern) || parser.Position != text.Length)
            throw new JqException("date \"" + text + "\" does not match format \"" + pattern + "\"");
        if (parser.EpochSeconds is long epoch)
            return GmTime((double)epoch);
        var year = parser.Year;
        var yearDay = parser.YearDay ?? YearDay(year, parser.Month + 1, parser.Day);
        var days = DaysFromCivil(year, parser.Month + 1, parser.Day);
        return new JqArray
        {
            Values.Number(year), Values.Number(parser.Month), Values.Number(parser.Day),
            Values.Number(parser.Hour), Values.Number(parser.Minute), Values.Number(parser.Second),
            Values.Number(WeekDay(days)), Values.Number(yearDay),
        };
    }

    private sealed class TimeParser(string text)
    {
        public int Position { get; private set; }
        public long Year { get; private set; } = 1900;
        public int Month { get; private set; }
        public int Day { get; private set; } = 1;
        public int Hour { get; private set; }
        public int Minute { get; private set; }
        public int Second { get; private set; }
        public int? YearDay { get; private set; }
        public long? EpochSeconds { get; private set; }
        private bool _afternoon;
        private bool _hasMeridiem;

        public bool Parse(string pattern)
        {
            if (!ParseInner(pattern))
                return false;
            if (_hasMeridiem && _afternoon && Hour < 12)
                Hour += 12;
            return true;
        }

        private bool ParseInner(string pattern)
        {
            for (var i = 0; i < pattern.Length; i++)
            {
                var c = pattern[i];
                if (char.IsWhiteSpace(c))
                {
                    SkipSpace();
                    continue;
                }
                if (c != '%' || i + 1 >= pattern.Length)
                {
                    if (Position >= text.Length || text[Position] != c)
                        return false;
                    Position++;
                    continue;
                }
                var spec = pattern[++i];
                if (spec is 'E' or 'O' && i + 1 < pattern.Length)
                    spec = pattern[++i];
                int? value;
                switch (spec)
                {
                    case 'Y':
                        SkipSpace();
                        if ((value = Number(4, true)) is null) return false;
                        Year = value.Value;
                        break;
                    case 'm':
                        SkipSpace();
                        if ((value = Number(2)) is null || value < 1 || value > 12) return false;
                        Month = value.Value - 1;
                        break;
                    case 'd' or 'e':
                        SkipSpace();
                        if ((value = Number(2)) is null || value < 1 || value > 31) return false;
                        Day = value.Value;
                        break;
                    case 'H' or 'k':
                        SkipSpace();
                        if ((value = Number(2)) is null || value > 23) return false;
                        Hour = value.Value;
                        break;
                    case 'I' or 'l':
                        SkipSpace();
                        if ((value = Number(2)) is null || value < 1 || value > 12) return false;
                        Hour = value.Value % 12;
                        break;
                    case 'M':
                        SkipSpace();
                        if ((value = Number(2)) is null || value > 59) return false;
                        Minute = value.Value;
                        break;
                    case 'S':
                        SkipSpace();
                        if ((value = Number(2)) is null || value > 61) return false;
                        Second = value.Value;
                        break;
                    case 'j':
                        SkipSpace();
                        if ((value = Number(3)) is null || value < 1 || value > 366) return false;
                        YearDay = value.Value - 1;
                        break;
                    case 'y':
                        SkipSpace();
                        if ((value = Number(2)) is null) return false;
                        Year = value.Value < 69 ? 2000 + value.Value : 1900 + value.Value;
                        break;
                    case 'C':
                        SkipSpace();
                        if ((value = Number(2)) is null) return false;
                        Year = value.Value * 100 + Year % 100;
                        break;
                    case 's':
                        {
                            SkipSpace();
                            var start = Position;
                            if (Position < text.Length && text[Position] == '-')
                                Position++;
                            while (Position < text.Length && char.IsAsciiDigit(text[Position]))
                                Position++;
                            if (!long.TryParse(text.AsSpan(start, Position - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
                                return false;
                            EpochSeconds = seconds;
                            break;
                        }
                    case 'a' or 'A':
                        SkipSpace();
                        if (Name(DayNames) is null) return false;
                        break;
                    case 'b' or 'B' or 'h':
                        SkipSpace();
                        if ((value = Name(MonthNames)) is null) return false;
                        Month = value.Value;
                        break;
                    case 'p':
                        SkipSpace();
                        if (Match("AM") || Match("am")) { _hasMeridiem = true; _afternoon = false; }
                        else if (Match("PM") || Match("pm")) { _hasMeridiem = true; _afternoon = true; }
                        else return false;
                        break;
                    case 'z':
                        {
                            SkipSpace();
                            if (Match("Z"))
                                break;
                            if (Position >= text.Length || text[Position] is not ('+' or '-'))
                                return false;
                            Position++;
                            var start = Position;
                            while (Position < text.Length && (char.IsAsciiDigit(text[Position]) || text[Position] == ':') && Position - start < 5)
                                Position++;
                            if (Position - start < 2)
                                return false;
                            break;
                        }
                    case 'Z':
                        while (Position < text.Length && char.IsAsciiLetter(text[Position]))
                            Position++;
                        break;
                    case 'T':
                        if (!ParseInner("%H:%M:%S")) return false;
                        break;
                    case 'D':
                        if (!ParseInner("%m/%d/%y")) return false;
                        break;
                    case 'F':
                        if (!ParseInner("%Y-%m-%d")) return false;
                        break;
                    case 'R':
                        if (!ParseInner("%H:%M")) return false;
                        break;
                    case 'c':
                        if (!ParseInner("%a %b %e %H:%M:%S %Y")) return false;
                        break;
                    case 'n' or 't':
                        SkipSpace();
                        break;
                    case '%':
                        if (!Match("%")) return false;
                        break;
                    default:
                        return false;
                }
            }
            return true;
        }

        private void SkipSpace()
        {
            while (Position < text.Length && char.IsWhiteSpace(text[Position]))
                Position++;
        }

        private bool Match(string expected)
        {
            if (string.CompareOrdinal(text, Position, expected, 0, expected.Length) != 0)
                return false;
            Position += expected.Length;
            return true;
        }

        private int? Number(int maxDigits, bool allowSign = false)
        {
            var start = Position;
            var negative = false;
            if (allowSign && Position < text.Length && text[Position] is '+' or '-')
            {
                negative = text[Position] == '-';
                Position++;
            }
            var digitsStart = Position;
            var value = 0;
            while (Position < text.Length && Position - digitsStart < maxDigits && char.IsAsciiDigit(text[Position]))
                value = value * 10 + (text[Position++] - '0');
            if (Position == digitsStart)
            {
                Position = start;
                return null;
            }
            return negative ? -value : value;
        }

        private int? Name(string[] names)
        {
            for (var i = 0; i < names.Length; i++)
            {
                if (string.Compare(text, Position, names[i], 0, names[i].Length, StringComparison.OrdinalIgnoreCase) == 0)
                {
                    Position += names[i].Length;
                    return i;
                }
            }
            for (var i = 0; i < names.Length; i++)
            {
                if (string.Compare(text, Position, names[i], 0, 3, StringComparison.OrdinalIgnoreCase) == 0)
                {
                    Position += 3;
                    return i;
                }
            }
            return null;
        }
    }
}
