using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Tributary.Client;
using Tributary.Client.Security;
using Tributary.Connect.Errors;
using Tributary.Foundation.Buffers;
using Tributary.Protocol.Records;

namespace Tributary.Cdc;

/// <summary>A signal as a channel delivers it; <see cref="ChannelOffset"/> is the Kafka signal record's offset (null from the signalling table).</summary>
public sealed record SignalRecord(string? Id, string? Type, string? Data, long? ChannelOffset);

/// <summary>
/// The settings of Debezium's <c>kafka</c> signal channel: <c>signal.kafka.topic</c> (default
/// <c>&lt;topic.prefix&gt;-signal</c>), <c>signal.kafka.bootstrap.servers</c> (required), <c>signal.kafka.groupId</c>
/// (default <c>kafka-signal</c>), <c>signal.kafka.poll.timeout.ms</c> (default 0), and the consumer's own keys under
/// <c>signal.consumer.*</c>, which win over those: <c>bootstrap.servers</c>, <c>group.id</c>, <c>client.id</c>,
/// <c>auto.offset.reset</c> (earliest, Debezium's default, or latest) and the security keys (<c>security.protocol</c>,
/// <c>ssl.*</c>, <c>sasl.*</c>: MSK's IAM and SCRAM as for any client here). Other consumer keys are accepted and have
/// no effect. Immutable.
/// </summary>
public sealed record KafkaSignalOptions(string Topic, IReadOnlyList<string> BootstrapServers, string GroupId, string ClientId, int PollTimeoutMs, bool StartAtEarliest,
    ClientSecurity Security)
{
    public const string TopicKey = "signal.kafka.topic";
    public const string BootstrapServersKey = "signal.kafka.bootstrap.servers";
    public const string GroupIdKey = "signal.kafka.groupId";
    public const string PollTimeoutKey = "signal.kafka.poll.timeout.ms";
    public const string ConsumerPrefix = "signal.consumer.";

    public static KafkaSignalOptions Parse(ConfigReader reader, string topicPrefix)
    {
        var consumer = reader.WithPrefix(ConsumerPrefix);
        var servers = (consumer.GetValueOrDefault("bootstrap.servers") is { Length: > 0 } own ? own : reader.Required(BootstrapServersKey))
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (servers.Length == 0)
        {
            throw new ConfigException(BootstrapServersKey, null, "The signal consumer needs at least one bootstrap server");
        }
        var pollTimeout = reader.Int(PollTimeoutKey, 0);
        if (pollTimeout < 0)
        {
            throw new ConfigException(PollTimeoutKey, pollTimeout, "Value must be at least 0");
        }
        var reset = consumer.GetValueOrDefault("auto.offset.reset", "earliest").ToLowerInvariant();
        if (reset is not ("earliest" or "latest"))
        {
            throw new ConfigException(ConsumerPrefix + "auto.offset.reset", reset, "The value must be one of earliest, latest");
        }
        ClientSecurity security;
        try
        {
            security = ClientSecurityProperties.From(ClientSecurityProperties.SecurityKeysOf(consumer));
        }
        catch (ClientConfigException error)
        {
            throw new ConfigException(ConsumerPrefix + error.Key, null, error.Message);
        }
        return new KafkaSignalOptions(reader.Get(TopicKey) ?? topicPrefix + "-signal", servers,
            consumer.GetValueOrDefault("group.id") is { Length: > 0 } group ? group : reader.Get(GroupIdKey) ?? "kafka-signal",
            consumer.GetValueOrDefault("client.id") is { Length: > 0 } client ? client : topicPrefix + "-signal-consumer",
            pollTimeout, reset == "earliest", security);
    }
}

/// <summary>
/// Debezium's <c>kafka</c> signal channel: partition 0 of the signal topic, read from where the connector left off.
/// A record whose key is the connector's <c>topic.prefix</c> and whose value is JSON <c>{"id": …, "type": …, "data":
/// {…}}</c> is a signal (the data object is handed on as its JSON text, as the signalling table's <c>data</c> column
/// holds it); records with another key belong to other connectors and are passed over; a value that is not such JSON
/// is warned about and skipped.
/// <para>
/// Where reading starts: after the offset of the last signal the connector acted on, which every source offset the
/// connector writes afterwards carries (<see cref="OffsetKey"/>, Debezium's key); without one, the offset the consumer
/// group <c>signal.kafka.groupId</c> committed; without that, <c>auto.offset.reset</c>. Debezium keeps the same two
/// places: the signal's offset in the connector's offsets and the group's commits. So a signal the worker acted on is
/// not acted on again after a restart once an offset after it was committed, and a signal sent while the connector was
/// stopped is read when it starts.
/// </para>
/// A background task fetches the topic (long polls of <c>signal.kafka.poll.timeout.ms</c>, at least
/// <see cref="MinimumFetchWaitMs"/>) into a bounded queue the reader task drains between transactions
/// (<see cref="TryRead"/>, <see cref="WaitToReadAsync"/>); after the reader reports a signal done
/// (<see cref="Acknowledge"/>), the task commits the next offset to the group. A missing topic is waited for. Thread
/// safety: one reader task calls TryRead, WaitToReadAsync and Acknowledge; the fetch loop runs on its own.
/// </summary>
public sealed class KafkaSignalChannel : IAsyncDisposable
{
    /// <summary>The source offset key that carries the offset of the last Kafka signal acted on (Debezium's incremental_snapshot_signal_offset).</summary>
    public const string OffsetKey = "incremental_snapshot_signal_offset";

    /// <summary>A poll timeout of 0 (Debezium's default, a non-blocking poll in its loop) becomes a long poll of this length: the fetch loop has its own task.</summary>
    public const int MinimumFetchWaitMs = 500;

    private const int FetchMaxBytes = 1024 * 1024;

    private readonly KafkaSignalOptions _options;
    private readonly byte[] _key;
    private readonly string _connector;
    private readonly TextWriter _output;
    private readonly KafkaClient _client;
    private readonly Channel<SignalRecord> _signals = Channel.CreateBounded<SignalRecord>(new BoundedChannelOptions(1024) { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly long? _resumeAfter;
    private long _acknowledged = -1;
    private Task _loop = Task.CompletedTask;

    /// <param name="resumeAfter">The signal offset the stored source offset carries (<see cref="OffsetKey"/>), null without one.</param>
    public KafkaSignalChannel(KafkaSignalOptions options, string connector, long? resumeAfter, TextWriter output)
    {
        _options = options;
        _connector = connector;
        _key = Encoding.UTF8.GetBytes(connector);
        _resumeAfter = resumeAfter;
        _output = output;
        _client = new KafkaClient(new KafkaClientOptions { BootstrapServers = options.BootstrapServers, ClientId = options.ClientId, Security = options.Security });
    }

    /// <summary>The stored signal offset of a source offset, or null.</summary>
    public static long? StoredOffset(IReadOnlyDictionary<string, object?>? offset) => offset is null ? null : SourceOffsets.Long(offset, OffsetKey);

    public void Start() => _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);

    /// <summary>The next signal read, if one is waiting; throws the channel's failure (the topic could not be read) once it failed.</summary>
    public bool TryRead(out SignalRecord signal)
    {
        if (_signals.Reader.TryRead(out signal!))
        {
            return true;
        }
        if (_signals.Reader.Completion is { IsFaulted: true } failed)
        {
            throw failed.Exception!.InnerException!;
        }
        return false;
    }

    /// <summary>Completes when a signal is waiting (or the channel failed: <see cref="TryRead"/> then rethrows nothing, and the next wait faults).</summary>
    public Task<bool> WaitToReadAsync(CancellationToken cancellationToken) => _signals.Reader.WaitToReadAsync(cancellationToken).AsTask();

    /// <summary>The signal at <paramref name="offset"/> was acted on: the group's committed offset moves past it.</summary>
    public void Acknowledge(long offset) => Volatile.Write(ref _acknowledged, offset);

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            var position = await StartPositionAsync(cancellationToken).ConfigureAwait(false);
            var committed = position;
            var wait = Math.Max(_options.PollTimeoutMs, MinimumFetchWaitMs);
            using var scratch = new PooledBufferWriter();
            while (true)
            {
                var acknowledged = Volatile.Read(ref _acknowledged);
                if (acknowledged + 1 > committed)
                {
                    await CommitAsync(acknowledged + 1, cancellationToken).ConfigureAwait(false);
                    committed = acknowledged + 1;
                }
                var fetched = await _client.FetchAsync(_options.Topic, 0, position, FetchMaxBytes, wait, cancellationToken).ConfigureAwait(false);
                switch (fetched.ErrorCode)
                {
                    case 0:
                        break;
                    case 3: // UNKNOWN_TOPIC_OR_PARTITION: the topic is not created yet.
                        await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                        continue;
                    case 1: // OFFSET_OUT_OF_RANGE: retention removed what we had not read; go on from the log start.
                        position = await _client.ListOffsetAsync(_options.Topic, 0, -2, cancellationToken).ConfigureAwait(false);
                        continue;
                    default:
                        throw new KafkaClientException(fetched.ErrorCode, $"Reading the signal topic {_options.Topic}: error {fetched.ErrorCode}");
                }
                position = await HandOnAsync(fetched.Records, position, scratch, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _signals.Writer.TryComplete();
        }
        catch (Exception error)
        {
            // The task fails at the reader's next look at the channel, with the reason.
            _signals.Writer.TryComplete(new ConnectException($"The kafka signal channel failed reading {_options.Topic}: {error.Message}", error));
        }
    }

    /// <summary>After the stored signal offset; else the group's committed offset; else auto.offset.reset.</summary>
    private async Task<long> StartPositionAsync(CancellationToken cancellationToken)
    {
        if (_resumeAfter is { } stored)
        {
            return stored + 1;
        }
        var coordinator = await GroupCoordination.FindCoordinatorAsync(_client, _options.GroupId, cancellationToken).ConfigureAwait(false);
        if (await GroupCoordination.CommittedOffsetAsync(coordinator, _options.GroupId, _options.Topic, 0, cancellationToken).ConfigureAwait(false) is { } committed)
        {
            return committed;
        }
        while (await _client.PartitionCountAsync(_options.Topic, cancellationToken).ConfigureAwait(false) is null)
        {
            if (_options.StartAtEarliest)
            {
                return 0; // a topic created later starts at 0
            }
            await Task.Delay(MinimumFetchWaitMs, cancellationToken).ConfigureAwait(false);
        }
        return await _client.ListOffsetAsync(_options.Topic, 0, _options.StartAtEarliest ? -2 : -1, cancellationToken).ConfigureAwait(false);
    }

    private async Task CommitAsync(long next, CancellationToken cancellationToken)
    {
        var coordinator = await GroupCoordination.FindCoordinatorAsync(_client, _options.GroupId, cancellationToken).ConfigureAwait(false);
        await GroupCoordination.CommitOffsetAsync(coordinator, _options.GroupId, _options.Topic, 0, next, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Queues the signals of the fetched batches at or after <paramref name="position"/>; returns the next position.</summary>
    private async Task<long> HandOnAsync(ReadOnlyMemory<byte> records, long position, PooledBufferWriter scratch, CancellationToken cancellationToken)
    {
        var signals = new List<SignalRecord>();
        var span = records.Span;
        int size;
        while ((size = RecordBatch.FirstWholeBatchSize(span)) > 0)
        {
            var batch = span[..size];
            var baseOffset = RecordBatch.BaseOffset(batch);
            var next = RecordBatch.NextOffset(batch);
            if (next > position && !RecordBatch.IsControl(batch))
            {
                var reader = BatchRecords.Read(batch, scratch);
                while (reader.TryReadNext(out var record))
                {
                    var offset = baseOffset + record.OffsetDelta;
                    if (offset >= position && record.HasKey && record.Key.SequenceEqual(_key) && Parse(record.HasValue ? record.Value : default, offset) is { } signal)
                    {
                        signals.Add(signal);
                    }
                }
            }
            position = Math.Max(position, next);
            span = span[size..];
        }
        foreach (var signal in signals)
        {
            await _signals.Writer.WriteAsync(signal, cancellationToken).ConfigureAwait(false);
        }
        return position;
    }

    /// <summary>A record's value as a signal; null (with a warning) when it is not a JSON object with a type.</summary>
    private SignalRecord? Parse(ReadOnlySpan<byte> value, long offset)
    {
        try
        {
            var reader = new Utf8JsonReader(value);
            using var json = JsonDocument.ParseValue(ref reader);
            var root = json.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String)
            {
                var id = root.TryGetProperty("id", out var idText) && idText.ValueKind == JsonValueKind.String ? idText.GetString() : null;
                var data = root.TryGetProperty("data", out var dataValue) && dataValue.ValueKind != JsonValueKind.Null
                    ? dataValue.ValueKind == JsonValueKind.String ? dataValue.GetString() : dataValue.GetRawText()
                    : null;
                // Without an id the line names the record: kafka:<topic>@<offset>.
                return new SignalRecord(id ?? $"kafka:{_options.Topic}@{offset.ToString(CultureInfo.InvariantCulture)}", type.GetString(), data, offset);
            }
            SourceSignals.Warn(_output, _connector, $"Signal record {_options.Topic}@{offset} skipped: the value is not a JSON object with a type");
        }
        catch (JsonException error)
        {
            SourceSignals.Warn(_output, _connector, $"Signal record {_options.Topic}@{offset} skipped: the value is not JSON: {error.Message}");
        }
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        // Once more, so the group holds the position of the last signal acted on (Debezium commits on close too).
        var acknowledged = Volatile.Read(ref _acknowledged);
        if (acknowledged >= 0)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await CommitAsync(acknowledged + 1, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception error) when (error is KafkaClientException or OperationCanceledException or IOException or System.Net.Sockets.SocketException)
            {
                // The source offsets carry the position too; the group's commit is the fallback without one.
            }
        }
        await _client.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }
}
