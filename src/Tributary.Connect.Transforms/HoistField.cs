using Tributary.Connect.Config;
using Tributary.Connect.Data;
using Tributary.Connect.Plugins;
using Tributary.Connect.Transforms.Util;
using Tributary.Connect.Util;

namespace Tributary.Connect.Transforms;

/// <summary>
/// Kafka's <c>HoistField</c>: wraps the key or value in a struct with one field <c>field</c> (schema cached) or, without
/// a schema, in a map with one entry.
/// </summary>
public abstract class HoistField : ITransformation
{
    public const string FieldConfig = "field";
    private readonly LruCache<Schema, Schema> _schemaUpdateCache = new(16);
    private string _fieldName = "";

    protected abstract bool IsKey { get; }

    public ConfigDef Config => ConfigDef();

    public static ConfigDef ConfigDef() => new ConfigDef().DefineRequired(FieldConfig, ConfigType.String, Importance.Medium,
        "Field name for the single field that will be created in the resulting Struct or Map.");

    public void Configure(IReadOnlyDictionary<string, string> configs) => _fieldName = new AbstractConfig(ConfigDef(), configs).GetString(FieldConfig)!;

    public ConnectRecord? Apply(ConnectRecord record)
    {
        var schema = RecordSide.OperatingSchema(record, IsKey);
        var value = RecordSide.OperatingValue(record, IsKey);
        if (schema is null)
        {
            return RecordSide.NewRecord(record, IsKey, null, new Dictionary<string, object?> { [_fieldName] = value });
        }
        if (!_schemaUpdateCache.TryGet(schema, out var updatedSchema))
        {
            updatedSchema = SchemaBuilder.Struct().Field(_fieldName, schema).Build();
            _schemaUpdateCache.Put(schema, updatedSchema);
        }
        return RecordSide.NewRecord(record, IsKey, updatedSchema, new Struct(updatedSchema).Put(_fieldName, value));
    }

    public void Dispose()
    {
    }

    [ConnectPlugin("org.apache.kafka.connect.transforms.HoistField$Key")]
    public sealed class Key : HoistField
    {
        protected override bool IsKey => true;
    }

    [ConnectPlugin("org.apache.kafka.connect.transforms.HoistField$Value")]
    public sealed class Value : HoistField
    {
        protected override bool IsKey => false;
    }
}
