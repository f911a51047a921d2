using System.Text;
using Tributary.Client;
using Tributary.Connect.Runtime.Storage;
using Tributary.Connect.Runtime.Worker;
using Tributary.Protocol.Records;

namespace Tributary.Connect.Runtime.Distributed;

/// <summary>
/// Source offsets of a distributed worker in Connect's offsets topic (<c>offset.storage.topic</c>; Kafka's
/// <c>KafkaOffsetBackingStore</c>): key <c>["&lt;connector&gt;",{partition}]</c>, value <c>{offset}</c> or a tombstone,
/// the partition chosen by murmur2 of the key over the topic's own partition count as Kafka's default partitioner does, so every writer of one source
/// partition lands in the same topic partition and the last write wins. Every worker follows the whole topic, so a
/// task that moves resumes from what its previous worker flushed. With exactly-once source support (KIP-618) the topic
/// is read read_committed and tasks write their offsets inside their own transactions
/// (<see cref="WriteInTransactionAsync"/>, through a <see cref="TransactionalOffsetWriter"/>). Thread-safe.
/// </summary>
public sealed class KafkaOffsetStore : OffsetStoreBase, IAsyncDisposable
{
    private readonly KafkaClient _client;
    private readonly string _topic;
    private readonly TopicTail _tail;

    public KafkaOffsetStore(KafkaClient client, string topic, bool readCommitted = false)
    {
        _client = client;
        _topic = topic;
        _tail = new TopicTail(client, topic, (key, value) => LoadCommitted(key, value is null ? null : Encoding.UTF8.GetString(value)), readCommitted);
    }

    /// <summary>Starts following the topic (all of its partitions, however many it has) and returns once everything in it has been read.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _tail.StartAsync(cancellationToken).ConfigureAwait(false);
        await _tail.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads what other workers flushed up to now (before a task that moved here starts).</summary>
    public Task ReadToEndAsync(CancellationToken cancellationToken) => _tail.ReadToEndAsync(cancellationToken);

    protected override Task PersistAsync(IReadOnlyDictionary<string, string?> changes, IReadOnlyDictionary<string, string?> committed, CancellationToken cancellationToken) =>
        WriteAsync(changes, (topic, partition, batch, token) => _client.ProduceBatchAsync(topic, partition, batch, -1, token), cancellationToken);

    /// <summary>
    /// Writes offsets (keys and values as <see cref="OffsetKeys"/> makes them) to the topic inside
    /// <paramref name="producer"/>'s open transaction: readers see them only if it commits (KIP-618).
    /// </summary>
    public Task WriteInTransactionAsync(TransactionalProducer producer, IReadOnlyDictionary<string, string?> changes, CancellationToken cancellationToken) =>
        WriteAsync(changes, (topic, partition, batch, token) => producer.ProduceBatchAsync(topic, partition, batch, token), cancellationToken);

    private async Task WriteAsync(IReadOnlyDictionary<string, string?> changes, Func<string, int, byte[], CancellationToken, Task<long>> send, CancellationToken cancellationToken)
    {
        foreach (var group in changes.GroupBy(c => Murmur2.Partition(Encoding.UTF8.GetBytes(c.Key), _tail.Partitions)))
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            byte[] batch;
            using (var builder = new RecordBatchBuilder(now))
            {
                foreach (var (key, value) in group)
                {
                    builder.Append(now, Encoding.UTF8.GetBytes(key), value is null ? null : Encoding.UTF8.GetBytes(value), hasKey: true, hasValue: value is not null);
                }
                batch = builder.ToArray(new BatchOptions());
            }
            await send(_topic, group.Key, batch, cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => _tail.DisposeAsync();
}
