namespace Tributary.Connect.Runtime.Config.Providers;

/// <summary>
/// Kafka's <c>org.apache.kafka.common.config.provider.FileConfigProvider</c>: <c>${file:/path/to/file.properties:key}</c>
/// is the value of <c>key</c> in that properties file. A missing file or key gives no value.
/// </summary>
internal sealed class FileConfigProvider(IReadOnlyDictionary<string, string> parameters) : IConfigProvider
{
    private readonly AllowedPaths _allowed = new(parameters);

    public IReadOnlyDictionary<string, string> Get(string path, IReadOnlyCollection<string> keys)
    {
        if (path.Length == 0 || _allowed.Check(path) is not { } full || !File.Exists(full))
        {
            return new Dictionary<string, string>();
        }
        var properties = PropertiesFile.Load(full);
        return keys.Where(properties.ContainsKey).ToDictionary(key => key, key => properties[key], StringComparer.Ordinal);
    }
}
