using System.Text.Json;
using Microsoft.Extensions.Logging;
using Tributary.Broker;
using Tributary.Delivery.Engine;
using Tributary.Delivery.Sources;
using Tributary.Firehose.Model;
using Tributary.Firehose.Naming;
using Tributary.Firehose.Processing;
using Tributary.Foundation.IO;
using Tributary.ObjectStores;
using Tributary.Protocol.Records;

namespace Tributary.Firehose.Streams;

/// <summary>
/// The delivery streams of this server: definitions persisted in <c>streams.json</c>, one engine task per stream,
/// direct puts appended (durably) to the stream's internal topic <c>firehose.NAME</c> (reserved: Kafka clients can
/// read it, not write it), which the stream's engine then reads like any topic source.
/// </summary>
public sealed class DeliveryStreams : IDeliveryStreams, IAsyncDisposable
{
    public const string DirectPutTopicPrefix = "firehose.";
    private const string DefinitionsFile = "streams.json";
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    private readonly IBrokerApi _broker;
    private readonly DeliveryOptions _options;
    private readonly ILogger _logger;
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private readonly StreamPipelines _pipelines;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly Dictionary<string, StreamRuntime> _streams = new(StringComparer.Ordinal);

    /// <summary>Builds the source of a KinesisStreamAsSource stream (the host wires the Kinesis API in); null when not available.</summary>
    public Func<KinesisSourceDefinition, IDeliverySource>? KinesisSourceFactory
    {
        get => _pipelines.KinesisSourceFactory;
        set => _pipelines.KinesisSourceFactory = value;
    }

    private DeliveryStreams(IBrokerApi broker, IObjectStore store, DeliveryOptions options, ILoggerFactory loggers)
    {
        _broker = broker;
        _options = options;
        _logger = loggers.CreateLogger<DeliveryStreams>();
        _pipelines = new StreamPipelines(broker, store, options, loggers, _http);
    }

    /// <summary>Loads the persisted definitions; <see cref="StartAll"/> then starts their engines (once sources are wired).</summary>
    public static DeliveryStreams Open(IBrokerApi broker, IObjectStore store, DeliveryOptions options, ILoggerFactory loggers)
    {
        broker.ReserveTopicPrefix(DirectPutTopicPrefix, "Firehose");
        var streams = new DeliveryStreams(broker, store, options, loggers);
        System.IO.Directory.CreateDirectory(options.Directory);
        var path = Path.Combine(options.Directory, DefinitionsFile);
        if (File.Exists(path))
        {
            var definitions = JsonSerializer.Deserialize<List<DeliveryStreamDefinition>>(File.ReadAllBytes(path), JsonOptions) ?? [];
            foreach (var definition in definitions)
            {
                streams._streams[definition.Name] = new StreamRuntime(streams._pipelines, streams._logger, definition, new DeliveryCounters());
            }
        }
        return streams;
    }

    /// <summary>Starts the engines of the streams loaded by <see cref="Open"/>.</summary>
    public void StartAll()
    {
        lock (_streams)
        {
            foreach (var runtime in _streams.Values)
            {
                runtime.Start();
            }
        }
    }

    public async Task<DeliveryStreamDefinition> CreateAsync(DeliveryStreamDefinition definition, CancellationToken cancellationToken = default)
    {
        ObjectKeys.Validate(definition);
        ValidateProcessing(definition.Destination);
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_streams.ContainsKey(definition.Name))
            {
                throw new DeliveryException("ResourceInUseException", $"Firehose {definition.Name} under account {_options.AccountId} already exists.");
            }
            if (_streams.Count >= _options.MaxStreams)
            {
                throw new DeliveryException("LimitExceededException", $"You have already consumed your firehose quota of {_options.MaxStreams} hoses.");
            }
            var now = DateTimeOffset.UtcNow;
            var created = definition with
            {
                VersionId = 1,
                CreateTimestamp = now,
                KafkaSource = definition.KafkaSource is { } kafka ? kafka with { DeliveryStartTimestamp = now } : null,
                KinesisSource = definition.KinesisSource is { } kinesis ? kinesis with { DeliveryStartTimestamp = now } : null,
            };
            PrepareSource(created);
            System.IO.Directory.CreateDirectory(StateDirectory(created.Name));
            Start(created);
            SaveDefinitions();
            return created;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Creates the stream unless one of that name exists (streams declared in the configuration file).</summary>
    public async Task EnsureDeclaredAsync(DeliveryStreamDefinition definition, CancellationToken cancellationToken = default)
    {
        if (Describe(definition.Name) is null)
        {
            await CreateAsync(definition with { Declared = true }, cancellationToken).ConfigureAwait(false);
        }
    }

    private static void ValidateProcessing(S3DestinationDefinition destination)
    {
        if (!destination.Processing.Enabled)
        {
            return;
        }
        foreach (var processor in destination.Processing.Processors)
        {
            if (processor.Type == "MetadataExtraction" && processor.Parameter("MetadataExtractionQuery") is { } query)
            {
                RecordProcessor.ValidateQuery(query);
            }
        }
    }

    /// <summary>Checks (and for the embedded broker, creates) what the source reads.</summary>
    private void PrepareSource(DeliveryStreamDefinition definition)
    {
        switch (definition.Type)
        {
            case DeliveryStreamType.DirectPut:
                var topic = DirectPutTopicPrefix + definition.Name;
                if (_broker.GetTopic(topic) is null)
                {
                    // One PutRecordBatch (up to 4 MiB of data) is one batch of the log.
                    var configs = new Dictionary<string, string?> { ["max.message.bytes"] = (8 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture) };
                    var (error, message, _) = _broker.CreateTopic(topic, _options.DirectPutPartitions, configs);
                    if (error is not ErrorCode.None and not ErrorCode.TopicAlreadyExists)
                    {
                        throw new DeliveryException("ServiceUnavailableException", $"The internal log {topic} could not be created: {message ?? error.ToString()}.");
                    }
                }
                break;
            case DeliveryStreamType.MSKAsSource when definition.KafkaSource!.BootstrapServers is null:
                var (topicError, info) = _broker.GetOrAutoCreateTopic(definition.KafkaSource.TopicName, allowAutoCreate: true);
                if (info is null)
                {
                    throw DeliveryException.InvalidArgument($"Topic {definition.KafkaSource.TopicName} does not exist in the cluster and could not be created ({topicError}).");
                }
                break;
            case DeliveryStreamType.KinesisStreamAsSource:
                // Resolving the stream checks it exists (the factory throws InvalidArgumentException otherwise).
                var probe = _pipelines.KinesisSource(definition.KinesisSource!);
                probe.DisposeAsync().AsTask().GetAwaiter().GetResult();
                break;
        }
    }

    public DeliveryStreamDescription? Describe(string name)
    {
        lock (_streams)
        {
            return _streams.TryGetValue(name, out var runtime) ? runtime.Describe() : null;
        }
    }

    public IReadOnlyList<DeliveryStreamDescription> List()
    {
        lock (_streams)
        {
            return [.. _streams.Values.Select(r => r.Describe()).OrderBy(d => d.Definition.Name, StringComparer.Ordinal)];
        }
    }

    public async Task DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var runtime = Get(name);
            runtime.Status = DeliveryStreamStatus.Deleting;
            await runtime.StopAsync().ConfigureAwait(false);
            lock (_streams)
            {
                _streams.Remove(name);
            }
            SaveDefinitions();
            if (runtime.Definition.Type == DeliveryStreamType.DirectPut)
            {
                _broker.DeleteTopic(DirectPutTopicPrefix + name);
            }
            var directory = StateDirectory(name);
            if (System.IO.Directory.Exists(directory))
            {
                System.IO.Directory.Delete(directory, recursive: true);
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    public async Task<DeliveryStreamDefinition> UpdateDestinationAsync(string name, int currentVersionId, string destinationId,
        Func<S3DestinationDefinition, S3DestinationDefinition> update, CancellationToken cancellationToken = default)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var runtime = Get(name);
            var current = runtime.Definition;
            if (current.VersionId != currentVersionId)
            {
                throw new DeliveryException("ConcurrentModificationException",
                    $"Cannot update firehose: {name} since the current version id: {current.VersionId} and specified version id: {currentVersionId} do not match");
            }
            if (current.Destination.DestinationId != destinationId)
            {
                throw DeliveryException.InvalidArgument($"Destination Id {destinationId} not found.");
            }
            var destination = update(current.Destination);
            if (current.Destination.DynamicPartitioning && !destination.DynamicPartitioning)
            {
                throw DeliveryException.InvalidArgument("Dynamic partitioning cannot be disabled once it is enabled.");
            }
            if (!current.Destination.DynamicPartitioning && destination.DynamicPartitioning)
            {
                throw DeliveryException.InvalidArgument("Dynamic partitioning can only be enabled when the delivery stream is created.");
            }
            var updated = current with { Destination = destination, VersionId = current.VersionId + 1, LastUpdateTimestamp = DateTimeOffset.UtcNow };
            ObjectKeys.Validate(updated);
            ValidateProcessing(destination);
            // Records buffered under the old version are delivered with it before the new one starts.
            await runtime.DrainAsync().ConfigureAwait(false);
            lock (_streams)
            {
                _streams.Remove(name);
            }
            Start(updated, runtime.Counters);
            SaveDefinitions();
            return updated;
        }
        finally
        {
            _lock.Release();
        }
    }

    public async Task<IReadOnlyList<PutRecordResult>> PutAsync(string name, IReadOnlyList<ReadOnlyMemory<byte>> records, CancellationToken cancellationToken = default)
    {
        var runtime = Get(name);
        if (runtime.Definition.Type != DeliveryStreamType.DirectPut)
        {
            throw DeliveryException.InvalidArgument($"This operation is not permitted on KinesisStreamAsSource or MSKAsSource delivery streams: {name} reads from {runtime.Definition.Type}.");
        }
        var topic = DirectPutTopicPrefix + name;
        var partition = _options.DirectPutPartitions == 1 ? 0 : Random.Shared.Next(_options.DirectPutPartitions);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using var builder = new RecordBatchBuilder(now);
        long bytes = 0;
        foreach (var record in records)
        {
            builder.Append(now, default, record.Span, hasKey: false);
            bytes += record.Length;
        }
        var batch = builder.ToArray(new BatchOptions());
        var result = await _broker.ProduceAsync(topic, partition, batch, Acks.All, cancellationToken).ConfigureAwait(false);
        var results = new PutRecordResult[records.Count];
        if (result.Error != ErrorCode.None)
        {
            for (var i = 0; i < results.Length; i++)
            {
                results[i] = new PutRecordResult(null, "ServiceUnavailableException", $"The record could not be stored: {result.ErrorMessage ?? result.Error.ToString()}.");
            }
            return results;
        }
        runtime.Counters.Incoming(records.Count, bytes, putRequest: true);
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = new PutRecordResult(RecordId(partition, result.BaseOffset + i));
        }
        return results;
    }

    /// <summary>An opaque record id from the record's place in the internal log (Firehose's ids are opaque strings).</summary>
    private static string RecordId(int partition, long offset) =>
        Convert.ToBase64String(BitConverter.GetBytes(partition).Concat(BitConverter.GetBytes(offset)).ToArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_')
        + offset.ToString("D20", System.Globalization.CultureInfo.InvariantCulture);

    public async Task TagAsync(string name, IReadOnlyList<KeyValuePair<string, string>> tags, CancellationToken cancellationToken = default)
    {
        await ChangeAsync(name, definition =>
        {
            var merged = definition.Tags.ToList();
            foreach (var tag in tags)
            {
                merged.RemoveAll(t => t.Key == tag.Key);
                merged.Add(tag);
            }
            if (merged.Count > 50)
            {
                // AWS documents the limit, not its message: the form Kinesis gives for AddTagsToStream, naming a Firehose.
                throw new DeliveryException("LimitExceededException", $"Failed to add tags to Firehose {name} under account {_options.AccountId} because a given Firehose cannot have more than 50 tags.");
            }
            return definition with { Tags = merged };
        }, cancellationToken).ConfigureAwait(false);
    }

    public Task UntagAsync(string name, IReadOnlyList<string> keys, CancellationToken cancellationToken = default) =>
        ChangeAsync(name, definition => definition with { Tags = [.. definition.Tags.Where(t => !keys.Contains(t.Key))] }, cancellationToken);

    public Task SetEncryptionAsync(string name, bool enabled, CancellationToken cancellationToken = default) =>
        ChangeAsync(name, definition => definition with { EncryptionEnabled = enabled }, cancellationToken);

    /// <summary>A change that does not touch delivery (tags, encryption flag): the running engine keeps going.</summary>
    private async Task ChangeAsync(string name, Func<DeliveryStreamDefinition, DeliveryStreamDefinition> change, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var runtime = Get(name);
            runtime.Definition = change(runtime.Definition);
            SaveDefinitions();
        }
        finally
        {
            _lock.Release();
        }
    }

    private StreamRuntime Get(string name)
    {
        lock (_streams)
        {
            return _streams.TryGetValue(name, out var runtime) ? runtime : throw new DeliveryException("ResourceNotFoundException", $"Firehose {name} under account {_options.AccountId} not found.");
        }
    }

    private string StateDirectory(string name) => _pipelines.StateDirectory(name);

    private void SaveDefinitions()
    {
        List<DeliveryStreamDefinition> definitions;
        lock (_streams)
        {
            definitions = [.. _streams.Values.Select(r => r.Definition).OrderBy(d => d.Name, StringComparer.Ordinal)];
        }
        DurableFile.WriteAtomically(Path.Combine(_options.Directory, DefinitionsFile), JsonSerializer.SerializeToUtf8Bytes(definitions, JsonOptions));
    }

    private void Start(DeliveryStreamDefinition definition, DeliveryCounters? counters = null)
    {
        var runtime = new StreamRuntime(_pipelines, _logger, definition, counters ?? new DeliveryCounters());
        lock (_streams)
        {
            _streams[definition.Name] = runtime;
        }
        runtime.Start();
    }

    public string Arn(string name) => _pipelines.Arn(name);

    public async ValueTask DisposeAsync()
    {
        List<StreamRuntime> runtimes;
        lock (_streams)
        {
            runtimes = [.. _streams.Values];
        }
        foreach (var runtime in runtimes)
        {
            await runtime.StopAsync().ConfigureAwait(false);
        }
        _http.Dispose();
        _lock.Dispose();
    }
}
