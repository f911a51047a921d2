using Tributary.Delivery.Processing;

namespace Tributary.Delivery.Engine;

/// <summary>
/// Records bound for one object: the stream's main output, one per distinct dynamic-partitioning key, or one per
/// error output type. <see cref="Id"/> names the buffer in the delivery marks of <see cref="DeliveryState"/>, so it
/// must be a pure function of the record (its keys, its error type), never of timing.
/// </summary>
internal sealed class RecordBuffer(string id, ProcessedRecord first, long createdTicks)
{
    public string Id { get; } = id;

    /// <summary>The keys and error type every record of the buffer shares (taken from the first).</summary>
    public Dictionary<string, string>? QueryKeys { get; } = first.QueryKeys;

    public Dictionary<string, string>? LambdaKeys { get; } = first.LambdaKeys;

    public string? ErrorOutputType { get; } = first.Outcome == ProcessedOutcome.Failed ? first.ErrorOutputType : null;

    public List<ProcessedRecord> Records { get; } = [];

    /// <summary>Bytes of record data held.</summary>
    public long Bytes { get; private set; }

    /// <summary>Environment.TickCount64 when the first record arrived: the buffering interval counts from here.</summary>
    public long CreatedTicks { get; } = createdTicks;

    public long OldestArrivalMs { get; private set; } = long.MaxValue;

    /// <summary>Per source partition: the first offset in the buffer and the offset after the last.</summary>
    public SortedDictionary<int, (long First, long Next)> Ranges { get; } = [];

    public void Add(ProcessedRecord record)
    {
        Records.Add(record);
        Bytes += record.Data.Length;
        OldestArrivalMs = Math.Min(OldestArrivalMs, record.Source.ArrivalMs);
        var partition = record.Source.Partition;
        var offset = record.Source.Offset;
        Ranges[partition] = Ranges.TryGetValue(partition, out var range)
            ? (Math.Min(range.First, offset), Math.Max(range.Next, offset + 1))
            : (offset, offset + 1);
    }

    /// <summary>The buffer of the source-record backup (S3BackupMode Enabled): every source record as it arrived.</summary>
    public const string BackupId = "backup";

    /// <summary>The buffer id of a record: "ok" plus its sorted keys, or "error:" plus its error type.</summary>
    public static string IdOf(ProcessedRecord record)
    {
        if (record.Outcome == ProcessedOutcome.Failed)
        {
            return "error:" + record.ErrorOutputType;
        }
        if (record.QueryKeys is null && record.LambdaKeys is null)
        {
            return "ok";
        }
        var id = new System.Text.StringBuilder("ok");
        Append(id, 'q', record.QueryKeys);
        Append(id, 'l', record.LambdaKeys);
        return id.ToString();
    }

    private static void Append(System.Text.StringBuilder id, char kind, Dictionary<string, string>? keys)
    {
        if (keys is null)
        {
            return;
        }
        foreach (var (name, value) in keys.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            // Lengths make the id unambiguous whatever characters names and values contain.
            id.Append('|').Append(kind).Append(name.Length).Append(':').Append(name).Append('=').Append(value.Length).Append(':').Append(value);
        }
    }
}
