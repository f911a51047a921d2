using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka;

/// <summary>
/// The handlers this broker serves, by API key. Drives ApiVersions: an API is advertised exactly when a
/// handler is registered, with the handler's versions clipped to those the definitions can encode.
/// Built once at start; read-only afterwards (thread-safe).
/// </summary>
public sealed class KafkaHandlerRegistry
{
    private readonly Dictionary<short, (IKafkaHandler Handler, KafkaApiInfo Api)> _handlers = [];

    public void Add(IKafkaHandler handler)
    {
        var api = KafkaApis.All.FirstOrDefault(a => a.ApiKey == handler.ApiKey);
        if (api.Name is null)
        {
            throw new InvalidOperationException($"No message definition for API key {handler.ApiKey}.");
        }
        if (handler.LowestVersion < api.LowestVersion || handler.HighestVersion > api.HighestVersion)
        {
            throw new InvalidOperationException($"Handler for {api.Name} claims v{handler.LowestVersion}-{handler.HighestVersion}, definitions cover v{api.LowestVersion}-{api.HighestVersion}.");
        }
        _handlers.Add(handler.ApiKey, (handler, api));
    }

    public bool TryGet(short apiKey, out IKafkaHandler handler, out KafkaApiInfo api)
    {
        if (_handlers.TryGetValue(apiKey, out var entry))
        {
            (handler, api) = entry;
            return true;
        }
        handler = null!;
        api = default;
        return false;
    }

    /// <summary>(api key, lowest, highest) of every served API, ordered by key: the ApiVersions answer.</summary>
    public IEnumerable<(short ApiKey, short Lowest, short Highest)> Advertised =>
        _handlers.Values.OrderBy(e => e.Handler.ApiKey).Select(e => (e.Handler.ApiKey, e.Handler.LowestVersion, e.Handler.HighestVersion));
}
