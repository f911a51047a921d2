using Tributary.Connect.Config;
using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using Tributary.Connect.Plugins;
using Tributary.Connect.Transforms.FieldPaths;
using Tributary.Connect.Transforms.Util;
using Tributary.Connect.Util;
using static Tributary.Connect.Transforms.Util.Requirements;

namespace Tributary.Connect.Transforms;

/// <summary>
/// Kafka's <c>ValueToKey</c>: replaces the key with a struct (key schema built from the value's field schemas, cached)
/// or map holding the listed fields of the value. With <c>field.syntax.version=V2</c> a field may be nested; the key
/// field is then named by the whole path.
/// </summary>
[ConnectPlugin("org.apache.kafka.connect.transforms.ValueToKey")]
public sealed class ValueToKey : ITransformation
{
    public const string FieldsConfig = "fields";
    private const string Purpose = "copying fields from value to key";
    private readonly LruCache<Schema, Schema> _valueToKeySchemaCache = new(16);
    private List<SingleFieldPath> _fields = [];
    private bool _replaceNullWithDefault;

    public ConfigDef Config => ConfigDef();

    public static ConfigDef ConfigDef() => new ConfigDef()
        .DefineRequired(FieldsConfig, ConfigType.List, Importance.High, "Field names on the record value to extract as the record key.", CommonConfig.NonEmptyList)
        .DefineReplaceNullWithDefault()
        .DefineFieldSyntaxVersion();

    public void Configure(IReadOnlyDictionary<string, string> configs)
    {
        var config = new AbstractConfig(ConfigDef(), configs);
        var v2 = config.IsV2();
        _fields = [.. config.GetList(FieldsConfig).Select(f => SingleFieldPath.Parse(f, v2))];
        _replaceNullWithDefault = config.GetBoolean(CommonConfig.ReplaceNullWithDefault);
    }

    public ConnectRecord? Apply(ConnectRecord record)
    {
        if (record.ValueSchema is null)
        {
            var map = RequireMap(record.Value, Purpose);
            var key = new Dictionary<string, object?>(_fields.Count);
            foreach (var field in _fields)
            {
                key[field.Path] = field.ValueFrom(map);
            }
            return record.NewRecord(record.Topic, record.KafkaPartition, null, key, record.ValueSchema, record.Value, record.Timestamp);
        }
        var value = RequireStruct(record.Value, Purpose);
        if (!_valueToKeySchemaCache.TryGet(value.Schema, out var keySchema))
        {
            var builder = SchemaBuilder.Struct();
            foreach (var field in _fields)
            {
                var found = field.FieldFrom(value.Schema) ?? throw new DataException("Field does not exist: " + field.Path);
                builder.Field(field.Path, found.Schema);
            }
            keySchema = builder.Build();
            _valueToKeySchemaCache.Put(value.Schema, keySchema);
        }
        var keyStruct = new Struct(keySchema);
        foreach (var field in _fields)
        {
            keyStruct.Put(field.Path, field.ValueFrom(value, _replaceNullWithDefault));
        }
        return record.NewRecord(record.Topic, record.KafkaPartition, keySchema, keyStruct, value.Schema, value, record.Timestamp);
    }

    public void Dispose()
    {
    }
}
