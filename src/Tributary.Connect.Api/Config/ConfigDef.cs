using System.Globalization;
using System.Text.RegularExpressions;
using Tributary.Connect.Errors;

namespace Tributary.Connect.Config;

/// <summary>
/// One configuration key (Kafka's ConfigDef.ConfigKey). <see cref="HasDefault"/> false means the key is required.
/// </summary>
public sealed record ConfigKey
{
    public required string Name { get; init; }

    public required ConfigType Type { get; init; }

    public bool HasDefault { get; init; }

    /// <summary>The parsed default (meaningful when <see cref="HasDefault"/>).</summary>
    public object? DefaultValue { get; init; }

    public IValidator? Validator { get; init; }

    public Importance Importance { get; init; } = Importance.Medium;

    public string Documentation { get; init; } = "";

    public string? Group { get; init; }

    public int OrderInGroup { get; init; } = -1;

    public Width Width { get; init; } = Width.None;

    public string? DisplayName { get; init; }

    public IReadOnlyList<string> Dependents { get; init; } = [];

    public IRecommender? Recommender { get; init; }

    /// <summary>Internal keys are parsed but not listed by /config or validate.</summary>
    public bool Internal { get; init; }
}

/// <summary>
/// The definition of a set of configuration keys (Kafka's <c>ConfigDef</c>): types, defaults, validators, docs and
/// UI hints. <see cref="Parse"/> turns string properties into typed values or throws <see cref="ConfigException"/>
/// with Kafka's messages; <see cref="Validate"/> reports every key's problems at once (for the REST validate
/// endpoint). Build once, then read from any thread.
/// </summary>
public sealed class ConfigDef
{
    private static readonly Regex ListSeparator = new(@"\s*,\s*", RegexOptions.Compiled);
    private readonly Dictionary<string, ConfigKey> _keys = new(StringComparer.Ordinal);
    private readonly List<string> _groups = [];

    public IReadOnlyDictionary<string, ConfigKey> Keys => _keys;

    /// <summary>Group names in the order first used.</summary>
    public IReadOnlyList<string> Groups => _groups;

    public IEnumerable<string> Names => _keys.Keys;

    public ConfigDef Define(ConfigKey key)
    {
        if (_keys.ContainsKey(key.Name))
        {
            throw new ConfigException("Configuration " + key.Name + " is defined twice.");
        }
        if (key.HasDefault && key.DefaultValue is not null && key.Validator is not null)
        {
            key.Validator.EnsureValid(key.Name, key.DefaultValue);
        }
        _keys[key.Name] = key;
        if (key.Group is { } group && !_groups.Contains(group))
        {
            _groups.Add(group);
        }
        return this;
    }

    /// <summary>A key with a default (given as Kafka would: a string to parse, or a typed value).</summary>
    public ConfigDef Define(string name, ConfigType type, object? defaultValue, Importance importance, string documentation,
        IValidator? validator = null, string? group = null, int orderInGroup = -1, Width width = Width.None, string? displayName = null,
        IReadOnlyList<string>? dependents = null, IRecommender? recommender = null) =>
        Define(new ConfigKey
        {
            Name = name,
            Type = type,
            HasDefault = true,
            DefaultValue = defaultValue is null ? null : ParseType(name, defaultValue, type),
            Validator = validator,
            Importance = importance,
            Documentation = documentation,
            Group = group,
            OrderInGroup = orderInGroup,
            Width = width,
            DisplayName = displayName ?? name,
            Dependents = dependents ?? [],
            Recommender = recommender,
        });

    /// <summary>A required key (no default).</summary>
    public ConfigDef DefineRequired(string name, ConfigType type, Importance importance, string documentation,
        IValidator? validator = null, string? group = null, int orderInGroup = -1, Width width = Width.None, string? displayName = null,
        IReadOnlyList<string>? dependents = null, IRecommender? recommender = null) =>
        Define(new ConfigKey
        {
            Name = name,
            Type = type,
            HasDefault = false,
            Validator = validator,
            Importance = importance,
            Documentation = documentation,
            Group = group,
            OrderInGroup = orderInGroup,
            Width = width,
            DisplayName = displayName ?? name,
            Dependents = dependents ?? [],
            Recommender = recommender,
        });

    /// <summary>Adds every key of <paramref name="other"/> (Kafka's ConfigDef(base) copy and merge).</summary>
    public ConfigDef Merge(ConfigDef other)
    {
        foreach (var key in other._keys.Values)
        {
            if (!_keys.ContainsKey(key.Name))
            {
                Define(key);
            }
        }
        return this;
    }

    /// <summary>Adds <paramref name="child"/>'s keys under <paramref name="prefix"/> in <paramref name="group"/> (Kafka's embed, used for transforms and predicates).</summary>
    public ConfigDef Embed(string prefix, string group, int startingOrder, ConfigDef child)
    {
        var order = startingOrder;
        foreach (var key in child._keys.Values)
        {
            Define(key with
            {
                Name = prefix + key.Name,
                Group = group,
                OrderInGroup = order++,
                Dependents = key.Dependents.Select(d => prefix + d).ToList(),
            });
        }
        return this;
    }

    /// <summary>
    /// Parses every defined key: given values are parsed and validated, missing ones take their default;
    /// ConfigException for a missing required key, a value of the wrong type or one a validator refuses.
    /// Keys not defined here are ignored.
    /// </summary>
    public IReadOnlyDictionary<string, object?> Parse(IReadOnlyDictionary<string, string> properties)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var key in _keys.Values)
        {
            values[key.Name] = ParseValue(key, properties.TryGetValue(key.Name, out var raw) ? raw : null, properties.ContainsKey(key.Name));
        }
        return values;
    }

    private static object? ParseValue(ConfigKey key, string? raw, bool isSet)
    {
        object? value;
        if (isSet)
        {
            value = raw is null ? null : ParseType(key.Name, raw, key.Type);
        }
        else if (key.HasDefault)
        {
            value = key.DefaultValue;
        }
        else
        {
            throw new ConfigException($"Missing required configuration \"{key.Name}\" which has no default value.");
        }
        key.Validator?.EnsureValid(key.Name, value);
        return value;
    }

    /// <summary>
    /// Validates every key (Kafka's ConfigDef.validate): one <see cref="ConfigValue"/> per key, with the parsed value,
    /// errors, recommended values and visibility. Never throws for bad input.
    /// </summary>
    public IReadOnlyList<ConfigValue> Validate(IReadOnlyDictionary<string, string> properties)
    {
        var results = new Dictionary<string, ConfigValue>(StringComparer.Ordinal);
        var parsed = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var key in _keys.Values)
        {
            var result = new ConfigValue(key.Name);
            results[key.Name] = result;
            try
            {
                var value = ParseValue(key, properties.TryGetValue(key.Name, out var raw) ? raw : null, properties.ContainsKey(key.Name));
                parsed[key.Name] = value;
                result.Value = value;
            }
            catch (ConfigException e)
            {
                result.AddErrorMessage(e.Message);
                result.Value = properties.GetValueOrDefault(key.Name);
            }
        }
        foreach (var key in _keys.Values)
        {
            if (key.Recommender is not { } recommender)
            {
                continue;
            }
            var result = results[key.Name];
            try
            {
                result.RecommendedValues = [.. recommender.ValidValues(key.Name, parsed)];
                result.Visible = recommender.Visible(key.Name, parsed);
            }
            catch (ConfigException e)
            {
                result.AddErrorMessage(e.Message);
            }
        }
        return [.. _keys.Keys.Where(k => !_keys[k].Internal).Select(k => results[k])];
    }

    /// <summary>Kafka's ConfigDef.parseType: a string (or an already typed value) as <paramref name="type"/>.</summary>
    public static object? ParseType(string name, object? value, ConfigType type)
    {
        if (value is null)
        {
            return null;
        }
        if (value is not string text)
        {
            return type switch
            {
                ConfigType.Int when value is int => value,
                ConfigType.Short when value is short => value,
                ConfigType.Long when value is long or int => Convert.ToInt64(value, CultureInfo.InvariantCulture),
                ConfigType.Double when value is double or float or int or long => Convert.ToDouble(value, CultureInfo.InvariantCulture),
                ConfigType.Boolean when value is bool => value,
                ConfigType.List when value is IEnumerable<string> list => list.ToList(),
                ConfigType.Password when value is Password => value,
                ConfigType.Class when value is Type t => t.FullName,
                _ => throw new ConfigException(name, value, $"Expected value to be a {TypeName(type).ToLowerInvariant()}, but it was a {value.GetType().Name}"),
            };
        }
        var trimmed = text.Trim();
        switch (type)
        {
            case ConfigType.Boolean:
                if (trimmed.Equals("true", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
                if (trimmed.Equals("false", StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }
                throw new ConfigException(name, value, "Expected value to be either true or false");
            case ConfigType.Password:
                return new Password(trimmed);
            case ConfigType.String:
            case ConfigType.Class:
                return trimmed;
            case ConfigType.Int:
                return int.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i) ? i : throw NotNumber(name, value, type);
            case ConfigType.Short:
                return short.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var s) ? s : throw NotNumber(name, value, type);
            case ConfigType.Long:
                return long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? l : throw NotNumber(name, value, type);
            case ConfigType.Double:
                return double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : throw NotNumber(name, value, type);
            case ConfigType.List:
                return trimmed.Length == 0 ? new List<string>() : [.. ListSeparator.Split(trimmed)];
            default:
                throw new ConfigException("Unknown type.");
        }
    }

    private static ConfigException NotNumber(string name, object value, ConfigType type) =>
        new(name, value, "Not a number of type " + TypeName(type));

    /// <summary>The upper-case name REST and messages use: <c>STRING</c>, <c>INT</c>, …</summary>
    public static string TypeName(ConfigType type) => type.ToString().ToUpperInvariant();

    /// <summary>Kafka's ConfigDef.convertToString: how a parsed value (a default) is shown.</summary>
    public static string? ConvertToString(object? value, ConfigType type) => value switch
    {
        null => null,
        Password => Password.Hidden,
        bool b => b ? "true" : "false",
        IEnumerable<string> list when type == ConfigType.List => string.Join(",", list),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
