using Tributary.Client;
using Tributary.Delivery.Sources;

namespace Tributary.Firehose.Sources;

/// <summary>
/// A topic of an external Kafka cluster (the MSK case), read by Tributary's own client as a member of a consumer
/// group, so several Tributary instances share its partitions. Positions live in the cluster's committed offsets;
/// the engine commits them there only after the objects holding the records are durable. The assignment epoch is the
/// group generation: after a rebalance the engine drops what it buffered and resumes from the committed offsets.
/// </summary>
/// <remarks>
/// Exactly once holds for each instance: its objects are written before its offsets are committed, and an object
/// pending at a crash is uploaded again when the instance restarts with its data directory. If a partition moves to
/// another instance between an upload and the commit of its offsets, the records of that one object can be
/// delivered twice (Firehose's own guarantee, at least once).
/// </remarks>
public sealed class ExternalKafkaSource : IDeliverySource
{
    private readonly KafkaClient _client;
    private readonly GroupConsumer _consumer;
    private readonly string _topic;
    private readonly string _bootstrap;
    private int _generation = int.MinValue;
    private int _epoch;

    public ExternalKafkaSource(string bootstrapServers, string topic, string groupId, long? startTimestampMs)
    {
        _bootstrap = bootstrapServers;
        _topic = topic;
        _client = new KafkaClient(new KafkaClientOptions
        {
            BootstrapServers = bootstrapServers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            ClientId = "tributary-delivery",
        });
        _consumer = new GroupConsumer(_client, new GroupConsumerOptions
        {
            GroupId = groupId,
            Topics = [topic],
            StartTimestampMs = startTimestampMs,
            StartAtEarliest = startTimestampMs is null or <= 0,
        });
    }

    public string Description => $"topic {_topic} of the Kafka cluster at {_bootstrap}";

    public int AssignmentEpoch => _epoch;

    public long? Lag => null;

    /// <summary>The cluster's committed offsets are the truth here; the engine's saved positions are not used.</summary>
    public async Task<IReadOnlyDictionary<int, long>> StartAsync(IReadOnlyDictionary<int, long> saved, CancellationToken cancellationToken)
    {
        await _consumer.EnsureJoinedAsync(cancellationToken).ConfigureAwait(false);
        _generation = _consumer.Generation;
        return _consumer.Positions.Where(p => p.Key.Topic == _topic).ToDictionary(p => p.Key.Partition, p => p.Value);
    }

    public async ValueTask PollAsync(List<SourceRecord> into, int maxWaitMs, CancellationToken cancellationToken)
    {
        IReadOnlyList<ConsumedRecord> records;
        try
        {
            records = await _consumer.PollAsync(maxWaitMs, cancellationToken).ConfigureAwait(false);
        }
        catch (KafkaClientException)
        {
            // A broker or coordinator error: back off and let the next poll rejoin or reconnect.
            await Task.Delay(Math.Max(100, maxWaitMs), cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (IOException)
        {
            await Task.Delay(Math.Max(100, maxWaitMs), cancellationToken).ConfigureAwait(false);
            return;
        }
        if (_consumer.Generation != _generation)
        {
            // Rejoined inside the poll: the records belong to the new assignment, read them again after the restart.
            _epoch++;
            return;
        }
        foreach (var record in records)
        {
            into.Add(new SourceRecord(record.Partition, record.Offset, record.Timestamp, record.Key, record.Value ?? []));
        }
    }

    public void Seek(int partition, long offset) => _consumer.Seek(_topic, partition, offset);

    public async Task CommitAsync(IReadOnlyDictionary<int, long> positions, CancellationToken cancellationToken)
    {
        var assigned = _consumer.Positions;
        var offsets = positions.Where(p => assigned.ContainsKey((_topic, p.Key))).ToDictionary(p => (_topic, p.Key), p => p.Value);
        try
        {
            await _consumer.CommitAsync(offsets, cancellationToken).ConfigureAwait(false);
        }
        catch (KafkaClientException)
        {
            // Not a member of this generation any more: the records will be read again by the partition's new owner
            // or by this instance after it rejoins.
            _epoch++;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _consumer.DisposeAsync().ConfigureAwait(false);
        await _client.DisposeAsync().ConfigureAwait(false);
    }
}
