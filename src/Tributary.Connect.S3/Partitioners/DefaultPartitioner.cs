using System.Globalization;
using Tributary.Connect.Sink;

namespace Tributary.Connect.S3.Partitioners;

/// <summary>storage-common's DefaultPartitioner: one directory per Kafka partition, <c>partition=N</c>.</summary>
public sealed class DefaultPartitioner : IPartitioner
{
    public bool DependsOnClock => false;

    public (string EncodedPartition, long TimestampMs) Partition(SinkRecord record, long nowMs) =>
        ("partition=" + record.KafkaPartition!.Value.ToString(CultureInfo.InvariantCulture), -1);
}
