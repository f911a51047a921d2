using System.Text;
using Tributary.Client;
using Tributary.Connect.Json;
using Tributary.Connect.Runtime.Worker;
using Tributary.Protocol.Records;

namespace Tributary.Connect.Runtime.Storage;

/// <summary>
/// Connector configurations and target states in Connect's config topic (<c>config.storage.topic</c>; Kafka's
/// <c>KafkaConfigBackingStore</c> record formats, so Kafka's tooling reads them): one partition, cleanup.policy=compact;
/// <c>connector-&lt;name&gt;</c> → <c>{"properties":{…}}</c>, <c>target-state-&lt;name&gt;</c> →
/// <c>{"state":"STARTED"|"PAUSED","state.v2":"STARTED"|"PAUSED"|"STOPPED"}</c> (STOPPED written as PAUSED in
/// <c>state</c> for older readers), and a delete as tombstones of both keys. Task configurations (<c>task-</c>/<c>commit-</c>) are
/// written by distributed workers; a standalone herder derives them from the connector at start. Writes are acks=all and awaited, so a configuration
/// the REST API acknowledged survives a restart. Thread-safety: writes may come from any thread (the client is).
/// </summary>
public sealed class KafkaConfigStore(KafkaClient client, string topic)
{
    public string Topic => topic;

    /// <summary>Creates the topic (one partition, compacted) when missing.</summary>
    public Task EnsureTopicAsync(CancellationToken cancellationToken = default) =>
        client.CreateTopicAsync(topic, 1, new Dictionary<string, string> { ["cleanup.policy"] = "compact" }, ifNotExists: true, cancellationToken);

    public Task PutConnectorAsync(string name, IReadOnlyDictionary<string, string> config, CancellationToken cancellationToken = default)
    {
        var properties = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in config)
        {
            properties[key] = value;
        }
        return WriteAsync("connector-" + name, SchemalessJson.Serialize(new Dictionary<string, object?> { ["properties"] = properties }), cancellationToken);
    }

    public Task PutTargetStateAsync(string name, TargetState state, CancellationToken cancellationToken = default)
    {
        var v2 = state.ToString();
        var v1 = state == TargetState.STOPPED ? "PAUSED" : v2;
        return WriteAsync("target-state-" + name, SchemalessJson.Serialize(new Dictionary<string, object?> { ["state"] = v1, ["state.v2"] = v2 }), cancellationToken);
    }

    /// <summary>
    /// Task configurations as Kafka's leader writes them: <c>task-&lt;name&gt;-&lt;n&gt;</c> → <c>{"properties":{…}}</c>
    /// for each task, then <c>commit-&lt;name&gt;</c> → <c>{"tasks":N}</c>, which is what makes readers apply them.
    /// </summary>
    public async Task PutTaskConfigsAsync(string name, IReadOnlyList<IReadOnlyDictionary<string, string>> tasks, CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < tasks.Count; i++)
        {
            var properties = tasks[i].ToDictionary(p => p.Key, p => (object?)p.Value, StringComparer.Ordinal);
            await WriteAsync($"task-{name}-{i}", SchemalessJson.Serialize(new Dictionary<string, object?> { ["properties"] = properties }), cancellationToken).ConfigureAwait(false);
        }
        await WriteAsync("commit-" + name, SchemalessJson.Serialize(new Dictionary<string, object?> { ["tasks"] = tasks.Count }), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A KIP-745 restart request for the worker that runs the connector: <c>restart-connector-&lt;name&gt;</c>.</summary>
    public Task RequestRestartAsync(string name, bool includeTasks, bool onlyFailed, CancellationToken cancellationToken = default) =>
        WriteAsync("restart-connector-" + name, SchemalessJson.Serialize(new Dictionary<string, object?> { ["include-tasks"] = includeTasks, ["only-failed"] = onlyFailed }), cancellationToken);

    public async Task DeleteConnectorAsync(string name, CancellationToken cancellationToken = default)
    {
        await WriteAsync("connector-" + name, null, cancellationToken).ConfigureAwait(false);
        await WriteAsync("target-state-" + name, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads the topic from its start to its end and returns the live connectors in the order they were first written,
    /// each with its latest configuration and target state (STARTED when none was written, as Kafka assumes).
    /// </summary>
    public async Task<IReadOnlyList<(string Name, Dictionary<string, string> Config, TargetState State)>> LoadAsync(CancellationToken cancellationToken = default)
    {
        var configs = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        var order = new List<string>();
        var states = new Dictionary<string, TargetState>(StringComparer.Ordinal);
        var tail = new Distributed.TopicTail(client, topic, (key, value) => Apply(key, value, configs, order, states));
        await using (tail.ConfigureAwait(false))
        {
            await tail.StartAsync(cancellationToken).ConfigureAwait(false);
            await tail.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }
        return [.. order.Where(configs.ContainsKey).Select(name => (name, configs[name], states.GetValueOrDefault(name, TargetState.STARTED)))];
    }

    private static void Apply(string key, byte[]? value, Dictionary<string, Dictionary<string, string>> configs, List<string> order, Dictionary<string, TargetState> states)
    {
        if (key.StartsWith("connector-", StringComparison.Ordinal))
        {
            var name = key["connector-".Length..];
            order.Remove(name);
            if (value is null)
            {
                configs.Remove(name);
                return;
            }
            if (OffsetKeys.ToMap(SchemalessJson.Deserialize(value)) is { } root && OffsetKeys.ToMap(root.GetValueOrDefault("properties")) is { } properties)
            {
                configs[name] = properties.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value!.ToString()!, StringComparer.Ordinal);
                order.Add(name);
            }
        }
        else if (key.StartsWith("target-state-", StringComparison.Ordinal))
        {
            var name = key["target-state-".Length..];
            if (value is null)
            {
                states.Remove(name);
                return;
            }
            if (OffsetKeys.ToMap(SchemalessJson.Deserialize(value)) is { } root)
            {
                var text = (root.GetValueOrDefault("state.v2") ?? root.GetValueOrDefault("state"))?.ToString();
                states[name] = Enum.TryParse<TargetState>(text, out var parsed) ? parsed : TargetState.STARTED;
            }
        }
    }

    private async Task WriteAsync(string key, byte[]? value, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        byte[] batch;
        using (var builder = new RecordBatchBuilder(now))
        {
            builder.Append(now, Encoding.UTF8.GetBytes(key), value, hasKey: true, hasValue: value is not null);
            batch = builder.ToArray(new BatchOptions());
        }
        await client.ProduceBatchAsync(topic, 0, batch, -1, cancellationToken).ConfigureAwait(false);
    }
}
