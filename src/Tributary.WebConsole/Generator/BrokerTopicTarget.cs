using Tributary.Broker;
using Tributary.Generator.Targets;
using Tributary.Protocol.Records;

namespace Tributary.WebConsole.Generator;

/// <summary>
/// A topic of this server as a generator target, produced to in-process through <see cref="IBrokerApi"/> (no listener,
/// so it works whatever security the Kafka listeners require): as the command's Kafka target does, each tick's keyless
/// records go to one partition as batches of at most <see cref="MaxBatchBytes"/>, successive ticks rotating over the
/// partitions, acks=all. A produce error fails the whole send (the run counts its records as errors). One send at a
/// time (the run's contract); the batch builder is reused.
/// </summary>
internal sealed class BrokerTopicTarget : IRecordTarget
{
    /// <summary>The broker's default max.message.bytes is 1 MiB; half leaves room for the batch overhead.</summary>
    private const int MaxBatchBytes = 512 * 1024;

    private readonly IBrokerApi _broker;
    private readonly string _topic;
    private readonly int _partitions;
    private readonly RecordBatchBuilder _builder = new(0);
    private int _nextPartition;

    private BrokerTopicTarget(IBrokerApi broker, string topic, int partitions)
    {
        _broker = broker;
        _topic = topic;
        _partitions = partitions;
    }

    public string Name => "kafka:" + _topic;

    /// <summary>The target for an existing topic, or null when there is no such topic.</summary>
    public static BrokerTopicTarget? Open(IBrokerApi broker, string topic) =>
        broker.GetTopic(topic) is { PartitionCount: > 0 } info ? new BrokerTopicTarget(broker, topic, info.PartitionCount) : null;

    public async Task<int> SendAsync(IReadOnlyList<ReadOnlyMemory<byte>> records, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
        {
            return 0;
        }
        var partition = _nextPartition;
        _nextPartition = (_nextPartition + 1) % _partitions;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        _builder.Clear(now);
        foreach (var record in records)
        {
            _builder.Append(now, default, record.Span, hasKey: false);
            if (_builder.RecordsSize >= MaxBatchBytes)
            {
                await ProduceAsync(partition, cancellationToken).ConfigureAwait(false);
                _builder.Clear(now);
            }
        }
        if (_builder.Count > 0)
        {
            await ProduceAsync(partition, cancellationToken).ConfigureAwait(false);
        }
        return 0;
    }

    private async Task ProduceAsync(int partition, CancellationToken cancellationToken)
    {
        var result = await _broker.ProduceAsync(_topic, partition, _builder.ToArray(new BatchOptions()), Acks.All, cancellationToken).ConfigureAwait(false);
        if (result.Error != ErrorCode.None)
        {
            throw new InvalidOperationException(result.ErrorMessage ?? $"Cannot produce to {_topic}-{partition}: {result.Error}.");
        }
    }

    public ValueTask DisposeAsync()
    {
        _builder.Dispose();
        return ValueTask.CompletedTask;
    }
}
