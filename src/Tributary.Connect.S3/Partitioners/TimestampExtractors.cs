using System.Collections;
using System.Globalization;
using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using Tributary.Connect.Sink;

namespace Tributary.Connect.S3.Partitioners;

/// <summary>storage-common's timestamp extractors: where a time-based partitioner's timestamp comes from.</summary>
public interface ITimestampExtractor
{
    bool IsWallclock { get; }

    long Extract(SinkRecord record, long nowMs);

    /// <summary>The extractor named by <c>timestamp.extractor</c> (and <c>timestamp.field</c> for RecordField).</summary>
    public static ITimestampExtractor Create(string name, string field) => name switch
    {
        "Wallclock" => new WallclockExtractor(),
        "Record" => new RecordExtractor(),
        "RecordField" => new RecordFieldExtractor(field),
        _ => throw new ConfigException("timestamp.extractor", name, "Class " + name + " could not be found"),
    };
}

/// <summary>Processing time: the time the sink handles the record.</summary>
public sealed class WallclockExtractor : ITimestampExtractor
{
    public bool IsWallclock => true;

    public long Extract(SinkRecord record, long nowMs) => nowMs;
}

/// <summary>The Kafka record's timestamp.</summary>
public sealed class RecordExtractor : ITimestampExtractor
{
    public bool IsWallclock => false;

    public long Extract(SinkRecord record, long nowMs) =>
        record.Timestamp ?? throw new DataException("Unable to determine timestamp using timestamp.extractor Record for record: " + record);
}

/// <summary>
/// A field of the value (a dotted path into nested Structs or maps): INT32/INT64 milliseconds, a Timestamp/Date
/// logical value, or a string holding an ISO-8601 date-time or a number of milliseconds.
/// </summary>
public sealed class RecordFieldExtractor(string fieldPath) : ITimestampExtractor
{
    private readonly string[] _path = fieldPath.Split('.');

    public bool IsWallclock => false;

    public long Extract(SinkRecord record, long nowMs)
    {
        object? current = record.Value;
        foreach (var name in _path)
        {
            current = current switch
            {
                Struct value => value.Schema.Field(name) is { } field ? value.Get(field) : throw Unsupported(record),
                IDictionary map => map.Contains(name) ? map[name] : throw Unsupported(record),
                _ => throw Unsupported(record),
            };
        }
        return current switch
        {
            long millis => millis,
            int millis => millis,
            DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)).ToUnixTimeMilliseconds(),
            DateTimeOffset time => time.ToUnixTimeMilliseconds(),
            string text when long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var millis) => millis,
            string text when DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time) => time.ToUnixTimeMilliseconds(),
            _ => throw Unsupported(record),
        };
    }

    private DataException Unsupported(SinkRecord record) =>
        new("Unable to extract timestamp from field '" + fieldPath + "' of record: " + record);
}
