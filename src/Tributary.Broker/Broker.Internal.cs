using Tributary.Foundation.Buffers;
using Tributary.Storage;

namespace Tributary.Broker;

/// <summary>Appends and reads for the broker's own internal topics (the group coordinator's <c>__consumer_offsets</c>).</summary>
public sealed partial class Broker
{
    /// <summary>
    /// Appends a batch the broker built itself, synchronously: when this returns, the batch is in the log after
    /// everything appended before the call, so callers that append under their own lock get the log order they
    /// hold the lock in. Returns the end offset to pass to <see cref="WaitForDurableAsync"/>, or an error.
    /// </summary>
    internal (ErrorCode Error, string? Message, long EndOffset) AppendInternal(string topic, int partition, Span<byte> batch)
    {
        if (!_topics.TryGetValue(topic, out var topicState) || (uint)partition >= (uint)topicState.Partitions.Length)
        {
            return (ErrorCode.UnknownTopicOrPartition, $"Unknown topic or partition {topic}-{partition}.", -1);
        }
        var (result, endOffset) = Append(topicState.Partitions[partition], topicState.Config, batch, trusted: true);
        return (result.Error, result.ErrorMessage, endOffset);
    }

    /// <summary>
    /// Writes an end-transaction marker for <paramref name="producerId"/> to a partition, synchronously (see
    /// <see cref="AppendInternal"/>), and ends the producer's transaction there: the last stable offset moves
    /// past it and an ABORT adds an aborted-index entry. A marker whose epoch is older than one the partition has
    /// seen from this producer is refused (INVALID_PRODUCER_EPOCH), so a late marker never ends a newer
    /// transaction. Returns the end offset to wait for.
    /// </summary>
    internal (ErrorCode Error, long EndOffset) AppendMarker(string topic, int partition, long producerId, short producerEpoch, bool commit, int coordinatorEpoch)
    {
        if (FindPartition(topic, partition) is not { } state)
        {
            return (ErrorCode.UnknownTopicOrPartition, -1);
        }
        var marker = Protocol.Records.EndTransactionMarker.Build(producerId, producerEpoch, commit ? Protocol.Records.ControlRecordType.Commit : Protocol.Records.ControlRecordType.Abort, coordinatorEpoch, _options.Time.GetUtcNow().ToUnixTimeMilliseconds());
        lock (state)
        {
            if (state.Closed)
            {
                return (ErrorCode.UnknownTopicOrPartition, -1);
            }
            if (producerEpoch < state.Producers.EpochOf(producerId))
            {
                return (ErrorCode.InvalidProducerEpoch, -1);
            }
            Protocol.Records.RecordBatch.SetPartitionLeaderEpoch(marker, 0);
            AppendResult appended;
            try
            {
                appended = state.Log.Append(marker, Protocol.Records.BatchOrigin.Client);
            }
            catch (LogFailedException)
            {
                return (ErrorCode.KafkaStorageError, -1);
            }
            catch (ObjectDisposedException)
            {
                return (ErrorCode.UnknownTopicOrPartition, -1);
            }
            state.Producers.ObserveMarker(producerId, producerEpoch);
            try
            {
                state.Transactions.End(producerId, commit, appended.BaseOffset);
            }
            catch (LogFailedException)
            {
                // The aborted-transaction index could not be written: the log has failed and refuses writes; the
                // marker is in the log, so a restart's replay writes the entry.
                return (ErrorCode.KafkaStorageError, -1);
            }
            return (ErrorCode.None, appended.EndOffset);
        }
    }

    /// <summary>Completes when the partition is durable up to <paramref name="endOffset"/> (see <see cref="PartitionLog.WaitForDurableAsync"/>).</summary>
    internal async ValueTask<ErrorCode> WaitForDurableAsync(string topic, int partition, long endOffset, CancellationToken cancellationToken = default)
    {
        if (FindPartition(topic, partition) is not { } state)
        {
            return ErrorCode.UnknownTopicOrPartition;
        }
        try
        {
            await state.Log.WaitForDurableAsync(endOffset, cancellationToken).ConfigureAwait(false);
            return ErrorCode.None;
        }
        catch (LogFailedException)
        {
            return ErrorCode.KafkaStorageError;
        }
    }

    /// <summary>
    /// Completes when the partition is durable up to its log end as it is now: everything appended before the
    /// call, whoever appended it (EndTxn(commit) waits so for the transaction's data).
    /// </summary>
    internal ValueTask<ErrorCode> WaitForDurableToLogEndAsync(string topic, int partition) =>
        FindPartition(topic, partition) is { } state ? WaitForDurableAsync(topic, partition, state.Log.LogEndOffset) : ValueTask.FromResult(ErrorCode.UnknownTopicOrPartition);

    /// <summary>Every open transaction of every partition: the partition and the producer id (for recovery after a crash).</summary>
    internal List<(Groups.TopicPartition Partition, long ProducerId, short ProducerEpoch)> OpenTransactions()
    {
        var open = new List<(Groups.TopicPartition, long, short)>();
        foreach (var topic in _topics.Values)
        {
            foreach (var state in topic.Partitions)
            {
                lock (state)
                {
                    foreach (var producerId in state.Transactions.OngoingProducers())
                    {
                        open.Add((new Groups.TopicPartition(state.Topic, state.Partition), producerId, state.Producers.EpochOf(producerId)));
                    }
                }
            }
        }
        return open;
    }

    /// <summary>Runs a retention pass over every log now, as the log manager's schedule does (for tests). Returns the segments deleted.</summary>
    internal int ApplyRetentionNow() => _logs.ApplyRetention();

    /// <summary>
    /// Calls <paramref name="onBatches"/> with the partition's batches from its log start to its high watermark,
    /// a chunk of whole batches at a time (valid only during the call); it returns the offset to continue from.
    /// </summary>
    internal void ReadPartition(string topic, int partition, Func<ReadOnlyMemory<byte>, long> onBatches)
    {
        if (FindPartition(topic, partition) is not { } state)
        {
            return;
        }
        using var buffer = new PooledBufferWriter();
        var offset = state.Log.LogStartOffset;
        while (offset < state.Log.HighWatermark)
        {
            using var read = state.Log.Read(offset, 4 * 1024 * 1024);
            if (read.IsEmpty)
            {
                break;
            }
            buffer.Reset();
            read.CopyTo(buffer);
            offset = onBatches(buffer.WrittenMemory);
        }
    }
}
