using System.Buffers;
using Tributary.Protocol.Kafka;

namespace Tributary.Broker.Groups;

/// <summary>
/// The "consumer" embedded protocol that classic consumer groups carry in JoinGroup metadata and SyncGroup
/// assignments (Kafka's ConsumerProtocolSubscription / ConsumerProtocolAssignment, versions 0–3): the broker
/// reads subscriptions (for OffsetDelete) and writes assignments (to describe KIP-848 groups through
/// DescribeGroups), nothing more.
/// </summary>
public static class ConsumerProtocol
{
    /// <summary>The topics a subscription names; empty if the bytes are not a consumer subscription.</summary>
    public static IReadOnlyList<string> SubscribedTopics(byte[] subscription)
    {
        if (subscription.Length < 2)
        {
            return [];
        }
        try
        {
            var reader = new KafkaReader(subscription);
            reader.ReadInt16();
            var count = reader.ReadArrayCount();
            var topics = new List<string>(Math.Max(count, 0));
            for (var i = 0; i < count; i++)
            {
                topics.Add(reader.ReadString());
            }
            return topics;
        }
        catch (KafkaProtocolException)
        {
            return [];
        }
    }

    /// <summary>A version-0 assignment: topics with their partitions, no user data.</summary>
    public static byte[] Assignment(IEnumerable<(string Topic, IReadOnlyList<int> Partitions)> partitions)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        var writer = new KafkaWriter(buffer);
        var list = partitions.ToList();
        writer.WriteInt16(0);
        writer.WriteArrayCount(list.Count);
        foreach (var (topic, parts) in list)
        {
            writer.WriteString(topic);
            writer.WriteArrayCount(parts.Count);
            foreach (var p in parts)
            {
                writer.WriteInt32(p);
            }
        }
        writer.WriteNullableBytes(null);
        return buffer.WrittenSpan.ToArray();
    }
}
