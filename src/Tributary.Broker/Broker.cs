using System.Collections.Concurrent;
using Tributary.Broker.Groups;
using Tributary.Broker.Transactions;
using Tributary.Storage;

namespace Tributary.Broker;

/// <summary>
/// A single-node broker (node id 0): the topic registry, one partition log per topic partition
/// (<c>&lt;topic&gt;-&lt;partition&gt;</c> in the <see cref="LogManager"/>), produce with validation and idempotent-producer
/// checks, and fetch with long-polling. Broker metadata lives in <c>&lt;data dir&gt;/__cluster/</c>.
/// Open with <see cref="OpenAsync"/>; dispose to shut down cleanly (flush, checkpoint, producer snapshot).
/// </summary>
public sealed partial class Broker : IBrokerApi, IAsyncDisposable
{
    public const string ClusterDirectoryName = "__cluster";

    private readonly BrokerOptions _options;
    private readonly string _clusterDirectory;
    private readonly LogManager _logs;
    private readonly TopicRegistry _registry;
    private readonly ClusterMetadata _cluster;
    private readonly ProducerStateManager _producers;
    /// <summary>The broker's static topic defaults (options), without the dynamic ones.</summary>
    private readonly IReadOnlyDictionary<string, string> _staticBrokerDefaults;
    /// <summary>Static defaults overlaid with the dynamic ones (<see cref="SetDynamicBrokerDefaults"/>); replaced whole under <c>_topicsLock</c>, read without a lock.</summary>
    private volatile IReadOnlyDictionary<string, string> _brokerDefaults;
    private readonly LogConfig _baseLogConfig;
    private readonly ConcurrentDictionary<string, TopicState> _topics = new(StringComparer.Ordinal);
    private readonly object _topicsLock = new();
    private GroupCoordinator? _groups;
    private TransactionCoordinator? _transactions;
    private int _disposed;

    private Broker(BrokerOptions options, string clusterDirectory, LogManager logs, TopicRegistry registry, ClusterMetadata cluster, IReadOnlyDictionary<string, string> brokerDefaults, LogConfig baseLogConfig)
    {
        _options = options;
        _clusterDirectory = clusterDirectory;
        _logs = logs;
        _registry = registry;
        _cluster = cluster;
        _producers = new ProducerStateManager(cluster);
        _staticBrokerDefaults = brokerDefaults;
        _brokerDefaults = brokerDefaults;
        _baseLogConfig = baseLogConfig;
    }

    public int NodeId => 0;

    public string ClusterId => _cluster.ClusterId;

    public string MetadataDirectory => _clusterDirectory;

    public BrokerOptions Options => _options;

    /// <summary>The group coordinator (consumer groups and committed offsets), started at open.</summary>
    public IGroupCoordinator Groups => _groups ?? throw new InvalidOperationException("The broker is not open.");

    /// <summary>The transaction coordinator, started at open after the group coordinator (markers settle transactional offsets).</summary>
    public ITransactionCoordinator Transactions => _transactions ?? throw new InvalidOperationException("The broker is not open.");

    /// <summary>Opens (or initialises) the data directory: topics, logs, and producer state of every partition.</summary>
    public static async Task<Broker> OpenAsync(BrokerOptions options, CancellationToken cancellationToken = default)
    {
        if (options.NumPartitions < 1)
        {
            throw new ArgumentException("num.partitions must be at least 1.", nameof(options));
        }
        if (options.MessageMaxBytes < 0)
        {
            throw new ArgumentException("message.max.bytes must not be negative.", nameof(options));
        }
        var brokerDefaults = new Dictionary<string, string>(options.DefaultTopicConfigs, StringComparer.Ordinal);
        brokerDefaults.TryAdd(TopicConfigs.MaxMessageBytes, options.MessageMaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (TopicConfigs.ValidateAll(brokerDefaults!) is { } problem)
        {
            throw new ArgumentException($"Invalid default topic config: {problem}", nameof(options));
        }
        var baseLogConfig = LogConfig.Default with { FlushPolicy = options.FlushPolicy, FlushIntervalMs = options.FlushIntervalMs, IndexIntervalBytes = options.IndexIntervalBytes };
        var clusterDirectory = Path.Combine(options.DataDirectory, ClusterDirectoryName);
        Directory.CreateDirectory(clusterDirectory);
        var registry = TopicRegistry.Load(clusterDirectory);

        LogConfig ConfigForLog(string logName)
        {
            var dash = logName.LastIndexOf('-');
            var topic = dash > 0 ? registry.Get(logName[..dash]) : null;
            return topic is null ? baseLogConfig : TopicConfigs.Resolve(brokerDefaults, topic.Configs, baseLogConfig).Log;
        }

        var managerOptions = options.LogManager with { DefaultLogConfig = baseLogConfig, IsLogDirectory = name => name != ClusterDirectoryName };
        var logs = await LogManager.OpenAsync(options.DataDirectory, managerOptions, ConfigForLog, cancellationToken).ConfigureAwait(false);
        try
        {
            // The log manager holds the directory lock from here on: only now is it safe to write metadata.
            var cluster = ClusterMetadata.LoadOrCreate(clusterDirectory, options.ClusterId);
            var broker = new Broker(options, clusterDirectory, logs, registry, cluster, brokerDefaults, baseLogConfig);
            // The producer-state snapshot exists only between a clean shutdown and the next start.
            var stoppedCleanly = File.Exists(Path.Combine(clusterDirectory, ProducerStateManager.SnapshotFileName));
            var snapshots = ProducerStateManager.TakeSnapshots(clusterDirectory);
            foreach (var topic in registry.Topics)
            {
                broker._topics[topic.Name] = broker.OpenTopic(topic, snapshots);
            }
            broker._groups = new GroupCoordinator(broker, options.Groups, options.Time);
            broker._groups.Start();
            broker._transactions = new TransactionCoordinator(broker, broker._producers, broker._groups, options.Transactions, options.Time);
            await broker._transactions.StartAsync(stoppedCleanly).ConfigureAwait(false);
            return broker;
        }
        catch
        {
            await logs.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Opens (creating if missing) the logs of a registered topic and rebuilds their producer state.</summary>
    private TopicState OpenTopic(TopicInfo topic, IReadOnlyDictionary<string, PartitionProducerSnapshot>? snapshots)
    {
        var config = TopicConfigs.Resolve(_brokerDefaults, topic.Configs, _baseLogConfig);
        var partitions = new PartitionState[topic.PartitionCount];
        Parallel.For(0, partitions.Length, p =>
        {
            var name = LogName(topic.Name, p);
            var log = _logs.GetOrCreate(name, config.Log);
            var snapshot = snapshots is not null && snapshots.TryGetValue(name, out var found) ? found : null;
            var (producers, transactions) = ProducerStateManager.Rebuild(log, topic.TopicId, snapshot);
            partitions[p] = new PartitionState(topic.Name, p, log, producers, transactions);
        });
        return new TopicState(topic, config, partitions);
    }

    private static string LogName(string topic, int partition) => $"{topic}-{partition}";

    private PartitionState? FindPartition(string topic, int partition) =>
        _topics.TryGetValue(topic, out var state) && (uint)partition < (uint)state.Partitions.Length ? state.Partitions[partition] : null;

    public IReadOnlyList<TopicInfo> ListTopics(bool includeInternal = false) =>
        [.. _topics.Values.Select(t => t.Info).Where(t => includeInternal || !t.IsInternal).OrderBy(t => t.Name, StringComparer.Ordinal)];

    public TopicInfo? GetTopic(string name) => _topics.TryGetValue(name, out var state) ? state.Info : null;

    public TopicInfo? GetTopic(Guid topicId) => _registry.Get(topicId) is { } topic ? GetTopic(topic.Name) : null;

    public (ErrorCode Error, string? Message, TopicInfo? Topic) CreateTopic(string name, int partitions, IReadOnlyDictionary<string, string?>? configs, bool validateOnly = false)
    {
        if (TopicRegistry.ValidateName(name) is { } nameProblem)
        {
            return (ErrorCode.InvalidTopicException, nameProblem, null);
        }
        if (_topics.ContainsKey(name))
        {
            return (ErrorCode.TopicAlreadyExists, $"Topic '{name}' already exists.", null);
        }
        if (FindCollision(name) is { } collision)
        {
            // Kafka's rule: '.' and '_' map to the same metric names, so topics differing only there may not coexist.
            return (ErrorCode.InvalidTopicException, $"Topic '{name}' collides with existing topic: {collision}.", null);
        }
        if (partitions == -1)
        {
            partitions = _options.NumPartitions;
        }
        if (partitions < 1)
        {
            return (ErrorCode.InvalidPartitions, $"Number of partitions must be at least 1 (or -1 for the default), not {partitions}.", null);
        }
        configs ??= new Dictionary<string, string?>();
        if (TopicConfigs.ValidateAll(configs) is { } configProblem)
        {
            return (ErrorCode.InvalidConfig, configProblem, null);
        }
        var overrides = configs.ToDictionary(c => c.Key, c => c.Value!, StringComparer.Ordinal);
        if (validateOnly)
        {
            return (ErrorCode.None, null, new TopicInfo(name, Guid.Empty, partitions, overrides, TopicRegistry.IsInternal(name)));
        }
        lock (_topicsLock)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            try
            {
                // Registered first, logs second: a crash in between leaves a topic whose missing logs the next start creates.
                var topic = _registry.Add(name, partitions, overrides);
                if (topic is null)
                {
                    return (ErrorCode.TopicAlreadyExists, $"Topic '{name}' already exists.", null);
                }
                _topics[name] = OpenTopic(topic, null);
                return (ErrorCode.None, null, topic);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or AggregateException)
            {
                // The topic may stay registered with some logs missing; the next start creates them.
                return (ErrorCode.KafkaStorageError, $"Creating topic '{name}' failed: {e.Message}", null);
            }
        }
    }

    private string? FindCollision(string name)
    {
        if (!name.Contains('.') && !name.Contains('_'))
        {
            return null;
        }
        var normalized = name.Replace('.', '_');
        return _topics.Keys.FirstOrDefault(existing => existing != name && existing.Replace('.', '_') == normalized);
    }

    public (ErrorCode Error, TopicInfo? Topic) GetOrAutoCreateTopic(string name, bool allowAutoCreate)
    {
        if (GetTopic(name) is { } existing)
        {
            return (ErrorCode.None, existing);
        }
        if (!allowAutoCreate || !_options.AutoCreateTopics)
        {
            return (ErrorCode.UnknownTopicOrPartition, null);
        }
        var (error, _, topic) = CreateTopic(name, -1, null);
        return error switch
        {
            ErrorCode.None => (ErrorCode.None, topic),
            ErrorCode.TopicAlreadyExists when GetTopic(name) is { } raced => (ErrorCode.None, raced),
            _ => (error, null),
        };
    }

    public ErrorCode DeleteTopic(string name)
    {
        lock (_topicsLock)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            if (!_topics.TryRemove(name, out var state))
            {
                return ErrorCode.UnknownTopicOrPartition;
            }
            try
            {
                // Logs first, registry second: a crash in between leaves the topic registered with empty logs
                // (recreated at start), never logs that belong to no topic.
                foreach (var partition in state.Partitions)
                {
                    lock (partition)
                    {
                        partition.Closed = true;
                        _logs.Delete(partition.Log.Name);
                    }
                }
                _registry.Remove(name);
                return ErrorCode.None;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return ErrorCode.KafkaStorageError;
            }
        }
    }

    /// <summary>
    /// DescribeConfigs for a topic: every supported config with its value and whether it is a default;
    /// null for an unknown topic.
    /// </summary>
    public IReadOnlyList<TopicConfigEntry>? DescribeTopicConfigs(string topic) =>
        _topics.TryGetValue(topic, out var state) ? TopicConfigs.Describe(_brokerDefaults, state.Info.Configs) : null;

    public PartitionOffsets? GetOffsets(string topic, int partition) =>
        FindPartition(topic, partition) is { } state
            ? new PartitionOffsets(state.Log.LogStartOffset, state.Log.HighWatermark, state.Log.LogEndOffset)
            : null;

    public ListOffsetResult ListOffset(string topic, int partition, long timestamp, IsolationLevel isolation = IsolationLevel.ReadUncommitted)
    {
        if (FindPartition(topic, partition) is not { } state)
        {
            return new ListOffsetResult(ErrorCode.UnknownTopicOrPartition, -1, -1);
        }
        if (timestamp == ListOffsetsTimestamp.Latest && isolation == IsolationLevel.ReadCommitted)
        {
            return new ListOffsetResult(ErrorCode.None, state.Transactions.LastStableOffset(state.Log.HighWatermark), -1);
        }
        if (timestamp < ListOffsetsTimestamp.MaxTimestamp)
        {
            return new ListOffsetResult(ErrorCode.InvalidRequest, -1, -1);
        }
        try
        {
            return state.Log.FindOffset(timestamp) is { } found
                ? new ListOffsetResult(ErrorCode.None, found.Offset, found.Timestamp)
                : new ListOffsetResult(ErrorCode.None, -1, -1);
        }
        catch (ObjectDisposedException)
        {
            return new ListOffsetResult(ErrorCode.UnknownTopicOrPartition, -1, -1);
        }
        catch (Exception e) when (e is IOException or LogFailedException)
        {
            return new ListOffsetResult(ErrorCode.KafkaStorageError, -1, -1);
        }
    }

    public ProducerIdResult InitProducerId(long producerId = -1, short producerEpoch = -1)
    {
        try
        {
            return _producers.InitProducerId(producerId, producerEpoch);
        }
        catch (IOException)
        {
            return new ProducerIdResult(ErrorCode.KafkaStorageError, -1, -1);
        }
    }

    /// <summary>
    /// Refuses further produces, writes the producer-state snapshot and closes every log cleanly.
    /// Callers must have stopped using the broker; later calls do nothing.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        if (_transactions is not null)
        {
            await _transactions.DisposeAsync().ConfigureAwait(false);
        }
        if (_groups is not null)
        {
            await _groups.DisposeAsync().ConfigureAwait(false);
        }
        List<PartitionProducerSnapshot> snapshots = [];
        lock (_topicsLock)
        {
            foreach (var topic in _topics.Values)
            {
                foreach (var partition in topic.Partitions)
                {
                    lock (partition)
                    {
                        partition.Closed = true;
                        snapshots.Add(new PartitionProducerSnapshot(partition.Log.Name, topic.Info.TopicId, partition.Log.LogEndOffset, partition.Producers.ToSnapshot(), partition.Transactions.ToSnapshot()));
                    }
                }
            }
        }
        try
        {
            ProducerStateManager.WriteSnapshots(_clusterDirectory, snapshots);
        }
        finally
        {
            await _logs.DisposeAsync().ConfigureAwait(false);
        }
    }

    private sealed record TopicState(TopicInfo Info, EffectiveTopicConfig Config, PartitionState[] Partitions);

    /// <summary>
    /// One partition: its log and producer state. Its own monitor serialises sequence checks with appends.
    /// Retention never deletes past the first batch of an open transaction (the log asks its transactions).
    /// </summary>
    private sealed class PartitionState
    {
        public PartitionState(string topic, int partition, PartitionLog log, PartitionProducerState producers, PartitionTransactions transactions)
        {
            Topic = topic;
            Partition = partition;
            Log = log;
            Producers = producers;
            Transactions = transactions;
            log.LimitRetention(() => transactions.FirstUnstableOffset);
        }

        public string Topic { get; }

        public int Partition { get; }

        public PartitionLog Log { get; }

        public PartitionProducerState Producers { get; }

        /// <summary>Open transactions (the last stable offset) and the aborted-transaction index.</summary>
        public PartitionTransactions Transactions { get; }

        /// <summary>Set under the partition's lock when the topic is deleted or the broker shuts down.</summary>
        public bool Closed { get; set; }
    }
}
