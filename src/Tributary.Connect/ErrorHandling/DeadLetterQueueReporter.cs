using System.Globalization;
using System.Text;
using Tributary.Client;
using Tributary.Connect.Errors;
using Tributary.Protocol.Records;

namespace Tributary.Connect.Runtime.ErrorHandling;

/// <summary>
/// Sends records that failed in a sink task's pipeline to errors.deadletterqueue.topic.name (Kafka's
/// <c>DeadLetterQueueReporter</c>): the original key, value and headers, plus — with
/// errors.deadletterqueue.context.headers.enable — Connect's <c>__connect.errors.*</c> headers as UTF-8 strings.
/// Reports are batched and sent by <see cref="FlushAsync"/>, which the task loop awaits before committing the
/// consumer offsets past them, so a DLQ record is durable before its source offset is committed. The topic is made
/// when the task starts (<see cref="EnsureTopicAsync"/>), as Kafka's reporter is set up, with one partition and
/// errors.deadletterqueue.topic.replication.factor — the same rule as KIP-158 topic creation: the configured factor
/// goes to the broker (-1: the broker's default), and one the cluster cannot hold fails the task with the broker's
/// reason. The topic is looked for and created through the connector's admin client (<paramref name="admin"/>: the
/// worker's <c>admin.*</c> settings with the connector's <c>admin.override.*</c>, as Kafka's reporter sets up its topic),
/// and reports are produced through <paramref name="client"/>. One task's use.
/// </summary>
public sealed class DeadLetterQueueReporter(KafkaClient client, KafkaClient admin, string topic, short replicationFactor, bool contextHeaders, string connector, int task)
{
    public const string HeaderPrefix = "__connect.errors.";
    public const string TopicHeader = HeaderPrefix + "topic";
    public const string PartitionHeader = HeaderPrefix + "partition";
    public const string OffsetHeader = HeaderPrefix + "offset";
    public const string ConnectorNameHeader = HeaderPrefix + "connector.name";
    public const string TaskIdHeader = HeaderPrefix + "task.id";
    public const string StageHeader = HeaderPrefix + "stage";
    public const string ClassNameHeader = HeaderPrefix + "class.name";
    public const string ExceptionClassHeader = HeaderPrefix + "exception.class.name";
    public const string ExceptionMessageHeader = HeaderPrefix + "exception.message";
    public const string ExceptionStacktraceHeader = HeaderPrefix + "exception.stacktrace";

    private readonly List<FailedRecord> _pending = [];
    private readonly List<RecordHeader[]> _pendingHeaders = [];
    private bool _topicReady;

    public long Reported { get; private set; }

    public void Report(FailedRecord record, ErrorStage stage, string executingClass, Exception error)
    {
        var headers = new List<RecordHeader>(record.Headers);
        if (contextHeaders)
        {
            headers.Add(Header(TopicHeader, record.Topic));
            headers.Add(Header(PartitionHeader, record.Partition.ToString(CultureInfo.InvariantCulture)));
            headers.Add(Header(OffsetHeader, record.Offset.ToString(CultureInfo.InvariantCulture)));
            headers.Add(Header(ConnectorNameHeader, connector));
            headers.Add(Header(TaskIdHeader, task.ToString(CultureInfo.InvariantCulture)));
            headers.Add(Header(StageHeader, stage.ToString()));
            headers.Add(Header(ClassNameHeader, executingClass));
            headers.Add(Header(ExceptionClassHeader, JavaExceptionName(error)));
            if (error.Message is { Length: > 0 } message)
            {
                headers.Add(Header(ExceptionMessageHeader, message));
            }
            headers.Add(Header(ExceptionStacktraceHeader, error.ToString()));
        }
        _pending.Add(record);
        _pendingHeaders.Add([.. headers]);
        Reported++;
    }

    public int PendingCount => _pending.Count;

    /// <summary>Sends the reports collected so far as one batch (creating the topic with one partition when missing).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_pending.Count == 0)
        {
            return;
        }
        await EnsureTopicAsync(cancellationToken).ConfigureAwait(false);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using var builder = new RecordBatchBuilder(now);
        for (var i = 0; i < _pending.Count; i++)
        {
            var record = _pending[i];
            builder.Append(record.Timestamp >= 0 ? record.Timestamp : now, record.Key, record.Value, record.Key is not null, record.Value is not null, _pendingHeaders[i]);
        }
        var batch = builder.ToArray(new BatchOptions());
        await client.ProduceBatchAsync(topic, 0, batch, -1, cancellationToken).ConfigureAwait(false);
        _pending.Clear();
        _pendingHeaders.Clear();
    }

    /// <summary>
    /// Creates the DLQ topic when missing (one partition, the configured replication factor); a refusal is Kafka's
    /// ConnectException "Could not initialize dead letter queue with topic=...", with the broker's reason.
    /// </summary>
    public async Task EnsureTopicAsync(CancellationToken cancellationToken)
    {
        if (_topicReady)
        {
            return;
        }
        if (await admin.PartitionCountAsync(topic, cancellationToken).ConfigureAwait(false) is null)
        {
            try
            {
                await admin.CreateTopicAsync(topic, 1, null, ifNotExists: true, cancellationToken, replicationFactor).ConfigureAwait(false);
            }
            catch (KafkaClientException e)
            {
                throw new ConnectException($"Could not initialize dead letter queue with topic={topic}: {e.Message}", e);
            }
        }
        if (!ReferenceEquals(admin, client) && await client.PartitionCountAsync(topic, cancellationToken).ConfigureAwait(false) is null)
        {
            // The admin client reaches another cluster (admin.override.bootstrap.servers): the reports' cluster learns the
            // topic as Kafka's producer does, by a metadata request that lets its broker create it (auto.create.topics.enable).
            await client.RefreshMetadataAsync([topic], allowAutoCreate: true, cancellationToken).ConfigureAwait(false);
        }
        _topicReady = true;
    }

    private static RecordHeader Header(string key, string value) => new(key, Encoding.UTF8.GetBytes(value));

    /// <summary>
    /// The exception's class as Connect tooling expects it: Connect's own exception types under their Java names
    /// (<c>org.apache.kafka.connect.errors.DataException</c>), anything else under its .NET name.
    /// </summary>
    public static string JavaExceptionName(Exception error) =>
        error.GetType().Namespace == "Tributary.Connect.Errors" ? "org.apache.kafka.connect.errors." + error.GetType().Name : error.GetType().FullName ?? error.GetType().Name;
}
