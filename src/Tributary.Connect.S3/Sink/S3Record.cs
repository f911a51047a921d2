using Tributary.Connect.Sink;
using Tributary.Delivery.Engine;
using Tributary.Delivery.Sources;

namespace Tributary.Connect.S3.Sink;

/// <summary>
/// A sink record as the engine's source hands it over: its Kafka position, and what the task worked out on the worker's
/// thread — the encoded partition, the rotation timestamp, the encoded line for the line formats, or that the record
/// is to be skipped (a tolerated failure, an ignored tombstone) so that only its position advances.
/// </summary>
public sealed class SinkSourceRecord(SinkRecord record, long arrivalMs, byte[] line, string encodedPartition, long timestampMs, bool skip)
    : SourceRecord(record.OriginalKafkaPartition, record.OriginalKafkaOffset, arrivalMs, null, line)
{
    public SinkRecord Record { get; } = record;

    public string EncodedPartition { get; } = encodedPartition;

    public long TimestampMs { get; } = timestampMs;

    public bool Skip { get; } = skip;

    /// <summary>Bytes the record holds in memory: the line, or an estimate of the Connect value for the schema formats.</summary>
    public long Size { get; } = line.Length > 0 ? line.Length + 1 : 64 + ValueSize.Estimate(record.Value);
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
