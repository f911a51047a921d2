using Tributary.Connect.Config;
using Tributary.Connect.Plugins;
using Tributary.Connect.Transforms.FieldPaths;
using Tributary.Connect.Transforms.Util;
using static Tributary.Connect.Transforms.Util.Requirements;

namespace Tributary.Connect.Transforms;

/// <summary>
/// Kafka's <c>ExtractField</c>: replaces the key or value with one of its fields (nested with
/// <c>field.syntax.version=V2</c>), taking that field's schema; a null struct or map gives a null value.
/// </summary>
public abstract class ExtractField : ITransformation
{
    public const string FieldConfig = "field";
    private const string Purpose = "field extraction";
    private SingleFieldPath _path = SingleFieldPath.Parse("", false);
    private bool _replaceNullWithDefault;

    protected abstract bool IsKey { get; }

    public ConfigDef Config => ConfigDef();

    public static ConfigDef ConfigDef() => new ConfigDef()
        .DefineRequired(FieldConfig, ConfigType.String, Importance.Medium, "Field name to extract.")
        .DefineReplaceNullWithDefault()
        .DefineFieldSyntaxVersion();

    public void Configure(IReadOnlyDictionary<string, string> configs)
    {
        var config = new AbstractConfig(ConfigDef(), configs);
        _path = SingleFieldPath.Parse(config.GetString(FieldConfig)!, config.IsV2());
        _replaceNullWithDefault = config.GetBoolean(CommonConfig.ReplaceNullWithDefault);
    }

    public ConnectRecord? Apply(ConnectRecord record)
    {
        var schema = RecordSide.OperatingSchema(record, IsKey);
        var value = RecordSide.OperatingValue(record, IsKey);
        if (schema is null)
        {
            var map = RequireMapOrNull(value, Purpose);
            return RecordSide.NewRecord(record, IsKey, null, map is null ? null : _path.ValueFrom(map));
        }
        var structValue = RequireStructOrNull(value, Purpose);
        var field = _path.FieldFrom(schema) ?? throw new ArgumentException("Unknown field: " + _path.Path);
        return RecordSide.NewRecord(record, IsKey, field.Schema, structValue is null ? null : _path.ValueFrom(structValue, _replaceNullWithDefault));
    }

    public void Dispose()
    {
    }

    [ConnectPlugin("org.apache.kafka.connect.transforms.ExtractField$Key")]
    public sealed class Key : ExtractField
    {
        protected override bool IsKey => true;
    }

    [ConnectPlugin("org.apache.kafka.connect.transforms.ExtractField$Value")]
    public sealed class Value : ExtractField
    {
        protected override bool IsKey => false;
    }
}
