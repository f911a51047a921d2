using Tributary.Client;
using Tributary.Connect.Runtime.Rest;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Connect.Runtime.Storage;

/// <summary>
/// A sink connector's offsets are its consumer group's committed offsets (<c>connect-&lt;name&gt;</c>): read with
/// OffsetFetch, altered with OffsetCommit (generation -1, allowed while the group has no members: the connector is
/// STOPPED) and reset with OffsetDelete, all at the group's coordinator. Parses KIP-875 request bodies with Kafka's
/// messages. Stateless.
/// </summary>
public static class SinkOffsets
{
    private const short OffsetCommitKey = 8, OffsetFetchKey = 9, FindCoordinatorKey = 10, OffsetDeleteKey = 47;

    public static async Task<IReadOnlyList<(string Topic, int Partition, long Offset)>> FetchAsync(KafkaClient client, string group, CancellationToken cancellationToken)
    {
        var coordinator = await CoordinatorAsync(client, group, cancellationToken).ConfigureAwait(false);
        // v2+ answers every committed partition when Topics is null.
        var response = await coordinator.SendNegotiatedAsync<OffsetFetchResponse>(new OffsetFetchRequest { GroupId = group, Topics = null }, OffsetFetchKey, 7, cancellationToken).ConfigureAwait(false);
        if (response.ErrorCode is not 0 and not 69)
        {
            throw new ConnectRestException(500, $"Failed to retrieve consumer group offsets for sink connector group {group}: error {response.ErrorCode}");
        }
        return [.. response.Topics.SelectMany(t => t.Partitions.Where(p => p.CommittedOffset >= 0).Select(p => (t.Name, p.PartitionIndex, p.CommittedOffset))).OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.PartitionIndex)];
    }

    public static async Task ApplyAsync(KafkaClient client, string group, IReadOnlyDictionary<(string Topic, int Partition), long?> changes, CancellationToken cancellationToken)
    {
        var coordinator = await CoordinatorAsync(client, group, cancellationToken).ConfigureAwait(false);
        var commits = changes.Where(c => c.Value is not null).ToList();
        if (commits.Count > 0)
        {
            var request = new OffsetCommitRequest
            {
                GroupId = group,
                GenerationIdOrMemberEpoch = -1,
                MemberId = "",
                Topics = [.. commits.GroupBy(c => c.Key.Topic).Select(t => new OffsetCommitRequest.OffsetCommitRequestTopic
                {
                    Name = t.Key,
                    Partitions = [.. t.Select(p => new OffsetCommitRequest.OffsetCommitRequestPartition { PartitionIndex = p.Key.Partition, CommittedOffset = p.Value!.Value })],
                })],
            };
            var response = await coordinator.SendNegotiatedAsync<OffsetCommitResponse>(request, OffsetCommitKey, 8, cancellationToken).ConfigureAwait(false);
            var error = response.Topics.SelectMany(t => t.Partitions).Select(p => p.ErrorCode).FirstOrDefault(e => e != 0);
            if (error != 0)
            {
                throw new ConnectRestException(500, $"Failed to alter consumer group offsets for connector group {group}: error {error}");
            }
        }
        var deletes = changes.Where(c => c.Value is null).ToList();
        if (deletes.Count > 0)
        {
            var request = new OffsetDeleteRequest
            {
                GroupId = group,
                Topics = [.. deletes.GroupBy(c => c.Key.Topic).Select(t => new OffsetDeleteRequest.OffsetDeleteRequestTopic
                {
                    Name = t.Key,
                    Partitions = [.. t.Select(p => new OffsetDeleteRequest.OffsetDeleteRequestPartition { PartitionIndex = p.Key.Partition })],
                })],
            };
            var response = await coordinator.SendNegotiatedAsync<OffsetDeleteResponse>(request, OffsetDeleteKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (response.ErrorCode is not 0 and not 69)
            {
                throw new ConnectRestException(500, $"Failed to reset consumer group offsets for connector group {group}: error {response.ErrorCode}");
            }
        }
    }

    /// <summary>A sink partition of a KIP-875 body: <c>{"kafka_topic":…,"kafka_partition":…}</c>, with Kafka's messages.</summary>
    public static (string Topic, int Partition) ParsePartition(IReadOnlyDictionary<string, object?> partition)
    {
        if (!partition.TryGetValue("kafka_topic", out var topic) || !partition.TryGetValue("kafka_partition", out var number))
        {
            throw new BadRequestException("The partition for a sink connector offset must contain the keys 'kafka_topic' and 'kafka_partition'.");
        }
        if (topic is not string name)
        {
            throw new BadRequestException("Topic names for sink connectors need to be strings.");
        }
        var value = number switch
        {
            long l when l is >= int.MinValue and <= int.MaxValue => (int?)(int)l,
            int i => i,
            string s when int.TryParse(s, out var parsed) => parsed,
            _ => null,
        };
        return value is { } index ? (name, index) : throw new BadRequestException("Partition values for sink connectors need to be integers.");
    }

    /// <summary>A sink offset of a KIP-875 body: <c>{"kafka_offset":…}</c> or null (reset).</summary>
    public static long? ParseOffset(IReadOnlyDictionary<string, object?>? offset)
    {
        if (offset is null)
        {
            return null;
        }
        if (!offset.TryGetValue("kafka_offset", out var value))
        {
            throw new BadRequestException("The offset for a sink connector should either be null or contain the key 'kafka_offset'.");
        }
        return value switch
        {
            long l when l >= 0 => l,
            int i when i >= 0 => i,
            string s when long.TryParse(s, out var parsed) && parsed >= 0 => parsed,
            long or int => throw new BadRequestException("Kafka offsets must be non-negative"),
            _ => throw new BadRequestException("Offset values for sink connectors need to be integers."),
        };
    }

    private static async Task<KafkaConnection> CoordinatorAsync(KafkaClient client, string group, CancellationToken cancellationToken)
    {
        var any = await client.AnyConnectionAsync(cancellationToken).ConfigureAwait(false);
        var response = await any.SendNegotiatedAsync<FindCoordinatorResponse>(new FindCoordinatorRequest { Key = group, KeyType = 0 }, FindCoordinatorKey, 3, cancellationToken).ConfigureAwait(false);
        if (response.ErrorCode != 0)
        {
            throw new ConnectRestException(500, $"FindCoordinator {group}: error {response.ErrorCode}");
        }
        return await client.NodeConnectionAsync(response.NodeId, cancellationToken).ConfigureAwait(false);
    }
}
