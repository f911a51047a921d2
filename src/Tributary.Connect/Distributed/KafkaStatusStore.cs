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
/// generation is not lower (so a worker that lost the group cannot overwrite its successor). Thread-safe.
/// </summary>
public sealed class KafkaStatusStore : IAsyncDisposable
{
    private readonly KafkaClient _client;
    private readonly string _topic;
    private readonly TopicTail _tail;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (StateInfo State, int Generation)> _states = new(StringComparer.Ordinal);

    public KafkaStatusStore(KafkaClient client, string topic)
    {
        _client = client;
        _topic = topic;
        _tail = new TopicTail(client, topic, Apply);
    }

    public static string ConnectorKey(string connector) => "status-connector-" + connector;

    public static string TaskKey(string connector, int task) => $"status-task-{connector}-{task}";

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
    public async Task PutAsync(string key, StateInfo? state, int generation, CancellationToken cancellationToken = default)
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

    public ValueTask DisposeAsync() => _tail.DisposeAsync();
}
