namespace Tributary.Connect.Config;

/// <summary>Kafka's ConfigDef.Type: how a configuration value is parsed (REST shows the upper-case names).</summary>
public enum ConfigType
{
    Boolean,
    String,
    Int,
    Short,
    Long,
    Double,
    List,
    Class,
    Password,
}

/// <summary>Kafka's ConfigDef.Importance.</summary>
public enum Importance
{
    High,
    Medium,
    Low,
}

/// <summary>Kafka's ConfigDef.Width (a UI hint).</summary>
public enum Width
{
    None,
    Short,
    Medium,
    Long,
}

/// <summary>A secret value: prints as <c>[hidden]</c> so it never reaches a log or a status by accident.</summary>
public sealed record Password(string Value)
{
    public const string Hidden = "[hidden]";

    public override string ToString() => Hidden;
}

/// <summary>Checks one parsed value; throws <see cref="Errors.ConfigException"/> with Kafka's message when it is not allowed.</summary>
public interface IValidator
{
    void EnsureValid(string name, object? value);

    /// <summary>What the REST documentation shows as the valid values (Kafka's validator toString), or null.</summary>
    string? Describe() => null;
}

/// <summary>Recommends values and visibility of a key given the other values (Kafka's ConfigDef.Recommender).</summary>
public interface IRecommender
{
    IReadOnlyList<object> ValidValues(string name, IReadOnlyDictionary<string, object?> parsedConfig);

    bool Visible(string name, IReadOnlyDictionary<string, object?> parsedConfig);
}

/// <summary>
/// One configuration key's validation result (Kafka's ConfigValue): the value (parsed when it could be), the
/// recommended values, the error messages and whether the key is visible.
/// </summary>
public sealed class ConfigValue(string name)
{
    public string Name { get; } = name;

    public object? Value { get; set; }

    public List<object> RecommendedValues { get; set; } = [];

    public List<string> ErrorMessages { get; } = [];

    public bool Visible { get; set; } = true;

    public void AddErrorMessage(string message) => ErrorMessages.Add(message);
}
