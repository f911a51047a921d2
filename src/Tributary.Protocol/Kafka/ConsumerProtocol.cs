using System.Buffers;
namespace Tributary.Protocol.Kafka;

/// <summary>
/// The "consumer" embedded protocol that classic consumer groups carry in JoinGroup metadata and SyncGroup
/// assignments (Kafka's ConsumerProtocolSubscription / ConsumerProtocolAssignment): version 0 is written
/// (topics; topics with partitions; no user data), versions 0–3 are read as far as their leading fields go
/// (later versions only append fields). The broker reads subscriptions (OffsetDelete) and writes assignments
/// (describing KIP-848 groups); the client writes subscriptions and reads assignments as a group member.
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

    /// <summary>A version-0 subscription: the topics, no user data.</summary>
    public static byte[] Subscription(IEnumerable<string> topics)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        var writer = new KafkaWriter(buffer);
        var list = topics.ToList();
        writer.WriteInt16(0);
        writer.WriteArrayCount(list.Count);
        foreach (var topic in list)
        {
            writer.WriteString(topic);
        }
        writer.WriteNullableBytes(null);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The partitions of an assignment, by topic; empty for empty or unreadable bytes.</summary>
    public static IReadOnlyList<(string Topic, IReadOnlyList<int> Partitions)> AssignedPartitions(ReadOnlyMemory<byte> assignment)
    {
        if (assignment.Length < 2)
        {
            return [];
        }
        try
        {
            var reader = new KafkaReader(assignment);
            reader.ReadInt16();
            var count = reader.ReadArrayCount();
            var result = new List<(string, IReadOnlyList<int>)>(Math.Max(count, 0));
            for (var i = 0; i < count; i++)
            {
                var topic = reader.ReadString();
                var partitions = new int[Math.Max(reader.ReadArrayCount(), 0)];
                for (var p = 0; p < partitions.Length; p++)
                {
                    partitions[p] = reader.ReadInt32();
                }
                result.Add((topic, partitions));
            }
            return result;
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
