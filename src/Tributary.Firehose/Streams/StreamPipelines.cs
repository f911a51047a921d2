using Microsoft.Extensions.Logging;
using Tributary.Broker;
using Tributary.Delivery.Dialect;
using Tributary.Delivery.Engine;
using Tributary.Delivery.Sources;
using Tributary.Firehose.Model;
using Tributary.Firehose.Naming;
using Tributary.Firehose.Objects;
using Tributary.Firehose.Processing;
using Tributary.Firehose.Sources;
using Tributary.ObjectStores;

namespace Tributary.Firehose.Streams;

/// <summary>
/// How a delivery stream's definition becomes a running engine: its source (the direct-put log, a topic of the
/// embedded broker, an external Kafka cluster, a Kinesis stream) and its pipeline on the sink engine — Firehose's
/// processing (<see cref="RecordProcessor"/>), dynamic partitioning (<see cref="DynamicPartitioning"/>), buffering hints
/// (<see cref="BufferingHints"/>) and objects (<see cref="DestinationObjects"/>). Thread-safe.
/// </summary>
internal sealed class StreamPipelines(IBrokerApi broker, IObjectStore store, DeliveryOptions options, ILoggerFactory loggers, HttpClient http)
{
    /// <summary>Builds the source of a KinesisStreamAsSource stream (the host wires the Kinesis API in); null when not available.</summary>
    public Func<KinesisSourceDefinition, IDeliverySource>? KinesisSourceFactory { get; set; }

    public string Arn(string name) => $"arn:aws:firehose:{options.Region}:{options.AccountId}:deliverystream/{name}";

    public string StateDirectory(string name) => Path.Combine(options.Directory, "streams", name);

    public IDeliverySource CreateSource(DeliveryStreamDefinition definition) => definition.Type switch
    {
        DeliveryStreamType.DirectPut => new TopicSource(broker, DeliveryStreams.DirectPutTopicPrefix + definition.Name, StartPosition.Earliest),
        DeliveryStreamType.MSKAsSource when definition.KafkaSource!.BootstrapServers is { } bootstrap =>
            new ExternalKafkaSource(bootstrap, definition.KafkaSource.TopicName, definition.KafkaSource.ConsumerGroup ?? "tributary-delivery-" + definition.Name, KafkaStart(definition.KafkaSource)?.ToUnixTimeMilliseconds()),
        DeliveryStreamType.MSKAsSource => new TopicSource(broker, definition.KafkaSource!.TopicName, KafkaStart(definition.KafkaSource) is { } start ? StartPosition.At(start) : StartPosition.Latest),
        DeliveryStreamType.KinesisStreamAsSource => KinesisSource(definition.KinesisSource!),
        _ => throw DeliveryException.InvalidArgument($"Unsupported source {definition.Type}."),
    };

    /// <summary>The source of a Kinesis stream; InvalidArgumentException when the stream does not exist or Kinesis is not wired in.</summary>
    public IDeliverySource KinesisSource(KinesisSourceDefinition source) =>
        (KinesisSourceFactory ?? throw DeliveryException.InvalidArgument("KinesisStreamAsSource is not available on this server."))(source);

    /// <summary>ReadFromTimestamp when given (epoch 0 = earliest), else the time the stream became active.</summary>
    private static DateTimeOffset? KafkaStart(KafkaSourceDefinition source) => source.ReadFromTimestamp ?? source.DeliveryStartTimestamp;

    /// <summary>The engine of a stream, reading <paramref name="source"/>.</summary>
    public DeliveryPipeline<ProcessedRecord> CreatePipeline(DeliveryStreamDefinition definition, IDeliverySource source, DeliveryCounters counters)
    {
        var destination = definition.Destination;
        var (lambda, lambdaArn) = Lambda(definition);
        var keys = new ObjectKeys(definition);
        var dialect = new PipelineDefinition<ProcessedRecord>
        {
            Name = definition.Name,
            Version = definition.VersionId,
            Processor = new RecordProcessor(destination.Processing, definition.Type == DeliveryStreamType.KinesisStreamAsSource, lambda,
                backup: destination is { S3BackupMode: "Enabled", BackupBucketArn: not null }),
            Router = new DynamicPartitioning(keys, options.MaxActivePartitions),
            Flush = new BufferingHints(destination),
            Objects = new DestinationObjects(definition, keys, lambdaArn, options.TableSchemas ?? new Tributary.Formats.Json.DirectoryTableSchemas(options.TablesDirectory)),
        };
        var context = new PipelineContext
        {
            Store = store,
            StateDirectory = StateDirectory(definition.Name),
            Counters = counters,
            Logger = loggers.CreateLogger("Tributary.Delivery." + definition.Name),
            MaxBufferedBytes = options.MaxBufferedBytes,
            // Direct puts are counted when they are put.
            CountIncoming = definition.Type != DeliveryStreamType.DirectPut,
            PollWaitMs = options.PollWaitMs,
        };
        return new DeliveryPipeline<ProcessedRecord>(dialect, source, context);
    }

    /// <summary>The Lambda processor's transformation and LambdaArn, or nulls when the stream has none.</summary>
    private (LambdaTransform? Lambda, string? LambdaArn) Lambda(DeliveryStreamDefinition definition)
    {
        var processing = definition.Destination.Processing;
        if (!processing.Enabled || processing.Processors.FirstOrDefault(p => p.Type == "Lambda") is not { } processor)
        {
            return (null, null);
        }
        var lambdaArn = processor.Parameter("LambdaArn") ?? "";
        var settings = new LambdaSettings
        {
            Endpoint = LambdaEndpoint(lambdaArn),
            LambdaArn = lambdaArn,
            Retries = int.TryParse(processor.Parameter("NumberOfRetries"), out var retries) ? retries : 3,
            Timeout = options.LambdaTimeout,
            MaxPayloadBytes = double.TryParse(processor.Parameter("BufferSizeInMBs"), System.Globalization.CultureInfo.InvariantCulture, out var mb) ? (int)(mb * 1024 * 1024) : 1024 * 1024,
            DeliveryStreamArn = Arn(definition.Name),
            Region = options.Region,
            SourceMskArn = definition.Type == DeliveryStreamType.MSKAsSource ? definition.KafkaSource!.ClusterArn : null,
        };
        return (new LambdaTransform(settings, http), lambdaArn);
    }

    private Uri LambdaEndpoint(string lambdaArn)
    {
        if (Uri.TryCreate(lambdaArn, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
        {
            return uri;
        }
        var functionName = lambdaArn.Split(':') is { Length: >= 7 } parts ? parts[6] : lambdaArn;
        if (options.LambdaEndpoints.TryGetValue(lambdaArn, out var url) || options.LambdaEndpoints.TryGetValue(functionName, out url))
        {
            return new Uri(url);
        }
        throw DeliveryException.InvalidArgument($"No transformation endpoint is configured for {lambdaArn}: give an http(s) URL as LambdaArn, or map the function in delivery.lambda.endpoints.");
    }
}
