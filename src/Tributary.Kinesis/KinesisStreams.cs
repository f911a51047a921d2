using System.Globalization;
using Tributary.Aws;
using Tributary.Broker;
using Tributary.Foundation.IO;

namespace Tributary.Kinesis;

/// <summary>
/// The Kinesis stream model on the broker core: stream <c>S</c> is the topic <c>kinesis.S</c> and shard i is its
/// partition i, so shards are partition logs of the log engine and Kafka clients can read a stream as a topic.
/// Control-plane operations (create, reshard, retention, tags, consumers) are serialised per stream by the
/// stream's lock and persisted in <see cref="StreamMetadataFile"/> before they are answered; the data plane
/// (<see cref="KinesisStreams.PutAsync"/>, <see cref="KinesisStreams.ReadAsync"/>) takes no stream lock. Thread-safe.
/// </summary>
public sealed partial class KinesisStreams
{
    public const string TopicPrefix = "kinesis.";

    /// <summary>Closed shards have their retention measured against an hour-long segment roll, so expiry is hour-accurate.</summary>
    private const long SegmentMs = 3_600_000;

    private readonly IBrokerApi _broker;
    private readonly KinesisOptions _options;
    private readonly string _metadataPath;
    private readonly Dictionary<string, StreamState> _streams = new(StringComparer.Ordinal);
    /// <summary>The one control-plane lock: the stream registry and every stream's <see cref="StreamState.Lock"/>.</summary>
    private readonly object _registryLock = new();

    private KinesisStreams(IBrokerApi broker, KinesisOptions options, string metadataPath)
    {
        _broker = broker;
        _options = options;
        _metadataPath = metadataPath;
    }

    public KinesisOptions Options => _options;

    public IBrokerApi Broker => _broker;

    public long NowMs => _options.Time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// Loads the streams and makes sure each has its topic with a partition per shard (a crash between
    /// registering a stream and creating its topic, or between growing a topic and recording the new shards,
    /// is repaired here; extra partitions are harmless).
    /// </summary>
    public static KinesisStreams Open(IBrokerApi broker, KinesisOptions options)
    {
        var directory = broker.MetadataDirectory;
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, StreamMetadataFile.FileName);
        var streams = new KinesisStreams(broker, options, path);
        // The Kafka view of a stream is read-only: only this API writes, reshards or deletes its topic.
        broker.ReserveTopicPrefix(TopicPrefix, "Kinesis stream");
        if (File.Exists(path))
        {
            foreach (var stream in StreamMetadataFile.Deserialize(File.ReadAllBytes(path)))
            {
                stream.Lock = streams._registryLock;
                streams._streams[stream.Name] = stream;
                streams.EnsureTopic(stream);
            }
        }
        return streams;
    }

    public string StreamArn(string name) => $"arn:aws:kinesis:{_options.Region}:{_options.AccountId}:stream/{name}";

    public IReadOnlyList<StreamState> ListStreams()
    {
        lock (_registryLock)
        {
            return [.. _streams.Values.OrderBy(s => s.Name, StringComparer.Ordinal)];
        }
    }

    /// <summary>
    /// The stream named by StreamName or StreamARN (AWS accepts either; both must then agree). Throws
    /// ResourceNotFoundException when it does not exist.
    /// </summary>
    public StreamState Resolve(string? name, string? arn)
    {
        if (arn is not null)
        {
            var nameFromArn = ParseStreamArn(arn) ?? throw AwsErrorException.InvalidArgument($"StreamARN {arn} is not a valid Kinesis stream ARN (arn:aws:kinesis:<region>:<account>:stream/<name>).");
            if (name is not null && name != nameFromArn)
            {
                throw AwsErrorException.InvalidArgument($"StreamName {name} and StreamARN {arn} do not name the same stream.");
            }
            name = nameFromArn;
        }
        if (name is null)
        {
            throw AwsErrorException.InvalidArgument("Either StreamName or StreamARN must be provided.");
        }
        lock (_registryLock)
        {
            return _streams.TryGetValue(name, out var stream) ? stream : throw KinesisErrors.StreamNotFound(name, _options.AccountId);
        }
    }

    /// <summary>The name in <c>arn:aws:kinesis:REGION:ACCOUNT:stream/NAME</c>, or null when it is not such an ARN.</summary>
    public static string? ParseStreamArn(string arn)
    {
        var parts = arn.Split(':', 6);
        if (parts.Length != 6 || parts[0] != "arn" || parts[2] != "kinesis" || !parts[5].StartsWith("stream/", StringComparison.Ordinal))
        {
            return null;
        }
        var rest = parts[5]["stream/".Length..];
        var slash = rest.IndexOf('/');
        var name = slash < 0 ? rest : rest[..slash];
        return name.Length == 0 ? null : name;
    }

    public StreamState Create(string name, int shardCount, string mode, IReadOnlyDictionary<string, string>? tags, int? maxRecordSizeKiB)
    {
        lock (_registryLock)
        {
            if (_streams.ContainsKey(name))
            {
                throw AwsErrorException.ResourceInUse($"Stream {name} under account {_options.AccountId} already exists.");
            }
            var openShards = _streams.Values.Sum(s => s.OpenShards.Length);
            if (openShards + shardCount > _options.ShardLimit)
            {
                throw AwsErrorException.LimitExceeded($"This request would exceed the shard limit for the account {_options.AccountId} in {_options.Region}. Current shard count for the account: {openShards}. Limit: {_options.ShardLimit}. Number of additional shards that would have resulted from this request: {shardCount}. Refer to the AWS Service Limits page (https://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits.");
            }
            var now = NowMs;
            var stream = new StreamState(name, StreamArn(name), TopicPrefix + name, now) { Mode = mode, MaxRecordSizeKiB = maxRecordSizeKiB ?? 1024, Lock = _registryLock };
            foreach (var (start, end) in HashKey.EvenRanges(shardCount))
            {
                stream.Shards.Add(new ShardState(stream.Shards.Count, null, null, start, end, now));
            }
            if (tags is not null)
            {
                foreach (var (key, value) in tags)
                {
                    stream.Tags[key] = value;
                }
            }
            stream.RefreshOpenShards();
            // Registered (persisted) first, topic second: a crash in between leaves a stream whose topic Open creates.
            _streams[name] = stream;
            try
            {
                Persist();
                EnsureTopic(stream);
            }
            catch
            {
                _streams.Remove(name);
                Persist();
                throw;
            }
            return stream;
        }
    }

    /// <summary>
    /// The shards of <paramref name="stream"/> still listed (closed ones until their retention passes), with their
    /// parents: a consistent snapshot taken under the stream's lock, which callers outside this class never take.
    /// </summary>
    public IReadOnlyList<ShardLineageEntry> ShardLineage(StreamState stream)
    {
        var now = NowMs;
        lock (stream.Lock)
        {
            var result = new List<ShardLineageEntry>(stream.Shards.Count);
            foreach (var shard in stream.Shards)
            {
                if (stream.IsVisible(shard, now))
                {
                    result.Add(new ShardLineageEntry(shard.Index, IndexOf(shard.ParentShardId), IndexOf(shard.AdjacentParentShardId), shard.EndOffset, shard.CreatedMs));
                }
            }
            return result;
        }

        static int? IndexOf(string? shardId) => ShardId.TryParse(shardId, out var index) ? index : null;
    }

    public void Delete(StreamState stream, bool enforceConsumerDeletion)
    {
        lock (_registryLock)
        {
            lock (stream.Lock)
            {
                if (stream.Consumers.Count > 0 && !enforceConsumerDeletion)
                {
                    throw AwsErrorException.ResourceInUse($"Stream {stream.Name} under account {_options.AccountId} has registered consumers. Deregister them first, or pass EnforceConsumerDeletion.");
                }
                stream.Deleted = true;
                stream.Status = "DELETING";
                _streams.Remove(stream.Name);
                Persist();
            }
        }
        // Metadata first, then the logs: a crash in between leaves an orphan topic, never a stream without data.
        _broker.DeleteTopic(stream.Topic);
    }

    /// <summary>Creates the stream's topic, or grows it to one partition per shard. Idempotent.</summary>
    private void EnsureTopic(StreamState stream)
    {
        var topic = _broker.GetTopic(stream.Topic);
        if (topic is null)
        {
            var (error, message, _) = _broker.CreateTopic(stream.Topic, stream.Shards.Count, TopicConfigsFor(stream));
            if (error != ErrorCode.None && _broker.GetTopic(stream.Topic) is null)
            {
                throw new InvalidOperationException($"Cannot create topic {stream.Topic} for stream {stream.Name}: {error} {message}");
            }
        }
        else if (topic.PartitionCount < stream.Shards.Count)
        {
            var (error, message) = _broker.CreatePartitions(stream.Topic, stream.Shards.Count);
            if (error != ErrorCode.None)
            {
                throw new InvalidOperationException($"Cannot grow topic {stream.Topic} to {stream.Shards.Count} partitions: {error} {message}");
            }
        }
    }

    /// <summary>
    /// The topic configs that make a partition log behave like a shard: retention from the stream, hour-long
    /// segments so retention cuts at hour granularity, arrival timestamps stamped by the log (LogAppendTime,
    /// Kinesis's ApproximateArrivalTimestamp), and no broker batch-size limit (Kinesis checks record sizes itself).
    /// </summary>
    private static Dictionary<string, string?> TopicConfigsFor(StreamState stream) => new(StringComparer.Ordinal)
    {
        [TopicConfigs.RetentionMs] = stream.RetentionMs.ToString(CultureInfo.InvariantCulture),
        [TopicConfigs.SegmentMs] = SegmentMs.ToString(CultureInfo.InvariantCulture),
        [TopicConfigs.MessageTimestampType] = "LogAppendTime",
        [TopicConfigs.MaxMessageBytes] = int.MaxValue.ToString(CultureInfo.InvariantCulture),
        [TopicConfigs.CleanupPolicy] = "delete",
    };

    /// <summary>Writes every stream's metadata atomically, under the control-plane lock (so no stream changes meanwhile).</summary>
    public void Persist()
    {
        lock (_registryLock)
        {
            DurableFile.WriteAtomically(_metadataPath, StreamMetadataFile.Serialize(_streams.Values));
        }
    }

    /// <summary>Applies a stream's retention to its topic (after Increase/DecreaseStreamRetentionPeriod).</summary>
    public void ApplyRetention(StreamState stream)
    {
        var (error, message) = _broker.SetTopicConfigs(stream.Topic, TopicConfigsFor(stream).ToDictionary(c => c.Key, c => c.Value!, StringComparer.Ordinal));
        if (error != ErrorCode.None)
        {
            throw new AwsErrorException("InternalFailure", $"Cannot apply retention to {stream.Name}: {error} {message}", 500);
        }
    }

    public void EnsureActive(StreamState stream)
    {
        if (stream.Deleted)
        {
            throw KinesisErrors.StreamNotFound(stream.Name, _options.AccountId);
        }
        if (stream.Status != "ACTIVE")
        {
            throw KinesisErrors.StreamInUse(stream.Name, _options.AccountId, stream.Status);
        }
    }

    public ShardState GetShard(StreamState stream, string shardId)
    {
        if (!ShardId.TryParse(shardId, out var index))
        {
            throw KinesisErrors.ShardNotFound(shardId, stream.Name, _options.AccountId);
        }
        lock (stream.Lock)
        {
            if (index >= stream.Shards.Count || !stream.IsVisible(stream.Shards[index], NowMs))
            {
                throw KinesisErrors.ShardNotFound(shardId, stream.Name, _options.AccountId);
            }
            return stream.Shards[index];
        }
    }

    /// <summary>Sequence-number text of a shard's record at <paramref name="offset"/> that arrived at <paramref name="arrivalMs"/>.</summary>
    public static string Sequence(StreamState stream, ShardState shard, long offset, long arrivalMs) => SequenceNumber.Format(stream.SequenceEpoch, shard.Index, offset, arrivalMs);

    /// <summary>A shard's StartingSequenceNumber: offset 0 at the shard's creation, below every record's number.</summary>
    public static string StartingSequence(StreamState stream, ShardState shard) => Sequence(stream, shard, 0, shard.CreatedMs);

    /// <summary>A closed shard's EndingSequenceNumber: its end offset (exclusive) at its closing, above every record's number.</summary>
    public static string EndingSequence(StreamState stream, ShardState shard) => Sequence(stream, shard, shard.EndOffset, shard.ClosedMs ?? shard.CreatedMs);

    /// <summary>Open shards across all streams (for DescribeLimits and the account shard limit).</summary>
    public int OpenShardCount()
    {
        lock (_registryLock)
        {
            return _streams.Values.Sum(s => s.OpenShards.Length);
        }
    }
}
