using System.Threading.Channels;
using Tributary.Delivery.Sources;

namespace Tributary.Connect.S3.Sink;

/// <summary>
/// The engine's source for one topic of a sink task: <c>put</c> hands records in, a batch per call (<see cref="PutAsync"/>,
/// waiting while the bounded queue of batches is full, so the worker cannot run ahead of the engine), the engine polls them, and the positions
/// the engine commits — only after the state listing their objects is durable — are what <c>preCommit</c> reports
/// (<see cref="Durable"/>). Put comes from the worker's thread, everything else from the engine's task.
/// </summary>
internal sealed class PushSource(string topic, int capacity) : IDeliverySource
{
    /// <summary>A poll returns whole batches, stopping once it holds at least this many records.</summary>
    private const int PollRecords = 1000;

    private readonly Channel<IReadOnlyList<SourceRecord>> _queue = Channel.CreateBounded<IReadOnlyList<SourceRecord>>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true });
    private volatile IReadOnlyDictionary<int, long> _durable = new Dictionary<int, long>();

    /// <summary>Per Kafka partition, the next offset whose records are not all in durable (or pending-and-stated) objects.</summary>
    public IReadOnlyDictionary<int, long> Durable => _durable;

    public string Description => "sink records of topic " + topic;

    public int AssignmentEpoch => 0;

    /// <summary>Batches queued, not records.</summary>
    public long? Lag => _queue.Reader.Count;

    /// <summary>Queues a batch of records (the queue holds at most <c>capacity</c> batches); the batch belongs to the source from here on.</summary>
    public ValueTask PutAsync(IReadOnlyList<SourceRecord> records, CancellationToken cancellationToken) => _queue.Writer.WriteAsync(records, cancellationToken);

    /// <summary>
    /// Reading starts wherever the worker delivers from; the state's positions are kept as the durable ones (records the
    /// worker delivers again below them are skipped by the engine).
    /// </summary>
    public Task<IReadOnlyDictionary<int, long>> StartAsync(IReadOnlyDictionary<int, long> saved, CancellationToken cancellationToken)
    {
        _durable = new Dictionary<int, long>(saved);
        return Task.FromResult<IReadOnlyDictionary<int, long>>(new Dictionary<int, long>(saved));
    }

    public async ValueTask PollAsync(List<SourceRecord> into, int maxWaitMs, CancellationToken cancellationToken)
    {
        if (!_queue.Reader.TryPeek(out _))
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(maxWaitMs);
            try
            {
                await _queue.Reader.WaitToReadAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
        while (into.Count < PollRecords && _queue.Reader.TryRead(out var records))
        {
            into.AddRange(records);
        }
    }

    public void Seek(int partition, long offset) =>
        throw new NotSupportedException("the S3 sink's engine never rewinds its source");

    public Task CommitAsync(IReadOnlyDictionary<int, long> positions, CancellationToken cancellationToken)
    {
        _durable = new Dictionary<int, long>(positions);
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }
}
