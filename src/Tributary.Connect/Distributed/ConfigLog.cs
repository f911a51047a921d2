using Tributary.Connect.Json;
using Tributary.Connect.Runtime.Storage;
using Tributary.Connect.Runtime.Worker;

namespace Tributary.Connect.Runtime.Distributed;

/// <summary>A change read from the config topic, for the herder to act on.</summary>
public abstract record ConfigChange(string Connector)
{
    /// <summary>connector-&lt;name&gt; written (Removed: tombstone).</summary>
    public sealed record ConnectorConfig(string Connector, bool Removed) : ConfigChange(Connector);

    /// <summary>target-state-&lt;name&gt; written.</summary>
    public sealed record TargetStateChanged(string Connector) : ConfigChange(Connector);

    /// <summary>commit-&lt;name&gt; applied the task configurations written before it (CountChanged: a different number of tasks than before).</summary>
    public sealed record TasksCommitted(string Connector, bool CountChanged) : ConfigChange(Connector);

    /// <summary>restart-connector-&lt;name&gt; (KIP-745).</summary>
    public sealed record RestartRequested(string Connector, bool IncludeTasks, bool OnlyFailed) : ConfigChange(Connector);
}

/// <summary>
/// What a distributed worker knows from the config topic (Kafka's <c>KafkaConfigBackingStore</c> read side):
/// connector configurations in the order first written, target states (STARTED when none), and task configurations,
/// which apply only when their <c>commit-&lt;name&gt;</c> record is read (so a compacted, half-written set is never
/// used). Each record read is also reported as a <see cref="ConfigChange"/>. Thread-safe (one lock); the callback
/// runs on the reading thread.
/// </summary>
public sealed class ConfigLog(Action<ConfigChange> onChange)
{
    private readonly Lock _lock = new();
    private readonly List<string> _order = [];
    private readonly Dictionary<string, Dictionary<string, string>> _configs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TargetState> _targets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<IReadOnlyDictionary<string, string>>> _tasks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedDictionary<int, Dictionary<string, string>>> _pendingTasks = new(StringComparer.Ordinal);

    public IReadOnlyList<string> ConnectorNames()
    {
        lock (_lock)
        {
            return [.. _order];
        }
    }

    public Dictionary<string, string>? Config(string name)
    {
        lock (_lock)
        {
            return _configs.TryGetValue(name, out var config) ? new Dictionary<string, string>(config, StringComparer.Ordinal) : null;
        }
    }

    public TargetState Target(string name)
    {
        lock (_lock)
        {
            return _targets.GetValueOrDefault(name, TargetState.STARTED);
        }
    }

    public IReadOnlyList<IReadOnlyDictionary<string, string>> TaskConfigs(string name)
    {
        lock (_lock)
        {
            return _tasks.TryGetValue(name, out var tasks) ? tasks : [];
        }
    }

    /// <summary>Every connector with its committed task count (the leader's input to an assignment).</summary>
    public IReadOnlyDictionary<string, int> TaskCounts()
    {
        lock (_lock)
        {
            return _order.ToDictionary(n => n, n => _tasks.TryGetValue(n, out var tasks) ? tasks.Count : 0, StringComparer.Ordinal);
        }
    }

    /// <summary>Applies one record of the config topic (null value: tombstone).</summary>
    public void Apply(string key, byte[]? value)
    {
        ConfigChange? change = null;
        lock (_lock)
        {
            var root = value is null ? null : OffsetKeys.ToMap(SchemalessJson.Deserialize(value));
            if (key.StartsWith("connector-", StringComparison.Ordinal))
            {
                var name = key["connector-".Length..];
                if (root is null)
                {
                    _order.Remove(name);
                    _configs.Remove(name);
                    _tasks.Remove(name);
                    _pendingTasks.Remove(name);
                    change = new ConfigChange.ConnectorConfig(name, Removed: true);
                }
                else if (Properties(root) is { } properties)
                {
                    if (!_configs.ContainsKey(name))
                    {
                        _order.Add(name);
                    }
                    _configs[name] = properties;
                    change = new ConfigChange.ConnectorConfig(name, Removed: false);
                }
            }
            else if (key.StartsWith("target-state-", StringComparison.Ordinal))
            {
                var name = key["target-state-".Length..];
                if (root is null)
                {
                    _targets.Remove(name);
                }
                else
                {
                    var text = (root.GetValueOrDefault("state.v2") ?? root.GetValueOrDefault("state"))?.ToString();
                    _targets[name] = Enum.TryParse<TargetState>(text, out var parsed) ? parsed : TargetState.STARTED;
                }
                change = new ConfigChange.TargetStateChanged(name);
            }
            else if (key.StartsWith("task-", StringComparison.Ordinal) && root is not null && Properties(root) is { } taskProperties)
            {
                var rest = key["task-".Length..];
                var dash = rest.LastIndexOf('-');
                if (dash > 0 && int.TryParse(rest.AsSpan(dash + 1), out var id))
                {
                    var name = rest[..dash];
                    if (!_pendingTasks.TryGetValue(name, out var pending))
                    {
                        pending = [];
                        _pendingTasks[name] = pending;
                    }
                    pending[id] = taskProperties;
                }
            }
            else if (key.StartsWith("commit-", StringComparison.Ordinal) && root is not null)
            {
                var name = key["commit-".Length..];
                var count = Convert.ToInt32(root.GetValueOrDefault("tasks") ?? 0, System.Globalization.CultureInfo.InvariantCulture);
                var pending = _pendingTasks.GetValueOrDefault(name);
                if (_configs.ContainsKey(name) && (count == 0 || (pending is not null && Enumerable.Range(0, count).All(pending.ContainsKey))))
                {
                    var before = _tasks.TryGetValue(name, out var previous) ? previous.Count : 0;
                    _tasks[name] = [.. Enumerable.Range(0, count).Select(i => (IReadOnlyDictionary<string, string>)pending![i])];
                    _pendingTasks.Remove(name);
                    change = new ConfigChange.TasksCommitted(name, before != count);
                }
            }
            else if (key.StartsWith("restart-connector-", StringComparison.Ordinal) && root is not null)
            {
                change = new ConfigChange.RestartRequested(key["restart-connector-".Length..], root.GetValueOrDefault("include-tasks") is true, root.GetValueOrDefault("only-failed") is true);
            }
        }
        if (change is not null)
        {
            onChange(change);
        }
    }

    private static Dictionary<string, string>? Properties(Dictionary<string, object?> root) =>
        OffsetKeys.ToMap(root.GetValueOrDefault("properties")) is { } properties
            ? properties.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value!.ToString()!, StringComparer.Ordinal)
            : null;
}
