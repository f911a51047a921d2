using Tributary.Broker;
using Tributary.Foundation.Buffers;
using Tributary.Protocol.Records;

namespace Tributary.Registry.Store;

/// <summary>
/// The registry's records in its compacted topic (one partition, like Confluent's kafkastore), through the broker API:
/// <see cref="AppendAsync"/> produces one batch with acks=all (durable before the caller answers), <see cref="ReplayAsync"/>
/// reads the partition from the start up to the high watermark. Writes are serialised by the caller, which applies
/// them itself: the only writer is this process's registry, so nothing appears in the topic that it did not write.
/// </summary>
public sealed class RegistryLog(IBrokerApi broker, string topic) : IRegistryLog
{
    public bool AppliesOwnWrites => false;

    public Task OpenAsync(Action<RegistryRecord> apply, CancellationToken cancellationToken = default) => ReplayAsync(apply, cancellationToken);

    /// <summary>Nothing to do: every record in the topic was written, and applied, by this instance.</summary>
    public Task CatchUpAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public string Topic => topic;

    /// <summary>
    /// Creates the topic (one partition, compacted) if it does not exist. Called before the first write, not at start,
    /// so a server whose registry is never written lists no `_schemas` topic to Kafka clients.
    /// </summary>
    public void EnsureTopic()
    {
        if (broker.GetTopic(topic) is not null)
        {
            return;
        }
        var (error, message, _) = broker.CreateTopic(topic, 1, new Dictionary<string, string?> { ["cleanup.policy"] = "compact" });
        if (error != ErrorCode.None && error != ErrorCode.TopicAlreadyExists)
        {
            throw RegistryException.Store($"cannot create topic {topic}: {error} {message}");
        }
    }

    public async ValueTask AppendAsync(byte[] key, byte[]? value, CancellationToken cancellationToken = default)
    {
        EnsureTopic();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        byte[] batch;
        using (var builder = new RecordBatchBuilder(now))
        {
            builder.Append(now, key, value ?? [], hasKey: true, hasValue: value is not null);
            batch = builder.ToArray(new BatchOptions());
        }
        var result = await broker.ProduceAsync(topic, 0, batch, Acks.All, cancellationToken).ConfigureAwait(false);
        if (result.Error != ErrorCode.None)
        {
            throw RegistryException.Store($"cannot write to {topic}: {result.Error} {result.ErrorMessage}");
        }
    }

    /// <summary>Hands every record from the log start to the high watermark to <paramref name="apply"/>, in log order.</summary>
    public async Task ReplayAsync(Action<RegistryRecord> apply, CancellationToken cancellationToken = default)
    {
        if (broker.GetOffsets(topic, 0) is not { } offsets)
        {
            return;
        }
        var next = offsets.LogStartOffset;
        using var scratch = new PooledBufferWriter();
        while (next < offsets.HighWatermark)
        {
            var results = await broker.FetchAsync([new FetchPartitionRequest(topic, 0, next, 4 * 1024 * 1024)], 0, 1, 4 * 1024 * 1024, cancellationToken).ConfigureAwait(false);
            var result = results[0];
            if (result.Error != ErrorCode.None)
            {
                throw RegistryException.Store($"cannot read {topic} at offset {next}: {result.Error}");
            }
            byte[] chunk;
            using (result.Records)
            {
                if (result.Records is null || result.Records.IsEmpty)
                {
                    break;
                }
                chunk = result.Records.ToArray();
            }
            var position = 0;
            int size;
            while ((size = RecordBatch.FirstWholeBatchSize(chunk.AsSpan(position))) > 0)
            {
                var batch = chunk.AsMemory(position, size);
                next = RecordBatch.NextOffset(batch.Span);
                ApplyBatch(batch.Span, scratch, apply);
                position += size;
            }
            if (position == 0)
            {
                break;
            }
        }
    }

    /// <summary>Decodes one record batch of the topic and hands its registry records to <paramref name="apply"/> (undecodable ones are skipped).</summary>
    internal static void ApplyBatch(ReadOnlySpan<byte> batch, PooledBufferWriter scratch, Action<RegistryRecord> apply)
    {
        if (RecordBatch.IsControl(batch))
        {
            return;
        }
        var records = BatchRecords.Read(batch, scratch);
        while (records.TryReadNext(out var record))
        {
            if (!record.HasKey)
            {
                continue;
            }
            RegistryRecord? decoded;
            try
            {
                decoded = RegistryRecords.Decode(record.Key, record.Value, record.HasValue);
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException or NullReferenceException)
            {
                // A record another writer left that this version cannot read: skipped, like the registry skips unknown key types.
                continue;
            }
            if (decoded is not null)
            {
                apply(decoded);
            }
        }
    }
}
