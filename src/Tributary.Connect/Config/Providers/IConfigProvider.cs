namespace Tributary.Connect.Runtime.Config.Providers;

/// <summary>
/// Kafka's <c>ConfigProvider</c>: values for <c>${name:path:key}</c> variables in worker and connector configurations.
/// <see cref="Get"/> answers the keys it has at a path and leaves the others out (their variables stay
/// as written, as Kafka's ConfigTransformer leaves them).
/// </summary>
public interface IConfigProvider
{
    IReadOnlyDictionary<string, string> Get(string path, IReadOnlyCollection<string> keys);
}
