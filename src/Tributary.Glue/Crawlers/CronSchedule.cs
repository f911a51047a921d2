using System.Globalization;

namespace Tributary.Glue.Crawlers;

/// <summary>
/// A crawler schedule in Glue's cron syntax, <c>cron(Minutes Hours Day-of-month Month Day-of-week Year)</c>, evaluated
/// in UTC (Glue's "Time-based schedules for jobs and crawlers"): values, lists (<c>,</c>), ranges (<c>-</c>), all
/// (<c>*</c>), increments (<c>a/n</c>, <c>*/n</c>); months JAN–DEC; days of the week 1–7 = SUN–SAT; exactly one of
/// Day-of-month and Day-of-week is <c>?</c>; in Day-of-month <c>L</c> (the last day), <c>nW</c> (the weekday nearest day
/// n, within the month) and <c>LW</c> (the last weekday); in Day-of-week <c>nL</c> (the month's last such day; <c>L</c>
/// alone is Saturday) and <c>n#k</c> (the k-th such day); years 1970–2199. Glue refuses schedules that run more often
/// than every 5 minutes: <see cref="Parse"/> does too. Immutable and thread-safe.
/// </summary>
public sealed class CronSchedule
{
    /// <summary>Glue's shortest interval between two runs of a schedule.</summary>
    public const int MinimumIntervalMinutes = 5;

    private const int FirstYear = 1970;
    private const int LastYear = 2199;

    private static readonly string[] MonthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] DayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    private readonly bool[] _minutes;
    private readonly bool[] _hours;
    private readonly bool[] _months;
    private readonly bool[] _years;
    private readonly DayRule _days;

    private CronSchedule(string expression, bool[] minutes, bool[] hours, bool[] months, bool[] years, DayRule days)
    {
        Expression = expression;
        _minutes = minutes;
        _hours = hours;
        _months = months;
        _years = years;
        _days = days;
    }

    /// <summary>The expression as given, <c>cron(…)</c>.</summary>
    public string Expression { get; }

    /// <summary>Parses a Glue schedule; <see cref="FormatException"/> with a message naming what is wrong.</summary>
    public static CronSchedule Parse(string expression)
    {
        var text = expression.Trim();
        if (!text.StartsWith("cron(", StringComparison.OrdinalIgnoreCase) || !text.EndsWith(')'))
        {
            throw new FormatException($"Invalid schedule expression {expression}: expected cron(Minutes Hours Day-of-month Month Day-of-week Year).");
        }
        var fields = text[5..^1].Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (fields.Length != 6)
        {
            throw new FormatException($"Invalid schedule expression {expression}: a cron expression has six fields (Minutes Hours Day-of-month Month Day-of-week Year), this one has {fields.Length}.");
        }
        try
        {
            var minutes = Field(fields[0], 0, 59, null, "Minutes");
            var hours = Field(fields[1], 0, 23, null, "Hours");
            var months = Field(fields[3], 1, 12, MonthNames, "Month");
            var years = Field(fields[5], FirstYear, LastYear, null, "Year");
            var days = DayRule.Parse(fields[2].ToUpperInvariant(), fields[4].ToUpperInvariant());
            var schedule = new CronSchedule(expression, minutes, hours, months, years, days);
            schedule.CheckInterval();
            return schedule;
        }
        catch (FormatException e)
        {
            throw new FormatException($"Invalid schedule expression {expression}: {e.Message}", e);
        }
    }

    /// <summary>The first time strictly after <paramref name="after"/> (whole UTC minutes) the schedule fires; null when it never fires again.</summary>
    public DateTimeOffset? Next(DateTimeOffset after)
    {
        var start = after.ToUniversalTime();
        start = new DateTimeOffset(start.Year, start.Month, start.Day, start.Hour, start.Minute, 0, TimeSpan.Zero).AddMinutes(1);
        var day = new DateOnly(start.Year, start.Month, start.Day);
        var fromMinute = (start.Hour * 60) + start.Minute;
        while (day.Year <= LastYear)
        {
            if (!_years[day.Year - FirstYear])
            {
                day = new DateOnly(day.Year + 1, 1, 1);
                fromMinute = 0;
                continue;
            }
            if (!_months[day.Month - 1])
            {
                day = new DateOnly(day.Year, day.Month, 1).AddMonths(1);
                fromMinute = 0;
                continue;
            }
            if (_days.Matches(day))
            {
                for (var minuteOfDay = fromMinute; minuteOfDay < 24 * 60; minuteOfDay++)
                {
                    if (_hours[minuteOfDay / 60] && _minutes[minuteOfDay % 60])
                    {
                        return new DateTimeOffset(day.Year, day.Month, day.Day, minuteOfDay / 60, minuteOfDay % 60, 0, TimeSpan.Zero);
                    }
                }
            }
            day = day.AddDays(1);
            fromMinute = 0;
        }
        return null;
    }

    /// <summary>
    /// Glue's 5-minute rule: two minutes of the same hour closer than that, or the last minute of an hour and the first of
    /// the next (when two consecutive hours are in the schedule).
    /// </summary>
    private void CheckInterval()
    {
        var minutes = Enumerable.Range(0, 60).Where(m => _minutes[m]).ToList();
        var tooClose = minutes.Zip(minutes.Skip(1)).Any(pair => pair.Second - pair.First < MinimumIntervalMinutes);
        var consecutiveHours = Enumerable.Range(0, 24).Any(h => _hours[h] && _hours[(h + 1) % 24]);
        if (tooClose || (consecutiveHours && 60 - minutes[^1] + minutes[0] < MinimumIntervalMinutes))
        {
            throw new FormatException($"cron expressions that run more often than every {MinimumIntervalMinutes} minutes are not supported.");
        }
    }

    /// <summary>One field of values, lists, ranges and increments as a set over [low, high].</summary>
    private static bool[] Field(string field, int low, int high, string[]? names, string label)
    {
        var set = new bool[high - low + 1];
        foreach (var part in field.ToUpperInvariant().Split(','))
        {
            var (from, to, step) = Range(part, low, high, names, label);
            for (var value = from; value <= to; value += step)
            {
                set[value - low] = true;
            }
        }
        return set;
    }

    /// <summary><c>*</c>, <c>v</c>, <c>a-b</c>, each optionally <c>/step</c> (<c>v/step</c> runs from v to the field's end).</summary>
    private static (int From, int To, int Step) Range(string part, int low, int high, string[]? names, string label)
    {
        var slash = part.IndexOf('/');
        var step = 1;
        var range = part;
        if (slash >= 0)
        {
            step = Number(part[(slash + 1)..], 1, high - low + 1, null, label + " increment");
            range = part[..slash];
        }
        if (range == "*")
        {
            return (low, high, step);
        }
        var dash = range.IndexOf('-');
        if (dash < 0)
        {
            var value = Number(range, low, high, names, label);
            return (value, slash >= 0 ? high : value, step);
        }
        var from = Number(range[..dash], low, high, names, label);
        var to = Number(range[(dash + 1)..], low, high, names, label);
        return from <= to ? (from, to, step) : throw new FormatException($"the {label} range {range} runs backwards.");
    }

    private static int Number(string text, int low, int high, string[]? names, string label)
    {
        if (names is not null && Array.IndexOf(names, text) is var index and >= 0)
        {
            return index + low;
        }
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= low && value <= high
            ? value
            : throw new FormatException($"{label} value {(text.Length == 0 ? "(empty)" : text)} is not in {low}–{high}{(names is null ? "" : $" or {names[0]}–{names[^1]}")}.");
    }

    /// <summary>Day-of-month and Day-of-week together: one of them is '?', the other decides.</summary>
    private sealed class DayRule
    {
        private bool[]? _monthDays;
        private bool _lastDay;
        private bool _lastWeekday;
        private int _nearestWeekday;
        private bool[]? _weekDays;
        private int _lastOfWeekDay;
        private (int Day, int Nth)? _nthWeekDay;

        public static DayRule Parse(string monthDay, string weekDay)
        {
            if ((monthDay == "?") == (weekDay == "?"))
            {
                throw new FormatException("one of Day-of-month and Day-of-week must be ? (and only one).");
            }
            var rule = new DayRule();
            if (weekDay == "?")
            {
                if (monthDay == "L")
                {
                    rule._lastDay = true;
                }
                else if (monthDay == "LW")
                {
                    rule._lastWeekday = true;
                }
                else if (monthDay.EndsWith('W'))
                {
                    rule._nearestWeekday = Number(monthDay[..^1], 1, 31, null, "Day-of-month");
                }
                else
                {
                    rule._monthDays = Field(monthDay, 1, 31, null, "Day-of-month");
                }
                return rule;
            }
            if (weekDay == "L")
            {
                rule._weekDays = Field("7", 1, 7, DayNames, "Day-of-week");
            }
            else if (weekDay.EndsWith('L'))
            {
                rule._lastOfWeekDay = Number(weekDay[..^1], 1, 7, DayNames, "Day-of-week");
            }
            else if (weekDay.IndexOf('#') is var hash and > 0)
            {
                rule._nthWeekDay = (Number(weekDay[..hash], 1, 7, DayNames, "Day-of-week"), Number(weekDay[(hash + 1)..], 1, 5, null, "Day-of-week #"));
            }
            else
            {
                rule._weekDays = Field(weekDay, 1, 7, DayNames, "Day-of-week");
            }
            return rule;
        }

        public bool Matches(DateOnly day)
        {
            var daysInMonth = DateTime.DaysInMonth(day.Year, day.Month);
            var weekDay = (int)day.DayOfWeek + 1;
            if (_monthDays is not null)
            {
                return _monthDays[day.Day - 1];
            }
            if (_lastDay)
            {
                return day.Day == daysInMonth;
            }
            if (_lastWeekday)
            {
                return day == Weekday(new DateOnly(day.Year, day.Month, daysInMonth), daysInMonth);
            }
            if (_nearestWeekday > 0)
            {
                return _nearestWeekday <= daysInMonth && day == Weekday(new DateOnly(day.Year, day.Month, _nearestWeekday), daysInMonth);
            }
            if (_weekDays is not null)
            {
                return _weekDays[weekDay - 1];
            }
            if (_lastOfWeekDay > 0)
            {
                return weekDay == _lastOfWeekDay && day.Day + 7 > daysInMonth;
            }
            return _nthWeekDay is { } nth && weekDay == nth.Day && ((day.Day - 1) / 7) + 1 == nth.Nth;
        }

        /// <summary>The weekday nearest <paramref name="target"/> without leaving its month.</summary>
        private static DateOnly Weekday(DateOnly target, int daysInMonth) => target.DayOfWeek switch
        {
            DayOfWeek.Saturday => target.Day == 1 ? target.AddDays(2) : target.AddDays(-1),
            DayOfWeek.Sunday => target.Day == daysInMonth ? target.AddDays(-2) : target.AddDays(1),
            _ => target,
        };
    }
}
