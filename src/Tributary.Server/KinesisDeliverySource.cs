using Tributary.Aws;
using Tributary.Broker;
using Tributary.Delivery.Sources;
using Tributary.Firehose.Model;
using Tributary.Firehose.Sources;
using Tributary.Kinesis;

namespace Tributary.Server;

/// <summary>
/// KinesisStreamAsSource: a stream of this server's Kinesis API read by a delivery stream — its topic
/// (<c>kinesis.NAME</c>, one partition per shard) in-process, every shard, children only after their parents are
/// read to the end. The lineage comes from Kinesis's <see cref="KinesisStreams.ShardLineage"/>
/// snapshot; this host code takes none of Kinesis's locks.
/// </summary>
public static class KinesisDeliverySource
{
    public static Func<KinesisSourceDefinition, IDeliverySource> Factory(IBrokerApi broker, KinesisStreams streams) => definition =>
    {
        StreamState stream;
        try
        {
            stream = streams.Resolve(null, definition.StreamArn);
        }
        catch (AwsErrorException e)
        {
            throw DeliveryException.InvalidArgument($"KinesisStreamARN {definition.StreamArn}: {e.Message}");
        }
        var start = definition.DeliveryStartTimestamp ?? DateTimeOffset.UtcNow;
        IReadOnlyList<ShardLineage> Lineage() =>
            [.. streams.ShardLineage(stream).Select(s => new ShardLineage(s.Index, s.ParentIndex, s.AdjacentParentIndex, s.EndOffset, s.CreatedMs))];
        return new TopicSource(broker, stream.Topic, StartPosition.At(start), new KinesisShardGate(Lineage, start));
    };
}
