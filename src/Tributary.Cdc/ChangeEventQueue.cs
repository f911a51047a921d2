using System.Threading.Channels;
using Tributary.Connect.Errors;
using Tributary.Connect.Source;

namespace Tributary.Cdc;

/// <summary>
/// The hand-over between a CDC source task's background reader (snapshot, then the database's change stream) and the
/// worker's poll loop: a bounded queue (<c>max.queue.size</c>) the reader waits on when full, drained by
/// <see cref="PollAsync"/> in batches of at most <c>max.batch.size</c> after waiting at most <c>poll.interval.ms</c>.
/// A reader failure given to <see cref="Fail"/> is thrown by the next poll as a <see cref="ConnectException"/>, which
/// fails the task with the reason in its status. One writer (the reader task) and one reader (the poll loop).
/// </summary>
public sealed class ChangeEventQueue(int capacity, int maxBatchSize, TimeSpan pollInterval)
{
    private readonly Channel<SourceRecord> _channel = Channel.CreateBounded<SourceRecord>(
        new BoundedChannelOptions(Math.Max(1, capacity)) { SingleReader = true, SingleWriter = true });

    private readonly int _maxBatchSize = Math.Max(1, maxBatchSize);

    /// <summary>The offset of the last Kafka signal acted on, boxed once (null: none), stamped into every record's source offset.</summary>
    private object? _signalOffset;

    /// <summary>
    /// The offset of the last Kafka signal the reader acted on (<see cref="KafkaSignalChannel.OffsetKey"/>): every
    /// record queued from now on carries it in its source offset, so a restart reads the signal topic after it. Set by
    /// the reader.
    /// </summary>
    public void SetSignalOffset(long offset) => _signalOffset = offset;

    /// <summary>
    /// Queues <paramref name="record"/>. With a signal offset set, the record's source offset gets it; source offsets
    /// are the fresh maps the connectors' offset types build (a map shared by several records of one change gets the
    /// same value), so adding the key allocates nothing.
    /// </summary>
    public ValueTask EnqueueAsync(SourceRecord record, CancellationToken cancellationToken)
    {
        if (_signalOffset is { } signalOffset && record.SourceOffset is Dictionary<string, object?> offset)
        {
            offset[KafkaSignalChannel.OffsetKey] = signalOffset;
        }
        return _channel.Writer.WriteAsync(record, cancellationToken);
    }

    /// <summary>The reader finished (initial_only snapshot done, or stopped): polls return null from now on, each after the poll interval.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    /// <summary>The reader failed: the next poll throws <paramref name="error"/> (wrapped unless it is a ConnectException).</summary>
    public void Fail(Exception error, string message) =>
        _channel.Writer.TryComplete(error as ConnectException ?? new ConnectException(message, error));

    public async ValueTask<IReadOnlyList<SourceRecord>?> PollAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (!_channel.Reader.TryPeek(out _))
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                wait.CancelAfter(pollInterval);
                try
                {
                    if (!await _channel.Reader.WaitToReadAsync(wait.Token).ConfigureAwait(false))
                    {
                        // Completed (an initial_only snapshot is done): wait out the poll interval as an empty queue
                        // does. The worker polls again at once (tasks are expected to block, as in Kafka), so an
                        // immediate null would spin it.
                        await Task.Delay(pollInterval, cancellationToken).ConfigureAwait(false);
                        return null;
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    return null;
                }
            }
            var batch = new List<SourceRecord>(Math.Min(_maxBatchSize, _channel.Reader.Count));
            while (batch.Count < _maxBatchSize && _channel.Reader.TryRead(out var record))
            {
                batch.Add(record);
            }
            return batch;
        }
        catch (ChannelClosedException closed) when (closed.InnerException is not null)
        {
            throw closed.InnerException as ConnectException ?? new ConnectException(closed.InnerException.Message, closed.InnerException);
        }
    }
}
