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
/// read to the end.
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
        IReadOnlyList<ShardLineage> Lineage()
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            lock (stream.Lock)
            {
                return [.. stream.Shards.Where(s => stream.IsVisible(s, now)).Select(s => new ShardLineage(
                    s.Index, Index(s.ParentShardId), Index(s.AdjacentParentShardId), s.EndOffset, s.CreatedMs))];
            }
        }
        return new TopicSource(broker, stream.Topic, StartPosition.At(start), new KinesisShardGate(Lineage, start));
    };

    private static int? Index(string? shardId) => ShardId.TryParse(shardId, out var index) ? index : null;
}
