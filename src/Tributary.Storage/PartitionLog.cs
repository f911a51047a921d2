using System.Runtime.CompilerServices;
using Tributary.Foundation.IO;
using Tributary.Protocol.Records;

namespace Tributary.Storage;

/// <summary>What an append assigned: offsets of the batch and where the log now ends.</summary>
public readonly record struct AppendResult(long BaseOffset, long LastOffset, long MaxTimestamp)
{
    /// <summary>The log end offset after this batch; pass it to <see cref="PartitionLog.WaitForDurableAsync"/>.</summary>
    public long EndOffset => LastOffset + 1;
}

/// <summary>A position at the end of a batch: where the high watermark or the durable end points.</summary>
internal readonly record struct EndPoint(long Offset, LogSegment Segment, int Position, long SegmentMaxTimestamp, long SegmentOffsetOfMaxTimestamp);

/// <summary>
/// One partition's log: Kafka record batches (magic v2) in segment files, exactly as they arrived.
/// <para>Offsets: <see cref="LogStartOffset"/> &lt;= <see cref="HighWatermark"/> &lt;= <see cref="LogEndOffset"/>.
/// The log end is where the next batch goes; the high watermark is the durable end (fsynced under the
/// group-commit policies, written to the OS under <see cref="FlushPolicy.Os"/>); readers never see beyond it.</para>
/// <para>Thread-safety: <see cref="Append"/> may be called from any thread but appends are serialised
/// (one writer at a time); reads, lookups and durability waits run concurrently with appends and each
/// other; retention, compaction and checkpoints are serialised among themselves by the log manager's
/// maintenance lock and never block appends for longer than a segment-list swap.</para>
/// </summary>
public sealed partial class PartitionLog : IDisposable
{
    private readonly object _writeLock = new();
    private readonly object _segmentsLock = new();
    private readonly object _highWatermarkLock = new();
    private readonly object _flushLock = new();
    private readonly object _waitersLock = new();
    private readonly object _maintenanceLock = new();
    private readonly PriorityQueue<TaskCompletionSource, long> _waiters = new();

    private volatile LogConfig _config;
    private volatile LogSegment[] _segments;
    private LogSegment _active;
    private long _logEndOffset;
    private long _logStartOffset;
    private long _highWatermarkOffset;
    private EndPoint _highWatermark;
    private EndPoint _durable;
    private long _durableOffset;
    private int _flushState;
    private long _lastFlushTicks;
    private ITimer? _intervalTimer;
    private long _cleanerCheckpoint;
    private volatile Exception? _failure;
    private bool _closed;
    private TaskCompletionSource? _highWatermarkAdvanced;

    private PartitionLog(string directory, LogConfig config, LogSegment[] segments, long logStartOffset, long cleanerCheckpoint)
    {
        Directory = directory;
        Name = Path.GetFileName(directory);
        _config = config;
        _segments = segments;
        _active = segments[^1];
        _logEndOffset = _active.NextOffset;
        _logStartOffset = logStartOffset;
        _cleanerCheckpoint = cleanerCheckpoint;
        var end = CurrentEnd();
        _highWatermark = end;
        _highWatermarkOffset = end.Offset;
        _durable = end;
        _durableOffset = end.Offset;
        _lastFlushTicks = Environment.TickCount64;
    }

    public string Directory { get; }

    /// <summary>The directory name, e.g. <c>orders-0</c>.</summary>
    public string Name { get; }

    public LogConfig Config => _config;

    public long LogEndOffset => Volatile.Read(ref _logEndOffset);

    public long HighWatermark => Volatile.Read(ref _highWatermarkOffset);

    public long LogStartOffset => Volatile.Read(ref _logStartOffset);

    public int SegmentCount => _segments.Length;

    /// <summary>Bytes in all segment files.</summary>
    public long Size
    {
        get
        {
            long total = 0;
            foreach (var segment in _segments)
            {
                total += segment.Size;
            }
            return total;
        }
    }

    /// <summary>Base offsets of the segments, oldest first (for tools and tests).</summary>
    public IReadOnlyList<long> SegmentBaseOffsets => Array.ConvertAll(_segments, s => s.BaseOffset);

    public void UpdateConfig(LogConfig config)
    {
        config.Validate();
        _config = config;
        RequestFlush();
    }

    /// <summary>
    /// Appends one batch. Validates length, magic, CRC-32C and the record count against LastOffsetDelta,
    /// assigns the base offset by rewriting it in place (the CRC does not cover it), and writes the batch
    /// to the active segment. Returns once the bytes are with the OS; use <see cref="WaitForDurableAsync"/>
    /// for durability. A refused batch leaves the log unchanged (<see cref="InvalidBatchException"/>).
    /// Allocation-free on the success path.
    /// </summary>
    public AppendResult Append(Span<byte> batch, BatchOrigin origin = BatchOrigin.Client)
    {
        var error = RecordBatchValidator.Validate(batch, origin);
        if (error != BatchError.None)
        {
            ThrowInvalidBatch(error, batch.Length);
        }
        var lastOffsetDelta = RecordBatch.LastOffsetDelta(batch);
        var maxTimestamp = RecordBatch.MaxTimestamp(batch);
        var config = _config;
        List<TaskCompletionSource>? ready = null;
        AppendResult result;
        lock (_writeLock)
        {
            ThrowIfUnusable();
            var baseOffset = _logEndOffset;
            MaybeRoll(batch.Length, maxTimestamp, lastOffsetDelta, config);
            RecordBatch.SetBaseOffset(batch, baseOffset);
            try
            {
                _active.Append(batch, config.IndexIntervalBytes);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Fail(e);
                throw new LogFailedException($"Append to {Name} failed; the log refuses writes until reopened.", e);
            }
            var endOffset = baseOffset + lastOffsetDelta + 1;
            Volatile.Write(ref _logEndOffset, endOffset);
            if (config.FlushPolicy == FlushPolicy.Os)
            {
                var end = CurrentEnd();
                PublishHighWatermark(end);
                ready = MarkDurable(end);
            }
            else
            {
                RequestFlush();
            }
            result = new AppendResult(baseOffset, endOffset - 1, maxTimestamp);
        }
        CompleteWaiters(ready);
        return result;
    }

    /// <summary>
    /// Completes when everything before <paramref name="endOffset"/> is durable under the log's flush policy
    /// (an acks=all produce awaits this with <see cref="AppendResult.EndOffset"/>). Faults if the log fails.
    /// </summary>
    public ValueTask WaitForDurableAsync(long endOffset, CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _durableOffset) >= endOffset)
        {
            return ValueTask.CompletedTask;
        }
        // Completed on the thread that made the data durable (a flush thread), outside every lock of the log:
        // the continuation — answering the produce — runs at once instead of queueing for a thread-pool worker.
        var waiter = new TaskCompletionSource();
        lock (_waitersLock)
        {
            if (_failure is { } failure)
            {
                return ValueTask.FromException(new LogFailedException($"Log {Name} failed.", failure));
            }
            if (Volatile.Read(ref _durableOffset) >= endOffset)
            {
                return ValueTask.CompletedTask;
            }
            _waiters.Enqueue(waiter, endOffset);
        }
        RequestFlush();
        return new ValueTask(cancellationToken.CanBeCanceled ? waiter.Task.WaitAsync(cancellationToken) : waiter.Task);
    }

    /// <summary>
    /// fsyncs everything appended so far and advances the durable end and the high watermark. Concurrent
    /// callers share fsyncs: whoever holds the flush lock covers every append made before it looked.
    /// </summary>
    public void Flush()
    {
        List<TaskCompletionSource>? ready;
        lock (_flushLock)
        {
            EndPoint target;
            lock (_writeLock)
            {
                if (_closed)
                {
                    return;
                }
                target = CurrentEnd();
            }
            var from = _durable.Segment.BaseOffset;
            if (target.Offset > _durable.Offset || target.Position > _durable.Position || target.Segment != _durable.Segment)
            {
                foreach (var segment in _segments)
                {
                    if (segment.BaseOffset < from || segment.BaseOffset > target.Segment.BaseOffset || !segment.TryAcquire())
                    {
                        continue;
                    }
                    try
                    {
                        segment.Flush();
                    }
                    finally
                    {
                        segment.Release();
                    }
                }
            }
            _durable = target;
            PublishHighWatermark(target);
            ready = MarkDurable(target);
        }
        CompleteWaiters(ready);
    }

    private EndPoint CurrentEnd() =>
        new(Volatile.Read(ref _logEndOffset), _active, _active.Size, _active.MaxTimestamp, _active.OffsetOfMaxTimestamp);

    private void PublishHighWatermark(EndPoint end)
    {
        lock (_highWatermarkLock)
        {
            if (end.Offset >= _highWatermark.Offset)
            {
                var advanced = end.Offset > _highWatermark.Offset;
                _highWatermark = end;
                Volatile.Write(ref _highWatermarkOffset, end.Offset);
                if (advanced)
                {
                    SignalHighWatermarkAdvanced();
                }
            }
        }
    }

    /// <summary>
    /// Completes once the high watermark is above <paramref name="offset"/> (at once if it already is), or the
    /// log closes or fails; long-polling readers wait on it. Waiters share one task, created only while someone
    /// waits, so appends stay allocation-free when nobody does. Completion may be spurious: re-check the offset.
    /// </summary>
    public Task WhenHighWatermarkExceeds(long offset)
    {
        var signal = Volatile.Read(ref _highWatermarkAdvanced);
        if (signal is null)
        {
            var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            signal = Interlocked.CompareExchange(ref _highWatermarkAdvanced, created, null) ?? created;
        }
        // Read after publishing the signal: an advance that this read misses swaps and completes that signal.
        if (HighWatermark > offset || Volatile.Read(ref _closed) || _failure is not null)
        {
            return Task.CompletedTask;
        }
        return signal.Task;
    }

    private void SignalHighWatermarkAdvanced() => Interlocked.Exchange(ref _highWatermarkAdvanced, null)?.TrySetResult();

    private EndPoint ReadHighWatermark()
    {
        lock (_highWatermarkLock)
        {
            return _highWatermark;
        }
    }

    /// <summary>
    /// Advances the durable end and takes the waiters it satisfies; the caller completes them with
    /// <see cref="CompleteWaiters"/> once it holds no lock of the log, because their continuations run inline.
    /// </summary>
    private List<TaskCompletionSource>? MarkDurable(EndPoint end)
    {
        if (end.Offset <= Volatile.Read(ref _durableOffset))
        {
            return null;
        }
        List<TaskCompletionSource>? ready = null;
        lock (_waitersLock)
        {
            Volatile.Write(ref _durableOffset, end.Offset);
            while (_waiters.TryPeek(out var waiter, out var offset) && offset <= end.Offset)
            {
                _waiters.Dequeue();
                (ready ??= []).Add(waiter);
            }
        }
        return ready;
    }

    private static void CompleteWaiters(List<TaskCompletionSource>? ready)
    {
        if (ready is null)
        {
            return;
        }
        foreach (var waiter in ready)
        {
            waiter.TrySetResult();
        }
    }

    // Group-commit states: nothing to do; queued on the flush threads (or waiting out the interval); a flush
    // running; a flush running and another requested (appends that arrived during it share the next fsync).
    private const int FlushIdle = 0;
    private const int FlushQueued = 1;
    private const int FlushRunning = 2;
    private const int FlushRunningAndRequested = 3;

    /// <summary>Asks for a group commit; cheap and allocation-free when one is already queued or pending.</summary>
    private void RequestFlush()
    {
        var state = Volatile.Read(ref _flushState);
        while (true)
        {
            var next = state switch
            {
                FlushIdle => FlushQueued,
                FlushRunning => FlushRunningAndRequested,
                _ => -1,
            };
            if (next < 0)
            {
                return;
            }
            var seen = Interlocked.CompareExchange(ref _flushState, next, state);
            if (seen == state)
            {
                if (next == FlushQueued)
                {
                    Dispatch();
                }
                return;
            }
            state = seen;
        }
    }

    /// <summary>
    /// Hands the queued flush to the flush threads, under <see cref="FlushPolicy.Interval"/> once the interval
    /// since the last flush has passed. Only the thread that moved the state to queued calls this.
    /// </summary>
    private void Dispatch()
    {
        var config = _config;
        if (config.FlushPolicy == FlushPolicy.Interval)
        {
            var wait = Volatile.Read(ref _lastFlushTicks) + config.FlushIntervalMs - Environment.TickCount64;
            if (wait > 0)
            {
                _intervalTimer ??= TimeProvider.System.CreateTimer(static log => FlushThreads.Schedule((PartitionLog)log!), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                _intervalTimer.Change(TimeSpan.FromMilliseconds(wait), Timeout.InfiniteTimeSpan);
                return;
            }
        }
        FlushThreads.Schedule(this);
    }

    /// <summary>
    /// Runs on a flush thread (<see cref="FlushThreads"/>) for a queued flush: fsyncs, and repeats at once while
    /// appends keep arriving during the fsync (under <see cref="FlushPolicy.Interval"/>, after the interval).
    /// </summary>
    internal void RunScheduledFlush()
    {
        Volatile.Write(ref _flushState, FlushRunning);
        while (true)
        {
            var config = _config;
            if (config.FlushPolicy != FlushPolicy.Os && _failure is null && !Volatile.Read(ref _closed))
            {
                try
                {
                    Flush();
                }
                catch (Exception e)
                {
                    Fail(e);
                }
            }
            Volatile.Write(ref _lastFlushTicks, Environment.TickCount64);
            if (Interlocked.CompareExchange(ref _flushState, FlushIdle, FlushRunning) == FlushRunning)
            {
                return;
            }
            if (config.FlushPolicy == FlushPolicy.Interval)
            {
                Volatile.Write(ref _flushState, FlushQueued);
                Dispatch();
                return;
            }
            Volatile.Write(ref _flushState, FlushRunning);
        }
    }

    private void MaybeRoll(int batchSize, long maxTimestamp, int lastOffsetDelta, LogConfig config)
    {
        var active = _active;
        if (active.Size == 0)
        {
            return;
        }
        var full = (long)active.Size + batchSize > config.SegmentBytes;
        var old = active.RollingTimestamp >= 0 && maxTimestamp - active.RollingTimestamp > config.SegmentMs;
        var offsetOverflow = _logEndOffset + lastOffsetDelta - active.BaseOffset > int.MaxValue;
        if (full || old || offsetOverflow)
        {
            Roll();
        }
    }

    /// <summary>Starts a new active segment at the log end. Writer lock held.</summary>
    private void Roll()
    {
        var previous = _active;
        previous.SealTimeIndex();
        var next = LogSegment.Create(Directory, _logEndOffset);
        lock (_segmentsLock)
        {
            _segments = [.. _segments, next];
            _active = next;
        }
        // The sealed segment's indexes are final: make them durable now so a checkpoint may trust them.
        previous.OffsetIndex.Persist(previous.IndexPath, flush: true);
        previous.TimeIndex.Persist(previous.TimeIndexPath, flush: true);
        NativeFile.FlushDirectory(Directory);
    }

    /// <summary>Closes the active segment and starts a new one even if it is not full (tests, tools, DeleteRecords).</summary>
    public void ForceRoll()
    {
        lock (_writeLock)
        {
            ThrowIfUnusable();
            if (_active.Size > 0)
            {
                Roll();
            }
        }
    }

    private void ThrowIfUnusable()
    {
        if (_closed)
        {
            throw new ObjectDisposedException(Name);
        }
        if (_failure is { } failure)
        {
            throw new LogFailedException($"Log {Name} failed earlier and refuses writes until reopened.", failure);
        }
    }

    private void Fail(Exception e)
    {
        _failure ??= e;
        var failed = new List<TaskCompletionSource>();
        lock (_waitersLock)
        {
            while (_waiters.TryDequeue(out var waiter, out _))
            {
                failed.Add(waiter);
            }
        }
        if (failed.Count > 0)
        {
            // Callers may hold the writer lock; waiters' continuations run inline, so fault them elsewhere.
            var error = new LogFailedException($"Log {Name} failed.", e);
            ThreadPool.QueueUserWorkItem(static state =>
            {
                foreach (var waiter in state.Failed)
                {
                    waiter.TrySetException(state.Error);
                }
            }, (Failed: failed, Error: error), preferLocal: false);
        }
        SignalHighWatermarkAdvanced();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowInvalidBatch(BatchError error, int length) =>
        throw new InvalidBatchException(error, $"Record batch refused ({error}, {length} bytes); the log is unchanged.");

    /// <summary>Segment index of the segment holding <paramref name="offset"/>: the last with BaseOffset &lt;= offset, or 0.</summary>
    private static int FindSegment(LogSegment[] segments, long offset)
    {
        int low = 0, high = segments.Length - 1, found = 0;
        while (low <= high)
        {
            var mid = (low + high) >>> 1;
            if (segments[mid].BaseOffset <= offset)
            {
                found = mid;
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }
        return found;
    }

    /// <summary>
    /// Reads whole batches from the one containing <paramref name="offset"/> onward, up to
    /// <paramref name="maxBytes"/> (at least one batch, however large), never beyond the high watermark.
    /// An offset equal to the high watermark gives an empty result; outside [log start, high watermark]
    /// throws <see cref="OffsetOutOfRangeException"/>.
    /// </summary>
    public LogReadResult Read(long offset, int maxBytes) => Read(offset, maxBytes, long.MaxValue);

    /// <summary>
    /// As <see cref="Read(long, int)"/>, but returns only batches that start below <paramref name="maxOffset"/>
    /// (a read_committed fetch passes the last stable offset, which is always a batch boundary). Reading at or
    /// above the bound (but within the high watermark) gives an empty result.
    /// </summary>
    public LogReadResult Read(long offset, int maxBytes, long maxOffset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        while (true)
        {
            // A closed log's segments refuse leases, which would otherwise make this loop retry forever.
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _closed), this);
            var highWatermark = ReadHighWatermark();
            var logStart = LogStartOffset;
            if (offset < logStart || offset > highWatermark.Offset)
            {
                throw new OffsetOutOfRangeException(offset, logStart, highWatermark.Offset);
            }
            if (offset == highWatermark.Offset)
            {
                return new LogReadResult(null, 0, 0, offset, highWatermark.Offset, logStart);
            }
            var segments = _segments;
            var retry = false;
            for (var i = FindSegment(segments, offset); i < segments.Length; i++)
            {
                var segment = segments[i];
                if (segment.BaseOffset > highWatermark.Segment.BaseOffset)
                {
                    break;
                }
                var visibleEnd = VisibleEnd(segment, highWatermark);
                if (maxOffset < highWatermark.Offset)
                {
                    if (segment.BaseOffset >= maxOffset || offset >= maxOffset)
                    {
                        break;
                    }
                    var boundary = segment.FindBatchPosition(maxOffset, visibleEnd);
                    if (boundary >= 0)
                    {
                        visibleEnd = boundary;
                    }
                }
                if (!segment.TryAcquire())
                {
                    retry = true;
                    break;
                }
                var position = segment.FindBatchPosition(offset, visibleEnd);
                if (position < 0)
                {
                    segment.Release();
                    continue;
                }
                var limit = (int)Math.Min(visibleEnd, (long)position + maxBytes);
                var end = segment.FindBatchEnd(position, limit, visibleEnd);
                return new LogReadResult(segment, position, end - position, offset, highWatermark.Offset, logStart);
            }
            if (!retry)
            {
                return new LogReadResult(null, 0, 0, offset, highWatermark.Offset, logStart);
            }
        }
    }

    /// <summary>How many bytes of <paramref name="segment"/> lie below the high watermark.</summary>
    private static int VisibleEnd(LogSegment segment, in EndPoint highWatermark)
    {
        if (segment.BaseOffset < highWatermark.Segment.BaseOffset)
        {
            return segment.Size;
        }
        if (segment.BaseOffset > highWatermark.Segment.BaseOffset)
        {
            return 0;
        }
        // Compaction may have replaced the high watermark's segment object; it only replaces segments that
        // lie wholly below the high watermark, so a replacement is visible in full.
        return ReferenceEquals(segment, highWatermark.Segment) ? highWatermark.Position : segment.Size;
    }

    /// <summary>Flushes, checkpoints and closes the log; later calls do nothing.</summary>
    public void Dispose()
    {
        lock (_maintenanceLock)
        {
            if (_closed)
            {
                return;
            }
            _intervalTimer?.Dispose();
            if (_failure is null)
            {
                Flush();
                lock (_writeLock)
                {
                    _active.SealTimeIndex();
                }
                WriteCheckpointCore();
            }
            lock (_writeLock)
            {
                _closed = true;
            }
            Fail(new ObjectDisposedException(Name));
            foreach (var segment in _segments)
            {
                segment.Release();
            }
        }
    }
}
