using Tributary.Client;
using Tributary.Client.Security;
using Tributary.Connect.Errors;
using Tributary.Connect.Runtime.Config;

namespace Tributary.Connect.Runtime.Worker;

/// <summary>
/// Which Kafka client a task's producer or consumer uses, by its servers (<c>bootstrap.servers</c>) and security settings
/// (<c>security.protocol</c>, <c>ssl.*</c>, <c>sasl.*</c>), layered as Kafka's Worker layers a task client's properties: the worker's top-level
/// keys, then the worker's <c>producer.*</c> (source tasks) or <c>consumer.*</c> (sink tasks) keys, then the
/// connector's <c>producer.override.*</c> / <c>consumer.override.*</c> keys. (Kafka itself does not give task clients the
/// top-level keys; taking them as the bottom layer keeps Kafka's configurations working — they repeat the settings under
/// the prefix — and spares writing them twice.) When the result equals the worker's own settings the task shares the
/// worker's client; otherwise it gets a client of its own (another identity: a connector authenticating as its own
/// principal), which the task owns and closes. <see cref="Admin"/> does the same for the connector's admin client.
/// Stateless.
/// </summary>
public static class TaskClients
{
    /// <summary>
    /// The worker's client, or a new one the caller must dispose (returned as <paramref name="owned"/>). A bad security
    /// value is Kafka's ConfigException, naming the key as the task's configuration has it.
    /// </summary>
    public static KafkaClient For(WorkerConfig worker, KafkaClient workerClient, string workerPrefix, string overridePrefix, IReadOnlyDictionary<string, string> connectorConfig, string clientId, out KafkaClient? owned)
    {
        owned = null;
        var own = ClientSecurityProperties.SecurityKeysOf(worker.Originals);
        var layered = new SortedDictionary<string, string>(own, StringComparer.Ordinal);
        foreach (var (key, value) in ClientSecurityProperties.SecurityKeysOf(worker.WithPrefix(workerPrefix)))
        {
            layered[key] = value;
        }
        // bootstrap.servers layered the same way: a task's producer or consumer may work against another cluster
        // (producer.override.bootstrap.servers, consumer.override.bootstrap.servers, or the worker's prefixed key).
        var servers = string.Join(",", worker.BootstrapServerList);
        if (worker.WithPrefix(workerPrefix).TryGetValue(BootstrapServersKey, out var workerServers))
        {
            servers = workerServers;
        }
        foreach (var (key, value) in connectorConfig)
        {
            if (!key.StartsWith(overridePrefix, StringComparison.Ordinal))
            {
                continue;
            }
            var name = key[overridePrefix.Length..];
            if (ClientSecurityProperties.IsSecurityKey(name))
            {
                layered[name] = value;
            }
            else if (name == BootstrapServersKey)
            {
                servers = value;
            }
        }
        var serverList = servers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (serverList.Length == 0)
        {
            throw new ConfigException(overridePrefix + BootstrapServersKey, servers, "The client needs at least one bootstrap server");
        }
        var sameServers = serverList.SequenceEqual(worker.BootstrapServerList, StringComparer.Ordinal);
        if (sameServers && layered.Count == own.Count && layered.All(p => own.TryGetValue(p.Key, out var v) && v == p.Value))
        {
            return workerClient;
        }
        owned = new KafkaClient(new KafkaClientOptions { BootstrapServers = serverList, ClientId = clientId, Security = SecurityOf(layered) });
        return owned;
    }

    /// <summary>The worker's <c>admin.*</c> keys (Kafka's prefix for the admin clients of connectors).</summary>
    public const string WorkerAdminPrefix = "admin.";

    private const string BootstrapServersKey = "bootstrap.servers";
    private const string ClientIdKey = "client.id";
    private const string RequestTimeoutKey = "request.timeout.ms";

    /// <summary>
    /// The client a connector's admin operations use — creating a source task's topics (KIP-158) and a sink task's
    /// dead letter queue topic — layered as Kafka's <c>Worker.adminConfigs</c> layers them: the worker's
    /// <c>bootstrap.servers</c> and the client id <paramref name="clientId"/>, then the worker's top-level keys (not
    /// those under <c>admin.</c>, <c>producer.</c>, <c>consumer.</c> or <c>config.providers</c>), then the worker's
    /// <c>admin.*</c> keys, then the connector's <c>admin.override.*</c> keys (which the override policy has already
    /// allowed). Acted on: <c>bootstrap.servers</c> (another cluster), <c>client.id</c>, <c>request.timeout.ms</c> and the
    /// security keys; other admin keys are accepted and have no effect. When the result is the worker's own client's —
    /// the same servers and security, no client id or request timeout set anywhere — the worker's client is returned;
    /// otherwise a new one the caller must dispose (<paramref name="owned"/>). A bad value is Kafka's ConfigException.
    /// </summary>
    public static KafkaClient Admin(WorkerConfig worker, KafkaClient workerClient, IReadOnlyDictionary<string, string> connectorConfig, string clientId, out KafkaClient? owned)
    {
        owned = null;
        var layered = new Dictionary<string, string>(StringComparer.Ordinal) { [BootstrapServersKey] = string.Join(",", worker.BootstrapServerList) };
        foreach (var (key, value) in worker.Originals)
        {
            if (!key.StartsWith(WorkerAdminPrefix, StringComparison.Ordinal) && !key.StartsWith(SourceProducerConfig.WorkerProducerPrefix, StringComparison.Ordinal)
                && !key.StartsWith(SinkConsumerConfig.WorkerConsumerPrefix, StringComparison.Ordinal) && !key.StartsWith(WorkerConfig.ConfigProviders, StringComparison.Ordinal))
            {
                layered[key] = value;
            }
        }
        foreach (var (key, value) in worker.WithPrefix(WorkerAdminPrefix))
        {
            layered[key] = value;
        }
        foreach (var (key, value) in connectorConfig)
        {
            if (key.StartsWith(ClientConfigOverridePolicy.AdminOverridePrefix, StringComparison.Ordinal) && key.Length > ClientConfigOverridePolicy.AdminOverridePrefix.Length)
            {
                layered[key[ClientConfigOverridePolicy.AdminOverridePrefix.Length..]] = value;
            }
        }
        var servers = layered[BootstrapServersKey].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (servers.Length == 0)
        {
            throw new ConfigException(BootstrapServersKey, layered[BootstrapServersKey], "The admin client needs at least one bootstrap server");
        }
        TimeSpan? timeout = null;
        if (layered.TryGetValue(RequestTimeoutKey, out var timeoutText))
        {
            if (!int.TryParse(timeoutText.Trim(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var ms))
            {
                throw new ConfigException(RequestTimeoutKey, timeoutText, "Not a number of type INT");
            }
            if (ms < 0)
            {
                throw new ConfigException(RequestTimeoutKey, ms, "Value must be at least 0");
            }
            timeout = TimeSpan.FromMilliseconds(ms);
        }
        var security = ClientSecurityProperties.SecurityKeysOf(layered);
        var own = ClientSecurityProperties.SecurityKeysOf(worker.Originals);
        var sameSecurity = security.Count == own.Count && security.All(p => own.TryGetValue(p.Key, out var v) && v == p.Value);
        if (sameSecurity && timeout is null && !layered.ContainsKey(ClientIdKey) && servers.SequenceEqual(worker.BootstrapServerList, StringComparer.Ordinal))
        {
            return workerClient;
        }
        var options = new KafkaClientOptions { BootstrapServers = servers, ClientId = layered.GetValueOrDefault(ClientIdKey, clientId), Security = SecurityOf(security) };
        owned = new KafkaClient(timeout is { } t ? options with { RequestTimeout = t } : options);
        return owned;
    }

    /// <summary>The client security the layered keys describe; a bad value is Kafka's ConfigException.</summary>
    private static ClientSecurity SecurityOf(IReadOnlyDictionary<string, string> keys)
    {
        try
        {
            return ClientSecurityProperties.From(keys);
        }
        catch (ClientConfigException e)
        {
            throw new ConfigException(e.Message);
        }
    }
}
