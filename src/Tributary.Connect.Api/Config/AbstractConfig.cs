namespace Tributary.Connect.Config;

/// <summary>
/// Parsed configuration with typed getters (Kafka's <c>AbstractConfig</c>): parses the originals against a
/// <see cref="ConfigDef"/> at construction (ConfigException on bad input) and keeps the originals for prefix lookups.
/// Immutable.
/// </summary>
public class AbstractConfig
{
    private readonly IReadOnlyDictionary<string, object?> _values;

    public AbstractConfig(ConfigDef definition, IReadOnlyDictionary<string, string> originals)
    {
        Definition = definition;
        Originals = originals;
        _values = definition.Parse(originals);
    }

    public ConfigDef Definition { get; }

    /// <summary>The properties as given, including keys the definition does not know.</summary>
    public IReadOnlyDictionary<string, string> Originals { get; }

    public IReadOnlyDictionary<string, object?> Values => _values;

    public object? Get(string key) =>
        _values.TryGetValue(key, out var value) ? value : throw new Errors.ConfigException($"Unknown configuration '{key}'");

    public string? GetString(string key) => (string?)Get(key);

    public int GetInt(string key) => (int)Get(key)!;

    public short GetShort(string key) => (short)Get(key)!;

    public long GetLong(string key) => (long)Get(key)!;

    public double GetDouble(string key) => (double)Get(key)!;

    public bool GetBoolean(string key) => (bool)Get(key)!;

    public IReadOnlyList<string> GetList(string key) => (IReadOnlyList<string>?)Get(key) ?? [];

    public Password? GetPassword(string key) => (Password?)Get(key);

    /// <summary>A CLASS value: the class name as written.</summary>
    public string? GetClass(string key) => (string?)Get(key);

    /// <summary>The originals whose key starts with <paramref name="prefix"/>, the prefix removed when <paramref name="strip"/>.</summary>
    public IReadOnlyDictionary<string, string> OriginalsWithPrefix(string prefix, bool strip = true) =>
        Originals.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(p => strip ? p.Key[prefix.Length..] : p.Key, p => p.Value, StringComparer.Ordinal);
}
