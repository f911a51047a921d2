using System.Text;
using Tributary.Client;
using Tributary.Connect.Json;
using Tributary.Connect.Runtime.Storage;
using Tributary.Connect.Runtime.Worker;
using Tributary.Protocol.Records;

namespace Tributary.Connect.Runtime.Distributed;

/// <summary>
/// Connector and task states of every worker in Connect's status topic (<c>status.storage.topic</c>; Kafka's
/// <c>KafkaStatusBackingStore</c>): keys <c>status-connector-&lt;name&gt;</c> and <c>status-task-&lt;name&gt;-&lt;n&gt;</c>,
/// values <c>{"state","trace","worker_id","generation"}</c>, partitioned by murmur2 of the key over the topic's own partition count. Reading applies
/// Kafka's rule: a value replaces the one held only if none is held, it comes from the same worker, or its
/// generation is not lower (so a worker that lost the group cannot overwrite its successor).
/// It also holds the connectors' active topics (KIP-558, <see cref="IActiveTopicStore"/>): keys
/// <c>status-topic-&lt;topic&gt;:connector-&lt;name&gt;</c>, values <c>{"topic":{"name","connector","task","discoverTimestamp"}}</c>
/// (JSON without schemas, as every internal topic's values), a tombstone forgetting one; the last record read wins.
/// Thread-safe.
/// </summary>
public sealed class KafkaStatusStore : IActiveTopicStore, IAsyncDisposable
{
    public const string TopicKeyPrefix = "status-topic-";
    public const string TopicKeySeparator = ":connector-";

    private readonly KafkaClient _client;
    private readonly string _topic;
    private readonly TopicTail _tail;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (StateInfo State, int Generation)> _states = new(StringComparer.Ordinal);
    /// <summary>connector → topic → (task, discover timestamp) of its active topics.</summary>
    private readonly Dictionary<string, Dictionary<string, (int Task, long DiscoverTimestamp)>> _topics = new(StringComparer.Ordinal);

    public KafkaStatusStore(KafkaClient client, string topic)
    {
        _client = client;
        _topic = topic;
        _tail = new TopicTail(client, topic, Apply);
    }

    public static string ConnectorKey(string connector) => "status-connector-" + connector;

    public static string TaskKey(string connector, int task) => $"status-task-{connector}-{task}";

    public static string TopicKey(string connector, string topic) => TopicKeyPrefix + topic + TopicKeySeparator + connector;

    /// <summary>Starts following the topic (all of its partitions, however many it has) and returns once everything in it has been read.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _tail.StartAsync(cancellationToken).ConfigureAwait(false);
        await _tail.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
    }

    public StateInfo? Get(string key)
    {
        lock (_lock)
        {
            return _states.TryGetValue(key, out var held) ? held.State : null;
        }
    }

    /// <summary>Writes a state (null: tombstone) and applies it locally at once.</summary>
    public Task PutAsync(string key, StateInfo? state, int generation, CancellationToken cancellationToken = default)
    {
        byte[]? value = null;
        if (state is not null)
        {
            var map = new Dictionary<string, object?> { ["state"] = state.State.ToString() };
            if (state.Trace is not null)
            {
                map["trace"] = state.Trace;
            }
            map["worker_id"] = state.WorkerId;
            map["generation"] = generation;
            value = SchemalessJson.Serialize(map);
        }
        return WriteAsync(key, value, cancellationToken);
    }

    public IReadOnlyList<string> Topics(string connector)
    {
        lock (_lock)
        {
            return _topics.TryGetValue(connector, out var topics) ? [.. topics.Keys.Order(StringComparer.Ordinal)] : [];
        }
    }

    /// <summary>
    /// Applies the topic locally at once and writes it in the background, so the task that used it never waits on the
    /// status topic; a write that fails forgets the topic again, so the next use records it anew.
    /// </summary>
    public void Record(string connector, int task, string topic)
    {
        long discovered;
        lock (_lock)
        {
            if (_topics.TryGetValue(connector, out var held) && held.ContainsKey(topic))
            {
                return;
            }
            discovered = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            if (held is null)
            {
                _topics[connector] = held = new Dictionary<string, (int, long)>(StringComparer.Ordinal);
            }
            held[topic] = (task, discovered);
        }
        var value = SchemalessJson.Serialize(new Dictionary<string, object?>
        {
            ["topic"] = new Dictionary<string, object?> { ["name"] = topic, ["connector"] = connector, ["task"] = task, ["discoverTimestamp"] = discovered },
        });
        _ = Task.Run(async () =>
        {
            try
            {
                await WriteAsync(TopicKey(connector, topic), value, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is KafkaClientException or IOException or OperationCanceledException or ObjectDisposedException)
            {
                lock (_lock)
                {
                    if (_topics.TryGetValue(connector, out var held) && held.TryGetValue(topic, out var entry) && entry.DiscoverTimestamp == discovered)
                    {
                        held.Remove(topic);
                    }
                }
            }
        });
    }

    /// <summary>Writes a tombstone for each active topic of the connector (Kafka's reset: one per topic held).</summary>
    public async Task ResetAsync(string connector, CancellationToken cancellationToken = default)
    {
        foreach (var topic in Topics(connector))
        {
            await WriteAsync(TopicKey(connector, topic), null, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task WriteAsync(string key, byte[]? value, CancellationToken cancellationToken)
    {
        var keyBytes = Encoding.UTF8.GetBytes(key);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        byte[] batch;
        using (var builder = new RecordBatchBuilder(now))
        {
            builder.Append(now, keyBytes, value, hasKey: true, hasValue: value is not null);
            batch = builder.ToArray(new BatchOptions());
        }
        await _client.ProduceBatchAsync(_topic, Murmur2.Partition(keyBytes, _tail.Partitions), batch, -1, cancellationToken).ConfigureAwait(false);
        Apply(key, value);
    }

    private void Apply(string key, byte[]? value)
    {
        if (key.StartsWith(TopicKeyPrefix, StringComparison.Ordinal))
        {
            ApplyTopic(key, value);
            return;
        }
        lock (_lock)
        {
            if (value is null)
            {
                _states.Remove(key);
                return;
            }
            if (OffsetKeys.ToMap(SchemalessJson.Deserialize(value)) is not { } root || !Enum.TryParse<ConnectState>(root.GetValueOrDefault("state")?.ToString(), out var state))
            {
                return;
            }
            var worker = root.GetValueOrDefault("worker_id")?.ToString() ?? "";
            var generation = Convert.ToInt32(root.GetValueOrDefault("generation") ?? 0, System.Globalization.CultureInfo.InvariantCulture);
            if (_states.TryGetValue(key, out var held) && held.State.WorkerId != worker && generation < held.Generation)
            {
                return;
            }
            _states[key] = (new StateInfo(state, root.GetValueOrDefault("trace")?.ToString(), worker), generation);
        }
    }

    /// <summary>A topic record: the key names topic and connector (topic names cannot hold ':'); one that does not parse is skipped, as Kafka does.</summary>
    private void ApplyTopic(string key, byte[]? value)
    {
        var separator = key.IndexOf(TopicKeySeparator, TopicKeyPrefix.Length, StringComparison.Ordinal);
        if (separator <= TopicKeyPrefix.Length || separator + TopicKeySeparator.Length >= key.Length)
        {
            return;
        }
        var topic = key[TopicKeyPrefix.Length..separator];
        var connector = key[(separator + TopicKeySeparator.Length)..];
        lock (_lock)
        {
            if (value is null)
            {
                if (_topics.TryGetValue(connector, out var held) && held.Remove(topic) && held.Count == 0)
                {
                    _topics.Remove(connector);
                }
                return;
            }
            if (OffsetKeys.ToMap(SchemalessJson.Deserialize(value)) is not { } root || OffsetKeys.ToMap(root.GetValueOrDefault("topic")) is not { } status)
            {
                return;
            }
            var task = Convert.ToInt32(status.GetValueOrDefault("task") ?? 0, System.Globalization.CultureInfo.InvariantCulture);
            var discovered = Convert.ToInt64(status.GetValueOrDefault("discoverTimestamp") ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
            if (!_topics.TryGetValue(connector, out var topics))
            {
                _topics[connector] = topics = new Dictionary<string, (int, long)>(StringComparer.Ordinal);
            }
            topics[topic] = (task, discovered);
        }
    }

    public ValueTask DisposeAsync() => _tail.DisposeAsync();
}
