using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tributary.Connect.Errors;
using Tributary.Connect.S3.Config;
using Tributary.Connect.S3.Formats;
using Tributary.Connect.S3.Partitioners;
using Tributary.Connect.S3.Sink;
using Tributary.Connect.Sink;
using Tributary.ObjectStores;
using static Tributary.Connect.S3.Config.S3SinkConfigDef;

namespace Tributary.Connect.S3;

/// <summary>
/// The S3 sink task. On the worker's thread, <c>put</c> partitions each record, checks (and for the line formats
/// encodes) it against the format, and hands it to its topic's engine pipeline; a record that does not fit goes to the
/// dead-letter queue with <c>errors.tolerance=all</c> and fails the task otherwise. <c>preCommit</c> returns, per
/// partition, only the offsets whose records are in durable objects (or in objects the engine's state lists and will
/// upload after a crash), so the group never commits past data not yet in the bucket.
/// <para>Exactly once whatever the rotation settings: the engine's spool → state → upload protocol with keys made from
/// start offsets (see <see cref="S3SinkDialect"/> for why clock-based partitioning keeps one file per partition).</para>
/// </summary>
public sealed class S3SinkTask : SinkTask
{
    /// <summary>The task's index among the connector's tasks, added by <see cref="S3SinkConnector.TaskConfigs"/>: it names the task's state directory.</summary>
    public const string TaskIdConfig = "tributary.task.id";

    private readonly Dictionary<string, TopicWriter> _writers = new(StringComparer.Ordinal);
    private S3SinkConnectorConfig _config = null!;
    private IObjectStore _store = null!;
    private IRecordFormat _format = null!;
    private (S3SinkDialect.ViewFile File, Func<SinkRecord, SinkRecord> Of)[] _views = [];
    private string _tombstonePartition = "tombstone";
    private IPartitioner _partitioner = null!;
    private SchemaEvolution _compatibility = null!;
    private ObjectKeys _keys = null!;
    private TimeZoneInfo _zone = TimeZoneInfo.Utc;
    private string _connector = "";
    private string _stateRoot = "";
    private string _nullBehavior = "fail";
    private bool _tolerateAll;
    private long _maxBufferedBytes;
    private int _topicCount = 1;
    private ILogger _logger = NullLogger.Instance;

    public override string Version => S3SinkConnector.ConnectorVersion;

    /// <summary>Replaces the logger (the runtime gives tasks none); for tests and hosts.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    public override Task StartAsync(IReadOnlyDictionary<string, string> properties, CancellationToken cancellationToken)
    {
        _config = new S3SinkConnectorConfig(properties);
        _logger = (ILogger?)LoggerFactory?.CreateLogger<S3SinkTask>() ?? NullLogger.Instance;
        _connector = properties.GetValueOrDefault("name", "s3-sink");
        var taskId = properties.GetValueOrDefault(TaskIdConfig, "0");
        var stateDir = _config.GetString(StateDirectory);
        // One directory per connector and task: two connectors (or tasks) never share an engine's state.
        _stateRoot = Path.Combine(string.IsNullOrEmpty(stateDir) ? Path.Combine(Path.GetTempPath(), "tributary-connect-s3") : stateDir, SafeName(_connector), "task-" + taskId);
        _tolerateAll = string.Equals(properties.GetValueOrDefault("errors.tolerance"), "all", StringComparison.OrdinalIgnoreCase);
        _nullBehavior = _config.GetString(BehaviorOnNullValues)!.ToLowerInvariant();
        _maxBufferedBytes = _config.GetLong(MaxBufferedBytes);
        _topicCount = Math.Max(1, properties.GetValueOrDefault("topics", "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Length);
        var zone = _config.GetString(Timezone);
        _zone = string.IsNullOrEmpty(zone) ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(zone);
        _keys = new ObjectKeys(_config.TopicsDirectory, _config.DirectoryDelimiter, _config.FileDelimiter, _config.OffsetPadWidth);
        _format = CreateFormat(_config);
        _views = [.. CreateViews(_config)];
        _tombstonePartition = _config.GetString(TombstoneEncodedPartition)!;
        _partitioner = CreatePartitioner(_config, _zone);
        _compatibility = new SchemaEvolution(_config.GetString(SchemaCompatibility)!);
        _store = CreateStore(_config);
        return Task.CompletedTask;
    }

    public static IRecordFormat CreateFormat(S3SinkConnectorConfig config) => CreateFormat(config, config.Format);

    /// <summary>
    /// The key and header files of <c>store.kafka.keys</c> / <c>store.kafka.headers</c>, in <c>keys.format.class</c> /
    /// <c>headers.format.class</c> with the value format's settings (compression, codecs), as Confluent configures them.
    /// </summary>
    private static IEnumerable<(S3SinkDialect.ViewFile, Func<SinkRecord, SinkRecord>)> CreateViews(S3SinkConnectorConfig config)
    {
        if (config.GetBoolean(StoreKafkaKeys))
        {
            var format = CreateFormat(config, config.GetClass(KeysFormatClass)!);
            var enveloped = format is ParquetFormat;
            yield return (new(".keys", format), record => RecordViews.Key(record, enveloped));
        }
        if (config.GetBoolean(StoreKafkaHeaders))
        {
            var format = CreateFormat(config, config.GetClass(HeadersFormatClass)!);
            var enveloped = format is ParquetFormat;
            yield return (new(".headers", format), record => RecordViews.Headers(record, enveloped));
        }
    }

    private static IRecordFormat CreateFormat(S3SinkConnectorConfig config, string formatClass)
    {
        var gzip = config.GetString(CompressionType) == "gzip";
        var level = config.GetInt(CompressionLevel);
        return formatClass switch
        {
            JsonFormatClass => new JsonFormat(config.GetString(JsonDecimalFormat)!, gzip, level),
            ByteArrayFormatClass => new ByteArrayFormat(config.GetString(ByteArrayExtension)!, config.GetString(ByteArraySeparator), gzip, level),
            AvroFormatClass => new AvroFormat(config.GetString(AvroCodec)!),
            ParquetFormatClass => new ParquetFormat(config.GetString(ParquetCodec)!),
            var other => throw new ConfigException(FormatClass, other, "Class " + other + " could not be found"),
        };
    }

    public static IPartitioner CreatePartitioner(S3SinkConnectorConfig config, TimeZoneInfo zone)
    {
        var delimiter = config.DirectoryDelimiter;
        ITimestampExtractor Extractor() => ITimestampExtractor.Create(config.GetString(TimestampExtractor)!, config.GetString(TimestampField)!);
        return config.Partitioner switch
        {
            DefaultPartitionerClass => new DefaultPartitioner(),
            FieldPartitionerClass => new FieldPartitioner(config.GetList(PartitionFieldName), delimiter),
            TimeBasedPartitionerClass => new TimeBasedPartitioner(config.GetLong(PartitionDurationMs), config.GetString(PathFormat)!, zone, Extractor(), delimiter),
            DailyPartitionerClass => new TimeBasedPartitioner(TimeBasedPartitioner.DayMs, TimeBasedPartitioner.DailyPathFormat(delimiter), zone, Extractor(), delimiter),
            HourlyPartitionerClass => new TimeBasedPartitioner(TimeBasedPartitioner.HourMs, TimeBasedPartitioner.HourlyPathFormat(delimiter), zone, Extractor(), delimiter),
            var other => throw new ConfigException(PartitionerClass, other, "Class " + other + " could not be found"),
        };
    }

    /// <summary>
    /// <c>store.url</c> <c>file:///dir</c>: a local object directory (<c>dir/&lt;bucket&gt;/&lt;key&gt;</c>, Tributary's
    /// embedded default); otherwise S3 (AWS in <c>s3.region</c>, or the S3-compatible endpoint <c>store.url</c>) with
    /// multipart uploads of <c>s3.part.size</c>, the standard credential chain unless <c>aws.access.key.id</c> and
    /// <c>aws.secret.access.key</c> are set, and <c>s3.part.retries</c> retries from <c>s3.retry.backoff.ms</c>.
    /// </summary>
    public static IObjectStore CreateStore(S3SinkConnectorConfig config)
    {
        var url = config.GetString(StoreUrl);
        if (url is not null && url.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return new LocalDirectoryStore(new Uri(url).LocalPath);
        }
        var accessKey = config.GetString(AccessKeyId);
        var secret = config.GetPassword(SecretAccessKey)?.Value;
        return new S3ObjectStore(new S3StoreOptions
        {
            ServiceUrl = string.IsNullOrEmpty(url) ? null : url,
            Region = config.GetString(Region)!,
            ForcePathStyle = config.GetBoolean(PathStyleAccess),
            AccessKeyId = string.IsNullOrEmpty(accessKey) || secret is null ? null : accessKey,
            SecretAccessKey = string.IsNullOrEmpty(accessKey) ? null : secret,
            PartSize = config.GetInt(PartSize),
            CreateBuckets = false,
            Retry = new S3RetryOptions
            {
                MaxAttempts = config.GetInt(PartRetries) + 1,
                InitialDelay = TimeSpan.FromMilliseconds(Math.Max(1, config.GetLong(RetryBackoffMs))),
            },
        });
    }

    public override async Task PutAsync(IReadOnlyList<SinkRecord> records, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        // One hand-over per run of records of a topic (usually the whole put), not one per record.
        var run = new List<SinkSourceRecord>(records.Count);
        string? topic = null;
        foreach (var record in records)
        {
            if (topic is not null && record.OriginalTopic != topic)
            {
                await Writer(topic).PutAsync(run, cancellationToken).ConfigureAwait(false);
                run = new List<SinkSourceRecord>(records.Count);
            }
            topic = record.OriginalTopic;
            run.Add(await PrepareAsync(record, now).ConfigureAwait(false));
        }
        if (topic is not null)
        {
            await Writer(topic).PutAsync(run, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Partitions and checks one record; a record that is skipped still travels (as skipped) so that its offset counts as done.</summary>
    private async Task<SinkSourceRecord> PrepareAsync(SinkRecord record, long now)
    {
        var arrival = record.Timestamp ?? now;
        if (record.Value is null)
        {
            switch (_nullBehavior)
            {
                case "ignore":
                    if (_tolerateAll && _config.GetBoolean(ReportNullValuesToDlq) && Context.ErrantRecordReporter is { } reporter)
                    {
                        await reporter.ReportAsync(record, new DataException("Null valued record skipped (behavior.on.null.values=ignore)")).ConfigureAwait(false);
                    }
                    return new SinkSourceRecord(record, arrival, [], "", -1, skip: true);
                case "write":
                    break;
                default:
                    throw new ConnectException("Null valued records are not writeable with current behavior.on.null.values 'settings'.");
            }
        }
        try
        {
            if (record.Value is null)
            {
                // A tombstone to write: its key (and headers) files go to the tombstone directory; it has no value file.
                return new SinkSourceRecord(record, arrival, [], _tombstonePartition, arrival, skip: false, Views(record, _tombstonePartition, arrival, arrival));
            }
            var written = _compatibility.Apply(record);
            var (encoded, timestamp) = _partitioner.Partition(written, now);
            // The views first: a record whose key or headers cannot be written must not reach the value file either.
            var views = Views(written, encoded, timestamp, arrival);
            var line = _format.Prepare(written);
            return new SinkSourceRecord(written, arrival, line, encoded, timestamp, skip: false, views);
        }
        catch (DataException e)
        {
            if (Context.ErrantRecordReporter is not { } reporter)
            {
                throw;
            }
            // Throws (failing the task with this record's error as the trace) unless errors.tolerance=all.
            await reporter.ReportAsync(record, e).ConfigureAwait(false);
            return new SinkSourceRecord(record, arrival, [], "", -1, skip: true);
        }
    }

    /// <summary>The record's key and header views, prepared for their formats; null when neither is stored.</summary>
    private SinkSourceRecord[]? Views(SinkRecord record, string encoded, long timestamp, long arrival)
    {
        if (_views.Length == 0)
        {
            return null;
        }
        var views = new SinkSourceRecord[_views.Length];
        for (var i = 0; i < views.Length; i++)
        {
            var view = _views[i].Of(record);
            views[i] = new SinkSourceRecord(view, arrival, _views[i].File.Format.Prepare(view), encoded, timestamp, skip: false);
        }
        return views;
    }

    private TopicWriter Writer(string topic)
    {
        if (_writers.TryGetValue(topic, out var writer))
        {
            return writer;
        }
        var settings = new S3SinkDialect.Settings
        {
            Topic = topic,
            Bucket = _config.Bucket,
            Keys = _keys,
            Format = _format,
            Views = [.. _views.Select(v => v.File)],
            FlushSize = _config.FlushSizeRecords,
            RotateIntervalMs = _config.GetLong(RotateIntervalMs),
            RotateScheduleIntervalMs = _config.GetLong(RotateScheduleIntervalMs),
            Zone = _zone,
            ClockPartitioned = _partitioner.DependsOnClock,
            TimeBased = _config.IsTimeBased,
        };
        var directory = Path.Combine(_stateRoot, SafeName(topic));
        writer = new TopicWriter(settings, _connector, _store, directory, Math.Max(1024 * 1024, _maxBufferedBytes / _topicCount), _logger);
        _writers[topic] = writer;
        return writer;
    }

    /// <summary>Topic names are [a-zA-Z0-9._-]; kept as they are, anything else (after a transformation renamed the topic) hex-escaped.</summary>
    private static string SafeName(string topic) =>
        string.Concat(topic.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c.ToString() : "%" + ((int)c).ToString("X4", CultureInfo.InvariantCulture)));

    public override Task<IReadOnlyDictionary<TopicPartition, OffsetAndMetadata>> PreCommitAsync(IReadOnlyDictionary<TopicPartition, OffsetAndMetadata> currentOffsets, CancellationToken cancellationToken)
    {
        var safe = new Dictionary<TopicPartition, OffsetAndMetadata>();
        foreach (var writer in _writers.Values)
        {
            writer.ThrowIfFailed();
            foreach (var (partition, offset) in writer.Durable)
            {
                var topicPartition = new TopicPartition(writer.Topic, partition);
                if (currentOffsets.ContainsKey(topicPartition))
                {
                    safe[topicPartition] = new OffsetAndMetadata(offset);
                }
            }
        }
        return Task.FromResult<IReadOnlyDictionary<TopicPartition, OffsetAndMetadata>>(safe);
    }

    /// <summary>
    /// Partitions taken away: the engines of their topics stop (what they buffered is delivered again to whoever owns
    /// the partitions next; what they made durable stays in their state) and start again on the next put.
    /// </summary>
    public override async Task CloseAsync(IReadOnlyCollection<TopicPartition> partitions, CancellationToken cancellationToken)
    {
        foreach (var partition in partitions)
        {
            _compatibility.Forget(partition.Topic, partition.Partition);
        }
        foreach (var topic in partitions.Select(p => p.Topic).Distinct())
        {
            if (_writers.Remove(topic, out var writer))
            {
                await writer.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    public override async Task StopAsync()
    {
        foreach (var writer in _writers.Values)
        {
            await writer.DisposeAsync().ConfigureAwait(false);
        }
        _writers.Clear();
        (_store as IDisposable)?.Dispose();
    }
}
