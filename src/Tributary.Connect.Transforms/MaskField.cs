using System.Collections;
using System.Globalization;
using Tributary.Connect.Config;
using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using Tributary.Connect.Plugins;
using Tributary.Connect.Transforms.Util;
using static Tributary.Connect.Transforms.Util.Requirements;

namespace Tributary.Connect.Transforms;

/// <summary>
/// Kafka's <c>MaskField</c>: replaces the listed fields with their type's empty value (false, 0, "", the epoch, an
/// empty list or map) or, with <c>replacement</c>, that text converted to the field's type (numbers and strings only).
/// Schemas are unchanged.
/// </summary>
public abstract class MaskField : ITransformation
{
    public const string FieldsConfig = "fields";
    public const string ReplacementConfig = "replacement";
    private const string Purpose = "mask fields";
    private HashSet<string> _fields = [];
    private string? _replacement;
    private bool _replaceNullWithDefault;

    protected abstract bool IsKey { get; }

    public ConfigDef Config => ConfigDef();

    public static ConfigDef ConfigDef() => new ConfigDef()
        .DefineRequired(FieldsConfig, ConfigType.List, Importance.High, "Names of fields to mask.", CommonConfig.NonEmptyList)
        .Define(ReplacementConfig, ConfigType.String, null, Importance.Low,
            "Custom value replacement, that will be applied to all 'fields' values (numeric or non-empty string values only).",
            Validators.Lambda((name, value) => value is string { Length: 0 } ? "String must be non-empty" : null, "non-empty string"))
        .DefineReplaceNullWithDefault();

    public void Configure(IReadOnlyDictionary<string, string> configs)
    {
        var config = new AbstractConfig(ConfigDef(), configs);
        _fields = new HashSet<string>(config.GetList(FieldsConfig), StringComparer.Ordinal);
        _replacement = config.GetString(ReplacementConfig);
        _replaceNullWithDefault = config.GetBoolean(CommonConfig.ReplaceNullWithDefault);
    }

    public ConnectRecord? Apply(ConnectRecord record)
    {
        var value = RecordSide.OperatingValue(record, IsKey);
        if (value is null)
        {
            return record;
        }
        var schema = RecordSide.OperatingSchema(record, IsKey);
        if (schema is null)
        {
            var map = RequireMap(value, Purpose);
            var updated = new Dictionary<object, object?>(map.Count);
            foreach (DictionaryEntry entry in map)
            {
                updated[entry.Key] = entry.Value;
            }
            foreach (var field in _fields)
            {
                updated[field] = Masked(map.Contains(field) ? map[field] : null);
            }
            return RecordSide.NewRecord(record, IsKey, null, updated);
        }
        var structValue = RequireStruct(value, Purpose);
        var masked = new Struct(structValue.Schema);
        foreach (var field in structValue.Schema.Fields)
        {
            var original = RecordSide.FieldValue(structValue, field, _replaceNullWithDefault);
            masked.Put(field, _fields.Contains(field.Name) ? Masked(original) : original);
        }
        return RecordSide.NewRecord(record, IsKey, structValue.Schema, masked);
    }

    private object? Masked(object? value)
    {
        if (value is null)
        {
            return null;
        }
        return _replacement is null ? EmptyValue(value) : Replacement(value, _replacement);
    }

    private static object EmptyValue(object value) => value switch
    {
        bool => false,
        sbyte => (sbyte)0,
        short => (short)0,
        int => 0,
        long => 0L,
        float => 0f,
        double => 0d,
        BigDecimal => new BigDecimal(0, 0),
        decimal => 0m,
        DateTime => DateTime.UnixEpoch,
        string => "",
        IList => new List<object?>(),
        IDictionary => new Dictionary<object, object?>(),
        _ => throw new DataException("Cannot mask value of type: " + JavaClassName.Of(value)),
    };

    private static object Replacement(object value, string replacement)
    {
        try
        {
            return value switch
            {
                sbyte => sbyte.Parse(replacement, CultureInfo.InvariantCulture),
                short => short.Parse(replacement, CultureInfo.InvariantCulture),
                int => int.Parse(replacement, CultureInfo.InvariantCulture),
                long => long.Parse(replacement, CultureInfo.InvariantCulture),
                float => float.Parse(replacement, CultureInfo.InvariantCulture),
                double => double.Parse(replacement, CultureInfo.InvariantCulture),
                BigDecimal => BigDecimal.Parse(replacement),
                string => replacement,
                _ => throw new DataException("Cannot mask value of type " + JavaClassName.Of(value) + " with custom replacement."),
            };
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new DataException("Unable to convert " + replacement + " (class java.lang.String) to number", e);
        }
    }

    public void Dispose()
    {
    }

    [ConnectPlugin("org.apache.kafka.connect.transforms.MaskField$Key")]
    public sealed class Key : MaskField
    {
        protected override bool IsKey => true;
    }

    [ConnectPlugin("org.apache.kafka.connect.transforms.MaskField$Value")]
    public sealed class Value : MaskField
    {
        protected override bool IsKey => false;
    }
}
