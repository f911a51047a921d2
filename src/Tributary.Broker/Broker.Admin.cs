using System.Collections.Concurrent;

namespace Tributary.Broker;

/// <summary>One partition's place on disk, for DescribeLogDirs.</summary>
public readonly record struct PartitionLogInfo(string Topic, int Partition, long SizeBytes, long OffsetLag);

/// <summary>Topic administration beyond create/delete: partitions, configs, DeleteRecords, log directories.</summary>
public sealed partial class Broker
{
    private readonly ConcurrentDictionary<string, string> _reservedPrefixes = new(StringComparer.Ordinal);

    public void ReserveTopicPrefix(string prefix, string owner)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        _reservedPrefixes[prefix] = owner;
    }

    public string? TopicOwner(string topic)
    {
        foreach (var (prefix, owner) in _reservedPrefixes)
        {
            if (topic.StartsWith(prefix, StringComparison.Ordinal))
            {
                return owner;
            }
        }
        return null;
    }

    /// <summary>
    /// CreatePartitions: grows <paramref name="topic"/> to <paramref name="count"/> partitions. Kafka never
    /// shrinks a topic: a count at or below the current one is INVALID_PARTITIONS.
    /// </summary>
    public (ErrorCode Error, string? Message) CreatePartitions(string topic, int count, bool validateOnly = false)
    {
        lock (_topicsLock)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            if (!_topics.TryGetValue(topic, out var state))
            {
                return (ErrorCode.UnknownTopicOrPartition, $"Topic '{topic}' does not exist.");
            }
            if (count <= state.Info.PartitionCount)
            {
                return (ErrorCode.InvalidPartitions, $"Topic '{topic}' has {state.Info.PartitionCount} partitions; the new count must be larger, not {count}.");
            }
            if (validateOnly)
            {
                return (ErrorCode.None, null);
            }
            try
            {
                var updated = _registry.Update(topic, info => info with { PartitionCount = count })!;
                var grown = new PartitionState[count];
                state.Partitions.CopyTo(grown, 0);
                for (var p = state.Partitions.Length; p < count; p++)
                {
                    var log = _logs.GetOrCreate(LogName(topic, p), state.Config.Log);
                    var (producers, transactions) = ProducerStateManager.Rebuild(log, updated.TopicId, null);
                    grown[p] = new PartitionState(topic, p, log, producers, transactions);
                }
                _topics[topic] = state with { Info = updated, Partitions = grown };
                return (ErrorCode.None, null);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return (ErrorCode.KafkaStorageError, $"Growing topic '{topic}' failed: {e.Message}");
            }
        }
    }

    /// <summary>
    /// Replaces a topic's config overrides with <paramref name="overrides"/> (AlterConfigs semantics; the
    /// caller computes the set for IncrementalAlterConfigs) and applies them to every partition at once.
    /// </summary>
    public (ErrorCode Error, string? Message) SetTopicConfigs(string topic, IReadOnlyDictionary<string, string> overrides, bool validateOnly = false)
    {
        if (TopicConfigs.ValidateAll(overrides.Select(c => new KeyValuePair<string, string?>(c.Key, c.Value))) is { } problem)
        {
            return (ErrorCode.InvalidConfig, problem);
        }
        lock (_topicsLock)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            if (!_topics.TryGetValue(topic, out var state))
            {
                return (ErrorCode.UnknownTopicOrPartition, $"Topic '{topic}' does not exist.");
            }
            if (validateOnly)
            {
                return (ErrorCode.None, null);
            }
            try
            {
                var updated = _registry.Update(topic, info => info with { Configs = new Dictionary<string, string>(overrides, StringComparer.Ordinal) })!;
                var config = TopicConfigs.Resolve(_brokerDefaults, updated.Configs, _baseLogConfig);
                foreach (var partition in state.Partitions)
                {
                    partition.Log.UpdateConfig(config.Log);
                }
                _topics[topic] = state with { Info = updated, Config = config };
                return (ErrorCode.None, null);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return (ErrorCode.KafkaStorageError, $"Changing configs of '{topic}' failed: {e.Message}");
            }
        }
    }

    /// <summary>
    /// Replaces the dynamic broker-wide topic defaults (Kafka's dynamic default broker configs: what a control plane such
    /// as MSK's UpdateClusterConfiguration sets) with <paramref name="defaults"/>, under topic config names; they
    /// override the static defaults of the options, and topic overrides still override them. Every topic's effective
    /// config is resolved again and applied to its logs at once. Not persisted here: the caller owns the setting and
    /// applies it again at each start. All values are validated first; nothing changes on an invalid one.
    /// </summary>
    public (ErrorCode Error, string? Message) SetDynamicBrokerDefaults(IReadOnlyDictionary<string, string> defaults)
    {
        if (TopicConfigs.ValidateAll(defaults!) is { } problem)
        {
            return (ErrorCode.InvalidConfig, problem);
        }
        lock (_topicsLock)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            var merged = new Dictionary<string, string>(_staticBrokerDefaults, StringComparer.Ordinal);
            foreach (var (name, value) in defaults)
            {
                merged[name] = value;
            }
            _brokerDefaults = merged;
            foreach (var (name, state) in _topics)
            {
                var config = TopicConfigs.Resolve(merged, state.Info.Configs, _baseLogConfig);
                foreach (var partition in state.Partitions)
                {
                    partition.Log.UpdateConfig(config.Log);
                }
                _topics[name] = state with { Config = config };
            }
            return (ErrorCode.None, null);
        }
    }

    /// <summary>
    /// DeleteRecords: moves the partition's log start offset to <paramref name="offset"/> (-1 means the high
    /// watermark). Returns the new low watermark.
    /// </summary>
    public (ErrorCode Error, long LowWatermark) DeleteRecords(string topic, int partition, long offset)
    {
        if (FindPartition(topic, partition) is not { } state)
        {
            return (ErrorCode.UnknownTopicOrPartition, -1);
        }
        try
        {
            var target = offset == -1 ? state.Log.HighWatermark : offset;
            return (ErrorCode.None, state.Log.AdvanceLogStartOffset(target));
        }
        catch (Storage.OffsetOutOfRangeException)
        {
            return (ErrorCode.OffsetOutOfRange, -1);
        }
        catch (ObjectDisposedException)
        {
            return (ErrorCode.UnknownTopicOrPartition, -1);
        }
    }

    /// <summary>The data directory and every partition's size in it (DescribeLogDirs).</summary>
    public (string Path, IReadOnlyList<PartitionLogInfo> Partitions) DescribeLogDirectory()
    {
        var partitions = new List<PartitionLogInfo>();
        foreach (var topic in _topics.Values.OrderBy(t => t.Info.Name, StringComparer.Ordinal))
        {
            foreach (var partition in topic.Partitions)
            {
                partitions.Add(new PartitionLogInfo(topic.Info.Name, partition.Partition, partition.Log.Size, 0));
            }
        }
        return (_options.DataDirectory, partitions);
    }
}
