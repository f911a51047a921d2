using System.Text;
using Tributary.Connect.Sink;
using Tributary.Delivery.Naming;

namespace Tributary.Connect.S3.Partitioners;

/// <summary>
/// storage-common's TimeBasedPartitioner (and its Daily and Hourly presets): the record's timestamp, floored to
/// <c>partition.duration.ms</c> in local time of <c>timezone</c>, printed with <c>path.format</c> (Joda syntax). The
/// path's trailing <c>directory.delim</c> is dropped, as Confluent does.
/// </summary>
public sealed class TimeBasedPartitioner : IPartitioner
{
    public const long DayMs = 24L * 60 * 60 * 1000;
    public const long HourMs = 60L * 60 * 1000;

    private readonly long _durationMs;
    private readonly JavaDateTimePattern _format;
    private readonly TimeZoneInfo _zone;
    private readonly ITimestampExtractor _extractor;

    public TimeBasedPartitioner(long durationMs, string pathFormat, TimeZoneInfo zone, ITimestampExtractor extractor, string directoryDelimiter)
    {
        _durationMs = durationMs;
        if (directoryDelimiter.Length > 0 && pathFormat.EndsWith(directoryDelimiter, StringComparison.Ordinal))
        {
            pathFormat = pathFormat[..^directoryDelimiter.Length];
        }
        _format = JavaDateTimePattern.Parse(JodaPattern.ToJavaTime(pathFormat));
        _zone = zone;
        _extractor = extractor;
    }

    /// <summary>DailyPartitioner: one day, <c>'year'=YYYY/'month'=MM/'day'=dd</c> with the configured delimiter.</summary>
    public static string DailyPathFormat(string delimiter) => "'year'=YYYY" + delimiter + "'month'=MM" + delimiter + "'day'=dd";

    /// <summary>HourlyPartitioner: one hour, the daily path plus <c>'hour'=HH</c>.</summary>
    public static string HourlyPathFormat(string delimiter) => DailyPathFormat(delimiter) + delimiter + "'hour'=HH";

    public bool DependsOnClock => _extractor.IsWallclock;

    public (string EncodedPartition, long TimestampMs) Partition(SinkRecord record, long nowMs)
    {
        var timestamp = _extractor.Extract(record, nowMs);
        return (Encode(timestamp), timestamp);
    }

    /// <summary>Confluent's getPartition: floor in local time, back to an instant, printed in the zone.</summary>
    public string Encode(long timestampMs)
    {
        var offset = (long)_zone.GetUtcOffset(DateTimeOffset.FromUnixTimeMilliseconds(timestampMs)).TotalMilliseconds;
        var local = timestampMs + offset;
        // Java's integer division truncates toward zero; so does C#'s.
        var floored = local / _durationMs * _durationMs;
        var instant = floored - offset;
        return _format.Format(DateTimeOffset.FromUnixTimeMilliseconds(instant), _zone);
    }
}

/// <summary>
/// Joda-Time's pattern letters where they differ from java.time's, translated for <see cref="JavaDateTimePattern"/>:
/// Joda's <c>Y</c> is the year of era (java.time's <c>y</c>), its <c>y</c> the proleptic year (<c>u</c>) and its
/// <c>x</c> the week-based year (<c>Y</c>). Quoted text is kept as it is.
/// </summary>
public static class JodaPattern
{
    public static string ToJavaTime(string joda)
    {
        var output = new StringBuilder(joda.Length);
        var quoted = false;
        foreach (var c in joda)
        {
            if (c == '\'')
            {
                quoted = !quoted;
                output.Append(c);
                continue;
            }
            output.Append(quoted ? c : c switch { 'Y' => 'y', 'y' => 'u', 'x' => 'Y', _ => c });
        }
        return output.ToString();
    }
}
