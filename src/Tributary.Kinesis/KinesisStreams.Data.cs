using System.Runtime.InteropServices;
using Tributary.Aws;
using Tributary.Broker;
using Tributary.Foundation.Buffers;
using Tributary.Protocol.Records;

namespace Tributary.Kinesis;

/// <summary>
/// One record of a put: partition key and data as ranges of the request's payload buffer, its hash key, and
/// (filled in by <see cref="KinesisStreams.PutAsync"/>) where it was stored or why not.
/// </summary>
public struct PutEntry
{
    public int KeyStart;
    public int KeyLength;
    public int DataStart;
    public int DataLength;
    public UInt128 HashKey;

    /// <summary>Output: the shard index and log offset, or an AWS error code (per-record errors of PutRecords).</summary>
    public int ShardIndex;
    public long Offset;

    /// <summary>Output: the arrival time the log stamped on the record (epoch ms), which its sequence number encodes.</summary>
    public long ArrivalMs;
    public string? ErrorCode;
    public string? ErrorMessage;
}

/// <summary>Receives the records a read returns, in order. Spans are valid only during the call.</summary>
public interface IRecordSink
{
    void Write(long offset, long arrivalMs, ReadOnlySpan<byte> partitionKey, ReadOnlySpan<byte> data);
}

/// <summary>
/// What a read did: the offset to continue from, how many records it returned, the lag, whether the shard ended, and
/// the arrival time of the last record returned (-1 when none).
/// </summary>
public readonly record struct ReadOutcome(long NextOffset, int Count, long MillisBehindLatest, bool ShardEnded, long LastArrivalMs = -1);

public sealed partial class KinesisStreams
{
    /// <summary>GetRecords returns at most 10 MiB and 10,000 records per call (AWS's limits).</summary>
    public const int MaxRecordsPerRead = 10_000;
    public const long MaxBytesPerRead = 10L * 1024 * 1024;

    /// <summary>Bytes asked of the log per read step: large enough for whole batches of a 500-record PutRecords.</summary>
    private const int ReadChunkBytes = 1024 * 1024;

    /// <summary>
    /// Stores the entries: routes each by hash key to the open shard owning it, builds one record batch per
    /// shard (key = partition key, value = data; the log stamps the arrival time) and appends them through the
    /// broker with acks=all, so a returned sequence number is durable (fsynced by group commit). The batch is
    /// built and appended under the shard's lock, the same lock resharding closes a shard with, so nothing is
    /// appended to a closed shard; entries routed to a shard that closed meanwhile are routed again.
    /// </summary>
    public async ValueTask PutAsync(StreamState stream, ReadOnlyMemory<byte> payload, PutEntry[] entries, int count, CancellationToken cancellationToken = default)
    {
        var remaining = new List<int>(count);
        for (var i = 0; i < count; i++)
        {
            remaining.Add(i);
        }
        for (var attempt = 0; remaining.Count > 0; attempt++)
        {
            if (stream.Deleted)
            {
                throw KinesisErrors.StreamNotFound(stream.Name, _options.AccountId);
            }
            if (attempt == 10)
            {
                foreach (var i in remaining)
                {
                    entries[i].ErrorCode = "InternalFailure";
                    entries[i].ErrorMessage = "The shard kept closing while the record was routed; retry.";
                }
                return;
            }
            var open = stream.OpenShards;
            var groups = new Dictionary<int, List<int>>();
            foreach (var i in remaining)
            {
                var shard = StreamState.Route(open, entries[i].HashKey);
                if (!groups.TryGetValue(shard.Index, out var group))
                {
                    groups[shard.Index] = group = [];
                }
                group.Add(i);
            }
            remaining.Clear();
            var appends = new List<(ValueTask<ProduceResult> Task, int ShardIndex, List<int> Stored, PooledBufferWriter Batch)>(groups.Count);
            var now = NowMs;
            using var builder = new RecordBatchBuilder(NowMs);
            try
            {
                foreach (var (shardIndex, group) in groups)
                {
                    var shard = stream.Shards[shardIndex];
                    lock (shard)
                    {
                        if (!shard.IsOpen)
                        {
                            remaining.AddRange(group);
                            continue;
                        }
                        var stored = _options.EnforceLimits ? ApplyWriteLimits(stream, shard, payload.Span, entries, group) : group;
                        if (stored.Count == 0)
                        {
                            continue;
                        }
                        now = NowMs;
                        builder.Clear(now);
                        long bytes = 0;
                        foreach (var i in stored)
                        {
                            ref var entry = ref entries[i];
                            var span = payload.Span;
                            builder.Append(now, span.Slice(entry.KeyStart, entry.KeyLength), span.Slice(entry.DataStart, entry.DataLength));
                            bytes += entry.KeyLength + entry.DataLength;
                        }
                        shard.CountWrite(bytes);
                        var batch = new PooledBufferWriter(builder.RecordsSize + 128);
                        builder.WriteTo(batch, new BatchOptions());
                        // ProduceAsync appends synchronously before its first await (only the fsync wait is
                        // asynchronous), so the append happens inside this lock.
                        var task = _broker.ProduceAsync(stream.Topic, shard.Index, MemoryMarshal.AsMemory(batch.WrittenMemory), Acks.All, cancellationToken);
                        appends.Add((task, shard.Index, stored, batch));
                    }
                }
                foreach (var (task, shardIndex, stored, _) in appends)
                {
                    var result = await task.ConfigureAwait(false);
                    for (var k = 0; k < stored.Count; k++)
                    {
                        ref var entry = ref entries[stored[k]];
                        if (result.Error == ErrorCode.None)
                        {
                            entry.ShardIndex = shardIndex;
                            entry.Offset = result.BaseOffset + k;
                            // The topic stamps LogAppendTime; GetRecords reads that stamp back, so both give the same number.
                            entry.ArrivalMs = result.LogAppendTime >= 0 ? result.LogAppendTime : now;
                        }
                        else
                        {
                            entry.ErrorCode = "InternalFailure";
                            entry.ErrorMessage = $"Internal service failure: {result.Error} {result.ErrorMessage}";
                        }
                    }
                }
            }
            finally
            {
                foreach (var (_, _, _, batch) in appends)
                {
                    batch.Dispose();
                }
            }
        }
    }

    /// <summary>
    /// AWS's per-shard write limits (1,000 records and 1 MiB per second, partition keys included), when enabled:
    /// entries over the limit get ProvisionedThroughputExceededException; the rest are returned to be stored.
    /// Called under the shard's lock.
    /// </summary>
    private List<int> ApplyWriteLimits(StreamState stream, ShardState shard, ReadOnlySpan<byte> payload, PutEntry[] entries, List<int> group)
    {
        var second = NowMs / 1000;
        if (shard.LimitWindowSecond != second)
        {
            shard.LimitWindowSecond = second;
            shard.LimitWindowRecords = 0;
            shard.LimitWindowBytes = 0;
        }
        var stored = new List<int>(group.Count);
        foreach (var i in group)
        {
            ref var entry = ref entries[i];
            var size = entry.KeyLength + entry.DataLength;
            if (shard.LimitWindowRecords + 1 > 1000 || shard.LimitWindowBytes + size > 1024 * 1024)
            {
                entry.ErrorCode = "ProvisionedThroughputExceededException";
                entry.ErrorMessage = $"Rate exceeded for shard {shard.Id} in stream {stream.Name} under account {_options.AccountId}.";
                continue;
            }
            shard.LimitWindowRecords++;
            shard.LimitWindowBytes += size;
            stored.Add(i);
        }
        return stored;
    }

    /// <summary>
    /// AWS's per-shard read limits for GetRecords (5 calls per second; 2 MiB per second, counted after the call
    /// that passes it), when enabled: a call over them is ProvisionedThroughputExceededException.
    /// </summary>
    public void CheckReadLimit(StreamState stream, ShardState shard)
    {
        if (!_options.EnforceLimits)
        {
            return;
        }
        lock (shard)
        {
            var second = NowMs / 1000;
            if (shard.ReadWindowSecond != second)
            {
                shard.ReadWindowSecond = second;
                shard.ReadWindowCalls = 0;
                shard.ReadWindowBytes = 0;
            }
            if (shard.ReadWindowCalls >= 5 || shard.ReadWindowBytes >= 2 * 1024 * 1024)
            {
                throw KinesisErrors.Throughput($"Rate exceeded for Shard - {shard.Id} in stream {stream.Name} under account {_options.AccountId}.");
            }
            shard.ReadWindowCalls++;
        }
    }

    /// <summary>Counts bytes a GetRecords call returned against the read limit.</summary>
    public void CountRead(ShardState shard, long bytes)
    {
        if (_options.EnforceLimits)
        {
            lock (shard)
            {
                shard.ReadWindowBytes += bytes;
            }
        }
    }

    /// <summary>
    /// The first readable offset of a shard: the log start, or later when the stream's retention (which may
    /// have just been lowered) already excludes older records that the log has not deleted yet.
    /// </summary>
    public long TrimHorizon(StreamState stream, ShardState shard)
    {
        var offsets = _broker.GetOffsets(stream.Topic, shard.Index);
        if (offsets is not { } known)
        {
            return 0;
        }
        var found = _broker.ListOffset(stream.Topic, shard.Index, NowMs - stream.RetentionMs);
        var byTime = found.Error == ErrorCode.None ? (found.Offset < 0 ? known.HighWatermark : found.Offset) : known.LogStartOffset;
        return Math.Max(known.LogStartOffset, byTime);
    }

    /// <summary>The offset LATEST starts at: the shard's durable end (or its end offset once closed).</summary>
    public long Latest(StreamState stream, ShardState shard)
    {
        var highWatermark = _broker.GetOffsets(stream.Topic, shard.Index)?.HighWatermark ?? 0;
        return shard.IsOpen ? highWatermark : Math.Min(highWatermark, shard.EndOffset);
    }

    /// <summary>The first offset whose arrival time is at or after <paramref name="timestampMs"/> (LATEST when none).</summary>
    public long AtTimestamp(StreamState stream, ShardState shard, long timestampMs)
    {
        var found = _broker.ListOffset(stream.Topic, shard.Index, Math.Max(0, timestampMs));
        var offset = found.Error == ErrorCode.None && found.Offset >= 0 ? found.Offset : Latest(stream, shard);
        return Math.Max(offset, TrimHorizon(stream, shard));
    }

    /// <summary>
    /// Reads records from <paramref name="offset"/> (moved up to the log start if retention removed it), at most
    /// <paramref name="limit"/> records and about <see cref="MaxBytesPerRead"/> bytes, never past the shard's
    /// end offset once closed, handing each to <paramref name="sink"/>.
    /// </summary>
    public async ValueTask<ReadOutcome> ReadAsync<TSink>(StreamState stream, ShardState shard, long offset, int limit, TSink sink, CancellationToken cancellationToken = default)
        where TSink : IRecordSink
    {
        var next = offset;
        var count = 0;
        long bytes = 0;
        long lastArrival = -1;
        long highWatermark = 0;
        var end = shard.IsOpen ? long.MaxValue : shard.EndOffset;
        using var region = new PooledBufferWriter(64 * 1024);
        using var scratch = new PooledBufferWriter();
        while (count < limit && bytes < MaxBytesPerRead && next < end)
        {
            var results = await _broker.FetchAsync([new FetchPartitionRequest(stream.Topic, shard.Index, next, ReadChunkBytes)], 0, 0, ReadChunkBytes, cancellationToken).ConfigureAwait(false);
            var result = results[0];
            highWatermark = result.HighWatermark;
            if (result.Error == ErrorCode.OffsetOutOfRange && next < result.LogStartOffset)
            {
                next = result.LogStartOffset;
                continue;
            }
            if (result.Error != ErrorCode.None)
            {
                result.Records?.Dispose();
                if (result.Error == ErrorCode.OffsetOutOfRange)
                {
                    break;
                }
                throw new AwsErrorException("InternalFailure", $"Reading shard {shard.Id} of stream {stream.Name} failed: {result.Error}.", 500);
            }
            if (result.Records is not { IsEmpty: false } records)
            {
                result.Records?.Dispose();
                break;
            }
            region.Reset();
            using (records)
            {
                records.CopyTo(region.GetSpan(records.Length));
                region.Advance(records.Length);
            }
            var before = next;
            WalkBatches(region.WrittenSpan, ref next, ref count, ref bytes, ref lastArrival, limit, end, scratch, sink);
            if (next == before || next >= highWatermark)
            {
                break;
            }
        }
        CountRead(shard, bytes);
        var behind = next >= highWatermark || lastArrival < 0 ? 0 : Math.Max(0, NowMs - lastArrival);
        return new ReadOutcome(next, count, behind, !shard.IsOpen && next >= shard.EndOffset, count > 0 ? lastArrival : -1);
    }

    /// <summary>Walks whole batches of a log region, handing records at or after <paramref name="next"/> to the sink.</summary>
    private static void WalkBatches<TSink>(ReadOnlySpan<byte> region, ref long next, ref int count, ref long bytes, ref long lastArrival, int limit, long end, PooledBufferWriter scratch, TSink sink)
        where TSink : IRecordSink
    {
        var position = 0;
        while (region.Length - position >= RecordBatchLayout.HeaderSize)
        {
            var size = RecordBatch.TotalSize(region[position..]);
            if (size < RecordBatchLayout.HeaderSize || size > region.Length - position)
            {
                return;
            }
            var batch = region.Slice(position, size);
            position += size;
            var baseOffset = RecordBatch.BaseOffset(batch);
            if (RecordBatch.LastOffset(batch) < next || RecordBatch.IsControl(batch))
            {
                continue;
            }
            var logAppendTime = RecordBatch.IsLogAppendTime(batch);
            var baseTimestamp = RecordBatch.BaseTimestamp(batch);
            var maxTimestamp = RecordBatch.MaxTimestamp(batch);
            var reader = BatchRecords.Read(batch, scratch);
            while (reader.TryReadNext(out var record))
            {
                var offset = baseOffset + record.OffsetDelta;
                if (offset < next)
                {
                    continue;
                }
                if (offset >= end || count >= limit || bytes >= MaxBytesPerRead)
                {
                    return;
                }
                var arrival = logAppendTime ? maxTimestamp : baseTimestamp + record.TimestampDelta;
                sink.Write(offset, arrival, record.Key, record.Value);
                next = offset + 1;
                count++;
                bytes += record.Key.Length + record.Value.Length;
                lastArrival = arrival;
            }
            // A compacted or partially returned batch may end before LastOffsetDelta: skip its gap.
            next = Math.Max(next, RecordBatch.LastOffset(batch) + 1);
        }
    }
}

public sealed partial class KinesisStreams
{
    /// <summary>
    /// Waits until the shard's durable end passes <paramref name="offset"/> or <paramref name="maxWaitMs"/> pass
    /// (the broker's fetch long-poll, so no polling loop).
    /// </summary>
    public async Task WaitForDataAsync(StreamState stream, ShardState shard, long offset, int maxWaitMs, CancellationToken cancellationToken)
    {
        var results = await _broker.FetchAsync([new FetchPartitionRequest(stream.Topic, shard.Index, offset, 1)], maxWaitMs, 1, 1, cancellationToken).ConfigureAwait(false);
        foreach (var result in results)
        {
            result.Records?.Dispose();
        }
    }
}
