using System.Globalization;
using System.Text.RegularExpressions;
using Tributary.Connect.Errors;

namespace Tributary.Cdc;

/// <summary>
/// Reads a connector's properties the way Debezium does: a key may have older names tried after it (1.x aliases), an
/// empty value counts as absent, and a bad value is a <see cref="ConfigException"/> naming the key in Kafka's words.
/// Stateless apart from the properties; not kept after parsing.
/// </summary>
public sealed class ConfigReader(IReadOnlyDictionary<string, string> properties)
{
    /// <summary>The value of the first of <paramref name="names"/> that is set and not empty.</summary>
    public string? Get(params string[] names)
    {
        foreach (var name in names)
        {
            if (properties.TryGetValue(name, out var value) && value.Length > 0)
            {
                return value;
            }
        }
        return null;
    }

    /// <summary>The properties under <paramref name="prefix"/> (e.g. <c>signal.consumer.</c>), with the prefix removed.</summary>
    public Dictionary<string, string> WithPrefix(string prefix) =>
        properties.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal) && p.Key.Length > prefix.Length)
            .ToDictionary(p => p.Key[prefix.Length..], p => p.Value, StringComparer.Ordinal);

    public string Required(params string[] names) =>
        Get(names) ?? throw new ConfigException(names[0], null, $"Missing required configuration \"{names[0]}\" which has no default value.");

    public int Int(string name, int fallback) => Get(name) is { } text
        ? int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : throw new ConfigException(name, text, "Not a number")
        : fallback;

    public long Long(string name, long fallback) => Get(name) is { } text
        ? long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : throw new ConfigException(name, text, "Not a number")
        : fallback;

    public bool Bool(string name, bool fallback) => Get(name) is { } text
        ? bool.TryParse(text, out var value) ? value : throw new ConfigException(name, text, "Expected value to be either true or false")
        : fallback;

    /// <summary>The value, lower-cased, when it is one of <paramref name="allowed"/>; else the error lists them.</summary>
    public string OneOf(string name, string fallback, params string[] allowed)
    {
        var value = (Get(name) ?? fallback).ToLowerInvariant();
        return allowed.Contains(value) ? value : throw new ConfigException(name, value, "The value must be one of " + string.Join(", ", allowed));
    }

    /// <summary>A comma-separated list of regular expressions, each anchored to match a whole identifier.</summary>
    public IReadOnlyList<Regex> Patterns(bool ignoreCase, params string[] names) =>
        Get(names) is { } text
            ? [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(p => new Regex("^(?:" + p + ")$", RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None)))]
            : [];
}
