using Tributary.Client;
using Tributary.Protocol.Records;

namespace Tributary.Generator.Targets;

/// <summary>
/// A Kafka topic, through our client: each tick's records become one batch per partition (keyless records, so spread
/// round-robin over the partitions as a producer's sticky partitioner would over time), acks=all. The topic is
/// created by the broker if it allows auto-creation, as a producer's first metadata request would.
/// </summary>
public sealed class KafkaTarget : IRecordTarget
{
    /// <summary>A batch is sent once it holds this much; the broker's default max.message.bytes is 1 MiB.</summary>
    private const int MaxBatchBytes = 512 * 1024;

    private readonly KafkaClient _client;
    private readonly string _topic;
    private readonly RecordBatchBuilder _builder = new(0);
    private readonly int _partitions;
    private int _nextPartition;

    private KafkaTarget(KafkaClient client, string topic, int partitions)
    {
        _client = client;
        _topic = topic;
        _partitions = partitions;
    }

    public string Name => "kafka:" + _topic;

    public static async Task<KafkaTarget> OpenAsync(IReadOnlyList<string> bootstrapServers, string topic, CancellationToken cancellationToken)
    {
        var client = new KafkaClient(new KafkaClientOptions { BootstrapServers = bootstrapServers, ClientId = "tributary-generate" });
        try
        {
            await client.RefreshMetadataAsync([topic], allowAutoCreate: true, cancellationToken).ConfigureAwait(false);
            var partitions = await client.PartitionCountAsync(topic, cancellationToken).ConfigureAwait(false)
                ?? throw new KafkaClientException(3, $"Topic '{topic}' does not exist and the broker did not create it (auto.create.topics.enable).");
            return new KafkaTarget(client, topic, partitions);
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task<int> SendAsync(IReadOnlyList<ReadOnlyMemory<byte>> records, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
        {
            return 0;
        }
        // One partition per tick keeps batches large at low rates; successive ticks rotate over the partitions.
        var partition = _nextPartition;
        _nextPartition = (_nextPartition + 1) % _partitions;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        _builder.Clear(now);
        foreach (var record in records)
        {
            _builder.Append(now, default, record.Span, hasKey: false);
            if (_builder.RecordsSize >= MaxBatchBytes)
            {
                await _client.ProduceBatchAsync(_topic, partition, _builder.ToArray(new BatchOptions()), -1, cancellationToken).ConfigureAwait(false);
                _builder.Clear(now);
            }
        }
        if (_builder.Count > 0)
        {
            await _client.ProduceBatchAsync(_topic, partition, _builder.ToArray(new BatchOptions()), -1, cancellationToken).ConfigureAwait(false);
        }
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        _builder.Dispose();
        await _client.DisposeAsync().ConfigureAwait(false);
    }
}
