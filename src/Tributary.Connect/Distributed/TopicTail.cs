using System.Text;
using Tributary.Client;
using Tributary.Foundation.Buffers;
using Tributary.Foundation.Threading;
using Tributary.Protocol.Records;

namespace Tributary.Connect.Runtime.Distributed;

/// <summary>
/// Reads every partition of one of Connect's internal topics from its start and keeps following it (Kafka's
/// <c>KafkaBasedLog</c>): each keyed record goes to the callback in offset order per partition, on the tail's own
/// loop. <see cref="ReadToEndAsync"/> waits until everything written before the call has been handed over, which is
/// how a worker makes sure it acts on the latest configuration. The partition count is the topic's own, read at the
/// start (as Kafka's <c>KafkaBasedLog</c> does), not the worker's <c>*.storage.partitions</c>: those only size a topic
/// this worker creates, and a topic created by another worker with another setting must still be read whole.
/// With <c>readCommitted</c> (the offsets topic of a worker with exactly-once source support, KIP-618) it reads as a
/// read_committed consumer: only committed transactions' records, up to the last stable offset.
/// Thread-safety: the callback runs on one thread at a time; ReadToEndAsync may be called from any thread.
/// </summary>
public sealed class TopicTail(KafkaClient client, string topic, Action<string, byte[]?> onRecord, bool readCommitted = false) : IAsyncDisposable
{
    private ReadCommittedFilter[] _filters = [];
    private long[] _positions = [];
    private int _partitions;
    private readonly BackgroundLoop _loop = new();

    public string Topic => topic;

    /// <summary>The topic's partition count (known once <see cref="StartAsync"/> has returned).</summary>
    public int Partitions => _partitions;

    /// <summary>The next offset to read of partition 0 (the config topic's only partition); 0 before the start.</summary>
    public long Position => _positions.Length == 0 ? 0 : Volatile.Read(ref _positions[0]);

    /// <summary>Learns the topic's partition count (the topic must exist) and starts following it.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var count = await RetryAsync(async () => await client.PartitionCountAsync(topic, cancellationToken).ConfigureAwait(false)
            ?? throw new KafkaClientException(3, $"Topic {topic} has no metadata yet."), cancellationToken).ConfigureAwait(false);
        _positions = new long[count];
        _filters = [.. Enumerable.Range(0, count).Select(_ => new ReadCommittedFilter())];
        _partitions = count;
        _loop.Start(LoopAsync);
    }

    /// <summary>Returns once every record written before the call has been given to the callback.</summary>
    public async Task ReadToEndAsync(CancellationToken cancellationToken = default)
    {
        var ends = new long[_partitions];
        for (var p = 0; p < _partitions; p++)
        {
            ends[p] = await client.ListOffsetAsync(topic, p, -1, cancellationToken, readCommitted).ConfigureAwait(false);
        }
        while (true)
        {
            var behind = false;
            for (var p = 0; p < _partitions; p++)
            {
                behind |= Volatile.Read(ref _positions[p]) < ends[p];
            }
            if (!behind)
            {
                return;
            }
            if (_loop.HasEnded)
            {
                throw new InvalidOperationException($"Reading {topic} stopped.");
            }
            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        for (var p = 0; p < _partitions; p++)
        {
            _positions[p] = await RetryAsync(() => client.ListOffsetAsync(topic, p, -2, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        using var scratch = new PooledBufferWriter();
        while (!cancellationToken.IsCancellationRequested)
        {
            var any = false;
            for (var p = 0; p < _partitions; p++)
            {
                try
                {
                    // One partition waits for data; with several, none waits so a quiet one does not delay the rest.
                    var fetched = await client.FetchAsync(topic, p, _positions[p], maxWaitMs: _partitions == 1 ? 200 : 0, cancellationToken: cancellationToken, readCommitted: readCommitted).ConfigureAwait(false);
                    if (fetched.ErrorCode == 1)
                    {
                        // OFFSET_OUT_OF_RANGE: compaction or retention moved the start past us.
                        _positions[p] = await client.ListOffsetAsync(topic, p, -2, cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                    if (fetched.ErrorCode != 0)
                    {
                        continue;
                    }
                    var before = _positions[p];
                    _filters[p].Add(fetched.AbortedTransactions);
                    Volatile.Write(ref _positions[p], Deliver(fetched, before, _filters[p], scratch, onRecord));
                    any |= _positions[p] > before;
                }
                catch (KafkaClientException)
                {
                    await Task.Delay(200, cancellationToken).ConfigureAwait(false);
                }
            }
            if (!any && _partitions > 1)
            {
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Hands over the keyed records of the fetched batches from <paramref name="position"/> on; control batches (and, read_committed, aborted data) are skipped.</summary>
    private static long Deliver(FetchedPartition fetched, long position, ReadCommittedFilter filter, PooledBufferWriter scratch, Action<string, byte[]?> onRecord)
    {
        var span = fetched.Records.Span;
        var next = position;
        int size;
        while ((size = RecordBatch.FirstWholeBatchSize(span)) > 0)
        {
            var batch = span[..size];
            var baseOffset = RecordBatch.BaseOffset(batch);
            next = Math.Max(next, RecordBatch.NextOffset(batch));
            if (!filter.Accept(batch))
            {
                span = span[size..];
                continue;
            }
            scratch.Reset();
            var records = BatchRecords.Read(batch, scratch);
            while (records.TryReadNext(out var record))
            {
                if (baseOffset + record.OffsetDelta >= position && record.HasKey)
                {
                    onRecord(Encoding.UTF8.GetString(record.Key), record.HasValue ? record.Value.ToArray() : null);
                }
            }
            span = span[size..];
        }
        return next;
    }

    private static async Task<T> RetryAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (KafkaClientException)
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
