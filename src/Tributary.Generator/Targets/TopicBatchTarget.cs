using Tributary.Protocol.Records;

namespace Tributary.Generator.Targets;

/// <summary>
/// A Kafka topic as a generator target, whatever carries the batches there (a client connection, or the broker
/// in-process): each tick's keyless records go to one partition, as batches of at most <see cref="MaxBatchBytes"/>
/// of records, successive ticks rotating over the partitions (one partition per tick keeps batches large at low
/// rates, and over time spreads records as a producer's sticky partitioner would). A failed produce throws, failing
/// the whole send (the run counts its records as errors). One send at a time (the run's contract); the batch builder
/// is reused.
/// </summary>
public abstract class TopicBatchTarget(string topic, int partitions) : IRecordTarget
{
    /// <summary>A batch is sent once it holds this much; the broker's default max.message.bytes is 1 MiB.</summary>
    private const int MaxBatchBytes = 512 * 1024;

    private readonly RecordBatchBuilder _builder = new(0);
    private int _nextPartition;

    protected string Topic { get; } = topic;

    public string Name => "kafka:" + Topic;

    public async Task<int> SendAsync(IReadOnlyList<ReadOnlyMemory<byte>> records, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
        {
            return 0;
        }
        var partition = _nextPartition;
        _nextPartition = (_nextPartition + 1) % partitions;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        _builder.Clear(now);
        foreach (var record in records)
        {
            _builder.Append(now, default, record.Span, hasKey: false);
            if (_builder.RecordsSize >= MaxBatchBytes)
            {
                await ProduceAsync(partition, _builder.ToArray(new BatchOptions()), cancellationToken).ConfigureAwait(false);
                _builder.Clear(now);
            }
        }
        if (_builder.Count > 0)
        {
            await ProduceAsync(partition, _builder.ToArray(new BatchOptions()), cancellationToken).ConfigureAwait(false);
        }
        return 0;
    }

    /// <summary>Writes one batch to the partition with acks=all; throws when it is not written.</summary>
    protected abstract Task ProduceAsync(int partition, byte[] batch, CancellationToken cancellationToken);

    public virtual ValueTask DisposeAsync()
    {
        _builder.Dispose();
        return ValueTask.CompletedTask;
    }
}
