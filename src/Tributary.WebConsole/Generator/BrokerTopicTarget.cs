using Tributary.Broker;
using Tributary.Generator.Targets;

namespace Tributary.WebConsole.Generator;

/// <summary>
/// A topic of this server as a generator target, produced to in-process through <see cref="IBrokerApi"/> (no listener,
/// so it works whatever security the Kafka listeners require), batched as the command's Kafka target batches
/// (<see cref="TopicBatchTarget"/>), acks=all.
/// </summary>
internal sealed class BrokerTopicTarget : TopicBatchTarget
{
    private readonly IBrokerApi _broker;

    private BrokerTopicTarget(IBrokerApi broker, string topic, int partitions)
        : base(topic, partitions)
    {
        _broker = broker;
    }

    /// <summary>The target for an existing topic, or null when there is no such topic.</summary>
    public static BrokerTopicTarget? Open(IBrokerApi broker, string topic) =>
        broker.GetTopic(topic) is { PartitionCount: > 0 } info ? new BrokerTopicTarget(broker, topic, info.PartitionCount) : null;

    protected override async Task ProduceAsync(int partition, byte[] batch, CancellationToken cancellationToken)
    {
        var result = await _broker.ProduceAsync(Topic, partition, batch, Acks.All, cancellationToken).ConfigureAwait(false);
        if (result.Error != ErrorCode.None)
        {
            throw new InvalidOperationException(result.ErrorMessage ?? $"Cannot produce to {Topic}-{partition}: {result.Error}.");
        }
    }
}
