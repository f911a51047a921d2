using Tributary.Client;

namespace Tributary.Connect.Tests;

/// <summary>Topic read-outs the process tests share.</summary>
internal static class TopicOffsets
{
    /// <summary>The sum of a topic's partitions' end offsets (its record count when nothing was deleted), or -1 while it does not exist.</summary>
    public static async Task<long> EndOffsetsAsync(KafkaClient client, string topic)
    {
        if (await client.PartitionCountAsync(topic) is not { } partitions)
        {
            return -1;
        }
        long total = 0;
        for (var p = 0; p < partitions; p++)
        {
            total += await client.ListOffsetAsync(topic, p, -1);
        }
        return total;
    }
}
