using Tributary.Storage;

namespace Tributary.Broker;

public sealed partial class Broker
{
    public async ValueTask<IReadOnlyList<FetchPartitionResult>> FetchAsync(IReadOnlyList<FetchPartitionRequest> partitions, int maxWaitMs, int minBytes, int maxBytes, CancellationToken cancellationToken = default, IsolationLevel isolation = IsolationLevel.ReadUncommitted)
    {
        var started = Environment.TickCount64;
        List<Task>? signals = maxWaitMs > 0 ? new(partitions.Count) : null;
        while (true)
        {
            signals?.Clear();
            var (results, total, anyError) = ReadPartitions(partitions, maxBytes, signals, isolation == IsolationLevel.ReadCommitted);
            var remaining = maxWaitMs - (Environment.TickCount64 - started);
            if (total >= minBytes || anyError || remaining <= 0 || signals is null || signals.Count == 0)
            {
                return results;
            }
            foreach (var result in results)
            {
                result.Records?.Dispose();
            }
            // Wake on the first high-watermark advance of any requested partition (the signals were taken
            // against the watermarks this pass saw, so none is missed), or when the wait is over.
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                var delay = Task.Delay(TimeSpan.FromMilliseconds(remaining), timeout.Token);
                signals.Add(delay);
                await Task.WhenAny(signals).ConfigureAwait(false);
                timeout.Cancel();
            }
            cancellationToken.ThrowIfCancellationRequested();
            if (Environment.TickCount64 - started >= maxWaitMs)
            {
                // Time is up: one last read, returned whatever it holds.
                maxWaitMs = 0;
                signals = null;
            }
        }
    }

    /// <summary>
    /// One pass over the requested partitions. <paramref name="maxBytes"/> bounds the total; only the first
    /// partition with data may exceed it (by one batch, as the log returns at least one). When
    /// <paramref name="signals"/> is given, adds for each readable partition a task that completes when its
    /// high watermark moves past the one this pass saw.
    /// </summary>
    private (List<FetchPartitionResult> Results, long Total, bool AnyError) ReadPartitions(IReadOnlyList<FetchPartitionRequest> partitions, int maxBytes, List<Task>? signals, bool readCommitted)
    {
        var results = new List<FetchPartitionResult>(partitions.Count);
        long total = 0;
        var anyError = false;
        foreach (var request in partitions)
        {
            if (FindPartition(request.Topic, request.Partition) is not { } state)
            {
                anyError = true;
                results.Add(new FetchPartitionResult(request.Topic, request.Partition, ErrorCode.UnknownTopicOrPartition, -1, -1, -1, null));
                continue;
            }
            var log = state.Log;
            var budget = (int)Math.Clamp(Math.Min(request.MaxBytes, maxBytes - total), 0, int.MaxValue);
            LogReadResult? read = null;
            try
            {
                if (total > 0 && budget == 0)
                {
                    // Budget spent: no read, but the offset is still checked so the client learns about it.
                    var highWatermark = log.HighWatermark;
                    var logStart = log.LogStartOffset;
                    if (request.FetchOffset < logStart || request.FetchOffset > highWatermark)
                    {
                        throw new OffsetOutOfRangeException(request.FetchOffset, logStart, highWatermark);
                    }
                    results.Add(new FetchPartitionResult(request.Topic, request.Partition, ErrorCode.None, highWatermark, state.Transactions.LastStableOffset(highWatermark), logStart, null));
                    continue;
                }
                // The high watermark is read before the first unstable offset: a transaction opened after that starts at
                // the log end, at or above this watermark, so the bound min(watermark, first unstable) excludes it.
                var watermarkBefore = log.HighWatermark;
                var firstUnstable = state.Transactions.FirstUnstableOffset;
                var bound = Math.Min(watermarkBefore, firstUnstable);
                read = readCommitted ? log.Read(request.FetchOffset, budget, bound) : log.Read(request.FetchOffset, budget);
                var lastStable = readCommitted ? bound : Math.Min(firstUnstable, read.HighWatermark);
                // A read_committed reader waits for the last stable offset to move, which happens with the high
                // watermark (markers are appended, then made durable) — the same signal.
                signals?.Add(log.WhenHighWatermarkExceeds(read.HighWatermark));
                if (read.IsEmpty || (total > 0 && read.Length > budget))
                {
                    results.Add(new FetchPartitionResult(request.Topic, request.Partition, ErrorCode.None, read.HighWatermark, lastStable, read.LogStartOffset, null));
                    read.Dispose();
                    continue;
                }
                total += read.Length;
                var aborted = readCommitted ? state.Transactions.CollectAborted(request.FetchOffset, lastStable) : null;
                results.Add(new FetchPartitionResult(request.Topic, request.Partition, ErrorCode.None, read.HighWatermark, lastStable, read.LogStartOffset, new FetchedRecords(read), aborted));
            }
            catch (OffsetOutOfRangeException e)
            {
                anyError = true;
                results.Add(new FetchPartitionResult(request.Topic, request.Partition, ErrorCode.OffsetOutOfRange, e.HighWatermark, e.HighWatermark, e.LogStartOffset, null));
            }
            catch (ObjectDisposedException)
            {
                read?.Dispose();
                anyError = true;
                results.Add(new FetchPartitionResult(request.Topic, request.Partition, ErrorCode.UnknownTopicOrPartition, -1, -1, -1, null));
            }
            catch (Exception e) when (e is IOException or LogFailedException)
            {
                read?.Dispose();
                anyError = true;
                results.Add(new FetchPartitionResult(request.Topic, request.Partition, ErrorCode.KafkaStorageError, -1, -1, -1, null));
            }
        }
        return (results, total, anyError);
    }
}
