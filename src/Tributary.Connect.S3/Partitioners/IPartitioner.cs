using Tributary.Connect.Sink;

namespace Tributary.Connect.S3.Partitioners;

/// <summary>
/// Which directory of a topic a record's file goes to (storage-common's <c>Partitioner.encodePartition</c>), and the
/// record's timestamp for rotation by record time. A <see cref="Errors.DataException"/> when the record lacks what the
/// partitioner needs (the record then goes to the dead-letter queue or fails the task). Immutable and thread-safe.
/// </summary>
public interface IPartitioner
{
    /// <summary>
    /// True when the encoded partition depends on the processing time (the Wallclock extractor): a record read again
    /// after a crash may land in another directory, so the sink keeps one file per Kafka partition open at a time.
    /// </summary>
    bool DependsOnClock { get; }

    /// <summary>The encoded partition (e.g. <c>partition=3</c>, <c>year=2026/month=12</c>) and the timestamp (ms) used for time-based rotation, or -1.</summary>
    (string EncodedPartition, long TimestampMs) Partition(SinkRecord record, long nowMs);
}
