using Tributary.Client;

namespace Tributary.Generator.Targets;

/// <summary>
/// A Kafka topic, through our client (batching as <see cref="TopicBatchTarget"/> does it). The topic is created by
/// the broker if it allows auto-creation, as a producer's first metadata request would.
/// </summary>
public sealed class KafkaTarget : TopicBatchTarget
{
    private readonly KafkaClient _client;

    private KafkaTarget(KafkaClient client, string topic, int partitions)
        : base(topic, partitions)
    {
        _client = client;
    }

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

    protected override Task ProduceAsync(int partition, byte[] batch, CancellationToken cancellationToken) =>
        _client.ProduceBatchAsync(Topic, partition, batch, -1, cancellationToken);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync().ConfigureAwait(false);
        await _client.DisposeAsync().ConfigureAwait(false);
    }
}
