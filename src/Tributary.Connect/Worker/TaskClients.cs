using Tributary.Client;
using Tributary.Client.Security;
using Tributary.Connect.Errors;
using Tributary.Connect.Runtime.Config;

namespace Tributary.Connect.Runtime.Worker;

/// <summary>
/// Which Kafka client a task's producer or consumer uses, by its security settings (<c>security.protocol</c>,
/// <c>ssl.*</c>, <c>sasl.*</c>), layered as Kafka's Worker layers a task client's properties: the worker's top-level
/// keys, then the worker's <c>producer.*</c> (source tasks) or <c>consumer.*</c> (sink tasks) keys, then the
/// connector's <c>producer.override.*</c> / <c>consumer.override.*</c> keys. (Kafka itself does not give task clients the
/// top-level keys; taking them as the bottom layer keeps Kafka's configurations working — they repeat the settings under
/// the prefix — and spares writing them twice.) When the result equals the worker's own settings the task shares the
/// worker's client; otherwise it gets a client of its own (another identity: a connector authenticating as its own
/// principal), which the task owns and closes. Stateless.
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
        foreach (var (key, value) in connectorConfig)
        {
            if (key.StartsWith(overridePrefix, StringComparison.Ordinal) && ClientSecurityProperties.IsSecurityKey(key[overridePrefix.Length..]))
            {
                layered[key[overridePrefix.Length..]] = value;
            }
        }
        if (layered.Count == own.Count && layered.All(p => own.TryGetValue(p.Key, out var v) && v == p.Value))
        {
            return workerClient;
        }
        ClientSecurity security;
        try
        {
            security = ClientSecurityProperties.From(layered);
        }
        catch (ClientConfigException e)
        {
            throw new ConfigException(e.Message);
        }
        owned = new KafkaClient(new KafkaClientOptions { BootstrapServers = worker.BootstrapServerList, ClientId = clientId, Security = security });
        return owned;
    }
}
