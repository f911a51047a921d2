using Tributary.Client;
using Tributary.Client.Security;
using Tributary.Foundation.Buffers;
using Tributary.Protocol.Records;

namespace Tributary.Cdc.MySql.Schema;

/// <summary>
/// The schema history topic (<c>schema.history.internal.kafka.topic</c> on <c>.kafka.bootstrap.servers</c>), as
/// Debezium's KafkaSchemaHistory keeps it: one partition, records kept forever (cleanup.policy=delete, retention.ms =
/// Long.MAX_VALUE), each a <see cref="SchemaHistoryRecord"/> appended with acks=all before the change it records is
/// acted on. Written through a producer client and read through a consumer client, each secured as its
/// <c>schema.history.internal.producer.*</c> / <c>.consumer.*</c> keys say (one client when they agree). Used by the
/// reader task only.
/// </summary>
public sealed class SchemaHistory : IAsyncDisposable
{
    private readonly string _topic;
    private readonly KafkaClient _producer;
    private readonly KafkaClient _consumer;

    public SchemaHistory(string topic, string bootstrapServers, ClientSecurity? producerSecurity = null, ClientSecurity? consumerSecurity = null)
    {
        _topic = topic;
        var servers = bootstrapServers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        _producer = new KafkaClient(new KafkaClientOptions { BootstrapServers = servers, ClientId = "schema-history", Security = producerSecurity ?? ClientSecurity.Plaintext });
        _consumer = consumerSecurity is null || ReferenceEquals(consumerSecurity, producerSecurity ?? ClientSecurity.Plaintext)
            ? _producer
            : new KafkaClient(new KafkaClientOptions { BootstrapServers = servers, ClientId = "schema-history-consumer", Security = consumerSecurity });
    }

    private bool _created;

    public string Topic => _topic;

    public async Task AppendAsync(SchemaHistoryRecord record, CancellationToken cancellationToken)
    {
        if (!_created)
        {
            await _producer.CreateTopicAsync(_topic, 1, new Dictionary<string, string>
            {
                ["cleanup.policy"] = "delete",
                ["retention.ms"] = long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["retention.bytes"] = "-1",
            }, ifNotExists: true, cancellationToken).ConfigureAwait(false);
            _created = true;
        }
        await _producer.ProduceAsync(_topic, 0, [(null, record.ToJson())], acks: -1, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every record in the topic, oldest first (none when the topic does not exist).</summary>
    public async Task<IReadOnlyList<(MySqlOffset Position, string? Database, string Ddl)>> ReadAllAsync(CancellationToken cancellationToken)
    {
        var records = new List<(MySqlOffset, string?, string)>();
        if (await _consumer.PartitionCountAsync(_topic, cancellationToken).ConfigureAwait(false) is null)
        {
            return records;
        }
        _created = true;
        var end = await _consumer.ListOffsetAsync(_topic, 0, -1, cancellationToken).ConfigureAwait(false);
        var position = await _consumer.ListOffsetAsync(_topic, 0, -2, cancellationToken).ConfigureAwait(false);
        using var scratch = new PooledBufferWriter();
        while (position < end)
        {
            var fetched = await _consumer.FetchAsync(_topic, 0, position, 4 * 1024 * 1024, maxWaitMs: 100, cancellationToken).ConfigureAwait(false);
            if (fetched.ErrorCode != 0)
            {
                throw new KafkaClientException(fetched.ErrorCode, $"Reading the schema history topic {_topic}: error {fetched.ErrorCode}");
            }
            var span = fetched.Records.Span;
            int size;
            while ((size = RecordBatch.FirstWholeBatchSize(span)) > 0)
            {
                var batch = span[..size];
                var next = RecordBatch.NextOffset(batch);
                if (next > position && !RecordBatch.IsControl(batch))
                {
                    var reader = BatchRecords.Read(batch, scratch);
                    while (reader.TryReadNext(out var record))
                    {
                        if (record.HasValue && SchemaHistoryRecord.Read(record.Value) is { } read)
                        {
                            records.Add(read);
                        }
                    }
                }
                position = Math.Max(position, next);
                span = span[size..];
            }
        }
        return records;
    }

    public async ValueTask DisposeAsync()
    {
        await _producer.DisposeAsync().ConfigureAwait(false);
        if (!ReferenceEquals(_consumer, _producer))
        {
            await _consumer.DisposeAsync().ConfigureAwait(false);
        }
    }
}
