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
        var (result, endOffset) = Append(topicState.Partitions[partition], topicState.Config, batch);
        return (result.Error, result.ErrorMessage, endOffset);
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
