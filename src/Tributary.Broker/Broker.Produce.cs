using Tributary.Protocol.Records;
using Tributary.Storage;

namespace Tributary.Broker;

public sealed partial class Broker
{
    public async ValueTask<ProduceResult> ProduceAsync(string topic, int partition, Memory<byte> batch, Acks acks, CancellationToken cancellationToken = default)
    {
        if (acks is not (Acks.None or Acks.Leader or Acks.All))
        {
            return Failed(ErrorCode.InvalidRequiredAcks, $"acks must be 0, 1 or -1, not {(short)acks}.");
        }
        if (!_topics.TryGetValue(topic, out var topicState) || (uint)partition >= (uint)topicState.Partitions.Length)
        {
            return Failed(ErrorCode.UnknownTopicOrPartition, $"Unknown topic or partition {topic}-{partition}.");
        }
        var state = topicState.Partitions[partition];
        if (topicState.Config.Compression is { } compression && Recompress(batch, compression) is var (recompressed, problem))
        {
            if (problem is not null)
            {
                return problem.Value;
            }
            batch = recompressed;
        }
        // A transactional batch is acknowledged once appended, even under acks=all: its records count only once
        // the transaction commits, and EndTxn(commit) makes every partition of the transaction durable before it
        // records the decision (TransactionCoordinator). A crash loses such a batch only together with the open
        // transaction's right to commit: after an unclean stop the coordinator fences and aborts it.
        var transactional = batch.Length >= RecordBatchLayout.RecordsOffset && RecordBatch.IsTransactional(batch.Span);
        var (result, endOffset) = Append(state, topicState.Config, batch.Span);
        if (result.Error != ErrorCode.None || acks != Acks.All || endOffset < 0 || transactional)
        {
            return result;
        }
        try
        {
            await state.Log.WaitForDurableAsync(endOffset, cancellationToken).ConfigureAwait(false);
        }
        catch (LogFailedException e)
        {
            return Failed(ErrorCode.KafkaStorageError, e.Message);
        }
        return result with { LogStartOffset = state.Log.LogStartOffset };
    }

    /// <summary>
    /// Validates, checks sequences and appends under the partition's lock. Returns the end offset an acks=all
    /// produce waits for: after the appended batch, or for a duplicate the current log end (its original may
    /// not be durable yet); -1 after an error.
    /// </summary>
    private (ProduceResult Result, long EndOffset) Append(PartitionState state, EffectiveTopicConfig config, Span<byte> batch, bool trusted = false)
    {
        if (batch.Length > config.MaxMessageBytes)
        {
            return (Failed(ErrorCode.MessageTooLarge, $"The batch is {batch.Length} bytes; max.message.bytes of {state.Topic} is {config.MaxMessageBytes}."), -1);
        }
        // Framing only here; the CRC and the record count are checked once, by PartitionLog.Append, which refuses
        // a bad batch before anything changes (producer state is recorded only after a successful append).
        var validation = RecordBatchValidator.ValidateHeaderAt(batch, out var size);
        if (validation != BatchError.None)
        {
            return (Failed(ToErrorCode(validation), $"Invalid record batch: {validation}."), -1);
        }
        if (size != batch.Length)
        {
            return (Failed(ErrorCode.InvalidRecord, "A produce must carry exactly one record batch per partition."), -1);
        }
        if (config.Log.CleanupPolicy.HasFlag(CleanupPolicy.Compact))
        {
            // The records are decoded here, so the whole batch is checked first (CRC included).
            var full = RecordBatchValidator.Validate(batch, BatchOrigin.Client);
            if (full != BatchError.None)
            {
                return (Failed(ToErrorCode(full), $"Invalid record batch: {full}."), -1);
            }
            if (FindKeylessRecords(batch, state) is { } keyProblem)
            {
                return (keyProblem, -1);
            }
        }
        var producerId = RecordBatch.ProducerId(batch);
        var epoch = RecordBatch.ProducerEpoch(batch);
        var firstSequence = RecordBatch.BaseSequence(batch);
        var transactional = RecordBatch.IsTransactional(batch);
        // The broker's own transactional batches (TxnOffsetCommit's offsets) carry a producer id but no sequence.
        var idempotent = producerId >= 0 && !trusted;
        if (!trusted && RecordBatch.IsControl(batch))
        {
            return (Failed(ErrorCode.InvalidRecord, "Clients may not write control batches; transaction markers are written by the coordinator."), -1);
        }
        if (producerId >= 0 && (epoch < 0 || (firstSequence < 0 && !trusted)))
        {
            return (Failed(ErrorCode.InvalidRecord, $"Batch of producer {producerId} has epoch {epoch} and base sequence {firstSequence}."), -1);
        }
        if (transactional && producerId < 0)
        {
            return (Failed(ErrorCode.InvalidRecord, "A transactional batch must carry a producer id."), -1);
        }
        if (transactional && !trusted && _transactions is { } coordinator
            && coordinator.VerifyWrite(producerId, epoch, state.Topic, state.Partition) is { Error: not ErrorCode.None } refusal)
        {
            // KIP-890 part 1: a transactional write to a partition not added to the transaction is refused.
            return (Failed(refusal.Error, refusal.Message), -1);
        }
        var lastSequence = idempotent ? PartitionProducerState.IncrementSequence(firstSequence, RecordBatch.LastOffsetDelta(batch)) : -1;
        lock (state)
        {
            if (state.Closed)
            {
                return (Failed(ErrorCode.UnknownTopicOrPartition, $"Partition {state.Log.Name} is being deleted or the broker is shutting down."), -1);
            }
            if (producerId >= 0 && epoch < state.Producers.EpochOf(producerId))
            {
                return (Failed(ErrorCode.InvalidProducerEpoch, $"Producer {producerId} has epoch {epoch}, older than the current {state.Producers.EpochOf(producerId)}."), -1);
            }
            if (idempotent)
            {
                var check = state.Producers.Check(producerId, epoch, firstSequence, lastSequence);
                if (check.IsDuplicate)
                {
                    return (new ProduceResult(ErrorCode.None, check.DuplicateBaseOffset, -1, state.Log.LogStartOffset), state.Log.LogEndOffset);
                }
                if (check.Error != ErrorCode.None)
                {
                    return (Failed(check.Error, check.Message), -1);
                }
            }
            var logAppendTime = -1L;
            if (config.LogAppendTime)
            {
                logAppendTime = _options.Time.GetUtcNow().ToUnixTimeMilliseconds();
                RecordBatch.SetLogAppendTime(batch, logAppendTime);
            }
            // Like Kafka's leader, stamp the leader epoch (single node: always 0); the CRC does not cover it.
            RecordBatch.SetPartitionLeaderEpoch(batch, 0);
            // Registered before the append: the last stable offset must hold back before the batch can become visible.
            var opened = transactional && state.Transactions.BeginIfNew(producerId, state.Log.LogEndOffset);
            AppendResult appended;
            try
            {
                appended = state.Log.Append(batch, BatchOrigin.Client);
            }
            catch (InvalidBatchException e)
            {
                UndoOpen(state, opened, producerId);
                return (Failed(ToErrorCode(e.Error), e.Message), -1);
            }
            catch (LogFailedException e)
            {
                UndoOpen(state, opened, producerId);
                return (Failed(ErrorCode.KafkaStorageError, e.Message), -1);
            }
            catch (ObjectDisposedException)
            {
                UndoOpen(state, opened, producerId);
                return (Failed(ErrorCode.UnknownTopicOrPartition, $"Partition {state.Log.Name} was closed."), -1);
            }
            if (idempotent)
            {
                state.Producers.Record(producerId, epoch, firstSequence, lastSequence, appended.BaseOffset);
            }
            return (new ProduceResult(ErrorCode.None, appended.BaseOffset, logAppendTime, state.Log.LogStartOffset), appended.EndOffset);
        }
    }

    /// <summary>
    /// The batch in the topic's codec (<c>compression.type</c> other than <c>producer</c>), as Kafka's log validator
    /// rewrites it when the codecs differ; null when it already has that codec (or is too short to tell: the append
    /// refuses it). The batch is validated whole first, so a corrupt one is refused rather than given a fresh CRC.
    /// </summary>
    private static (Memory<byte> Batch, ProduceResult? Problem)? Recompress(Memory<byte> batch, TopicCompression target)
    {
        var span = batch.Span;
        if (span.Length < RecordBatchLayout.RecordsOffset || RecordBatch.Magic(span) != RecordBatchLayout.CurrentMagic
            || RecordBatch.Codec(span) == target.Codec || RecordBatch.IsControl(span))
        {
            return null;
        }
        var validation = RecordBatchValidator.Validate(span, BatchOrigin.Client);
        if (validation != BatchError.None)
        {
            return (batch, Failed(ToErrorCode(validation), $"Invalid record batch: {validation}."));
        }
        try
        {
            using var output = new Foundation.Buffers.PooledBufferWriter(span.Length + 256);
            BatchRecompression.Recompress(span, target.Codec, output, target.Level);
            return (output.WrittenSpan.ToArray(), null);
        }
        catch (Protocol.Compression.CompressionException e)
        {
            return (batch, Failed(ErrorCode.CorruptMessage, $"The batch could not be recompressed with {target.Codec}: {e.Message}"));
        }
    }

    private static void UndoOpen(PartitionState state, bool opened, long producerId)
    {
        if (opened)
        {
            state.Transactions.Forget(producerId);
        }
    }

    /// <summary>
    /// Kafka refuses records without a key on compacted topics (compaction keeps the latest record per key, so a
    /// keyless record could never be cleaned). As Kafka's log validator does (KIP-467), the whole batch is refused
    /// with INVALID_RECORD and the keyless records are listed by their index in the batch (Produce v8+
    /// RecordErrors), so a client fails those records as invalid and the others as collateral
    /// (librdkafka: INVALID_DIFFERENT_RECORD). Returns null when every record has a key.
    /// </summary>
    private static ProduceResult? FindKeylessRecords(ReadOnlySpan<byte> batch, PartitionState state)
    {
        using var scratch = new Foundation.Buffers.PooledBufferWriter();
        List<RecordError>? errors = null;
        try
        {
            var reader = BatchRecords.Read(batch, scratch);
            for (var index = 0; reader.TryReadNext(out var record); index++)
            {
                if (!record.HasKey)
                {
                    (errors ??= []).Add(new RecordError(index, $"Compacted topic cannot accept a record without a key in topic partition {state.Topic}-{state.Partition}."));
                }
            }
        }
        catch (CorruptRecordException e)
        {
            return Failed(ErrorCode.InvalidRecord, e.Message);
        }
        if (errors is null)
        {
            return null;
        }
        var shown = string.Join(", ", errors.Take(3).Select(e => $"record {e.BatchIndex}: {e.Message}"));
        return Failed(ErrorCode.InvalidRecord, $"{errors.Count} record(s) of the batch were refused (showing at most three): {shown}") with { RecordErrors = errors };
    }

    private static ErrorCode ToErrorCode(BatchError error) => error switch
    {
        BatchError.RecordCountMismatch => ErrorCode.InvalidRecord,
        BatchError.UnsupportedCompression => ErrorCode.UnsupportedCompressionType,
        // Truncated, InvalidLength, CrcMismatch, and magic other than 2 (Kafka's UnsupportedForMessageFormat is not in ErrorCode).
        _ => ErrorCode.CorruptMessage,
    };

    private static ProduceResult Failed(ErrorCode error, string? message) => new(error, -1, -1, -1, message);
}
