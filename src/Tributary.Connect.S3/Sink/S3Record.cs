using Tributary.Connect.Data;
using Tributary.Connect.Sink;
using Tributary.Delivery.Engine;
using Tributary.Delivery.Sources;

namespace Tributary.Connect.S3.Sink;

/// <summary>
/// A sink record as the engine's source hands it over: its Kafka position, and what the task worked out on the worker's
/// thread — the encoded partition, the rotation timestamp, the encoded line for the line formats, or that the record
/// is to be skipped (a tolerated failure, an ignored tombstone) so that only its position advances. The Connect value
/// is kept only for the schema formats (their encoders need it); a line-format record holds its line and value schema
/// alone, so that what is buffered is what <see cref="Size"/> counts.
/// </summary>
public sealed class SinkSourceRecord(SinkRecord record, long arrivalMs, byte[] line, string encodedPartition, long timestampMs, bool skip, IReadOnlyList<SinkSourceRecord>? views = null)
    : SourceRecord(record.OriginalKafkaPartition, record.OriginalKafkaOffset, arrivalMs, null, line)
{
    /// <summary>
    /// Bytes a buffered record costs beyond its line's or value's content, estimated from the objects' fields on a
    /// 64-bit runtime: this object (~96 bytes), its <see cref="S3Record"/> (~56), the line array's header (24) and the
    /// buffer's list slot (8), rounded up.
    /// </summary>
    public const int RecordOverhead = 192;

    /// <summary>The value's schema: a change of schema rotates the file (and Avro/Parquet files take it as theirs).</summary>
    public Schema? ValueSchema { get; } = record.ValueSchema;

    /// <summary>The Connect value for the schema formats (Avro, Parquet); null for the line formats.</summary>
    public object? Value { get; } = line.Length == 0 && !skip ? record.Value : null;

    public string EncodedPartition { get; } = encodedPartition;

    public long TimestampMs { get; } = timestampMs;

    public bool Skip { get; } = skip;

    /// <summary>
    /// The record's other views, prepared for their formats (<see cref="Formats.RecordViews"/>): the key with
    /// <c>store.kafka.keys</c>, then the headers with <c>store.kafka.headers</c>; empty when neither is stored.
    /// </summary>
    public IReadOnlyList<SinkSourceRecord> Views { get; } = views ?? [];

    /// <summary>True for a tombstone written with <c>behavior.on.null.values=write</c>: only its views are written.</summary>
    public bool IsTombstone { get; } = !skip && record.Value is null;

    /// <summary>Bytes the record holds in memory: the line, or an estimate of the Connect value for the schema formats; and its views'.</summary>
    public long Size { get; } = RecordOverhead + (line.Length > 0 ? line.Length : ValueSize.Estimate(line.Length == 0 && !skip ? record.Value : null)) + (views?.Sum(v => v.Size) ?? 0);
}

/// <summary>One buffered record of the S3 sink dialect.</summary>
public sealed class S3Record : DeliveryRecord
{
    public S3Record(SinkSourceRecord source)
        : base(source)
    {
        Sink = source;
        if (source.Skip)
        {
            Outcome = ProcessedOutcome.Dropped;
        }
    }

    public SinkSourceRecord Sink { get; }

    public override long Size => Sink.Size;
}
