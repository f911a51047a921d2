namespace Tributary.Connect.Runtime.Config.Providers;

/// <summary>
/// Kafka's <c>org.apache.kafka.common.config.provider.DirectoryConfigProvider</c> (KIP-632):
/// <c>${dir:/path/to/dir:name}</c> is the whole text of the regular file <c>name</c> directly in that directory (how
/// Kubernetes mounts secrets). Subdirectories and missing files give no value.
/// </summary>
internal sealed class DirectoryConfigProvider(IReadOnlyDictionary<string, string> parameters) : IConfigProvider
{
    private readonly AllowedPaths _allowed = new(parameters);

    public IReadOnlyDictionary<string, string> Get(string path, IReadOnlyCollection<string> keys)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (path.Length == 0 || _allowed.Check(path) is not { } directory || !Directory.Exists(directory))
        {
            return values;
        }
        foreach (var key in keys)
        {
            // Only a file directly in the directory: a key may not climb out of it.
            if (key.Length > 0 && key.IndexOfAny(['/', '\\']) < 0 && key is not ("." or "..") && File.Exists(Path.Combine(directory, key)))
            {
                values[key] = File.ReadAllText(Path.Combine(directory, key));
            }
        }
        return values;
    }
}
