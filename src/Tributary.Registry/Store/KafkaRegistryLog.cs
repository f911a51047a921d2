using Tributary.Client;
using Tributary.Foundation.Buffers;
using Tributary.Foundation.Threading;
using Tributary.Protocol.Records;

namespace Tributary.Registry.Store;

/// <summary>
/// The registry's topic through a Kafka client, for one of several instances over one cluster (Confluent's
/// <c>KafkaStore</c> and its reader thread): a loop follows partition 0 from the log start and applies every record,
/// whoever wrote it, in offset order. A write is produced with acks=all and returns once the loop has applied it, so
/// the state only moves through the loop and every instance applies the same records in the same order.
/// Thread-safety: the loop is the only caller of the apply callback; the other members may be called from any thread.
/// </summary>
public sealed class KafkaRegistryLog(KafkaClient client, string topic) : IRegistryLog, IAsyncDisposable
{
    private long _position;
    private readonly BackgroundLoop _loop = new();

    public bool AppliesOwnWrites => true;

    public string Topic => topic;

    /// <summary>Creates the topic (one partition, compacted) when it is missing, starts following it and waits until everything in it is applied.</summary>
    public async Task OpenAsync(Action<RegistryRecord> apply, CancellationToken cancellationToken = default)
    {
        await client.CreateTopicAsync(topic, 1, new Dictionary<string, string> { ["cleanup.policy"] = "compact" }, ifNotExists: true, cancellationToken).ConfigureAwait(false);
        _position = await client.ListOffsetAsync(topic, 0, -2, cancellationToken).ConfigureAwait(false);
        _loop.Start(token => FollowAsync(apply, token));
        await CatchUpAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task CatchUpAsync(CancellationToken cancellationToken = default)
    {
        var end = await client.ListOffsetAsync(topic, 0, -1, cancellationToken).ConfigureAwait(false);
        await WaitForAsync(end, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask AppendAsync(byte[] key, byte[]? value, CancellationToken cancellationToken = default)
    {
        long offset;
        try
        {
            offset = await client.ProduceAsync(topic, 0, [(key, value)], acks: -1, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (KafkaClientException e)
        {
            throw RegistryException.Store($"cannot write to {topic}: {e.Message}");
        }
        await WaitForAsync(offset + 1, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits until the loop has applied everything below <paramref name="end"/> (writes are rare: a short poll suffices).</summary>
    private async Task WaitForAsync(long end, CancellationToken cancellationToken)
    {
        while (Volatile.Read(ref _position) < end)
        {
            if (!_loop.HasStarted || _loop.HasEnded)
            {
                throw RegistryException.Store($"reading {topic} stopped");
            }
            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task FollowAsync(Action<RegistryRecord> apply, CancellationToken cancellationToken)
    {
        using var scratch = new PooledBufferWriter();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var position = _position;
                var fetched = await client.FetchAsync(topic, 0, position, 4 * 1024 * 1024, maxWaitMs: 200, cancellationToken).ConfigureAwait(false);
                if (fetched.ErrorCode == 1)
                {
                    // OFFSET_OUT_OF_RANGE: compaction moved the log start past us; what it removed was superseded.
                    Volatile.Write(ref _position, await client.ListOffsetAsync(topic, 0, -2, cancellationToken).ConfigureAwait(false));
                    continue;
                }
                if (fetched.ErrorCode != 0)
                {
                    await Task.Delay(100, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                var span = fetched.Records.Span;
                int size;
                while ((size = RecordBatch.FirstWholeBatchSize(span)) > 0)
                {
                    var batch = span[..size];
                    var next = RecordBatch.NextOffset(batch);
                    if (next > position)
                    {
                        RegistryLog.ApplyBatch(batch, scratch, apply);
                        position = next;
                    }
                    span = span[size..];
                }
                Volatile.Write(ref _position, position);
            }
            catch (KafkaClientException)
            {
                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException)
            {
                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _loop.StopAsync().ConfigureAwait(false);
        _loop.Dispose();
    }
}
