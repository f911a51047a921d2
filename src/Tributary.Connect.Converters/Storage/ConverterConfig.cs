using Tributary.Connect.Config;

namespace Tributary.Connect.Storage;

/// <summary>
/// Kafka's <c>ConverterConfig</c>: the <c>converter.type</c> key every converter has (key, value or header), set by
/// the worker from which side the converter serves.
/// </summary>
public static class ConverterConfig
{
    public const string TypeConfig = "converter.type";
    public const string Key = "key";
    public const string Value = "value";
    public const string Header = "header";

    /// <summary>A new definition holding <c>converter.type</c>, to which a converter adds its own keys.</summary>
    public static ConfigDef NewConfigDef() =>
        new ConfigDef().DefineRequired(TypeConfig, ConfigType.String, Importance.Low, "How this converter will be used.",
            Validators.In(Key, Value, Header));

    /// <summary>The configs with <c>converter.type</c> set for a key or value converter, as Kafka's configure(configs, isKey) does.</summary>
    public static Dictionary<string, string> WithType(IReadOnlyDictionary<string, string> configs, string type)
    {
        var copy = new Dictionary<string, string>(configs, StringComparer.Ordinal)
        {
            [TypeConfig] = type,
        };
        return copy;
    }
}
