using System.Collections;
using Tributary.Connect.Config;
using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using Tributary.Connect.Json;
using Tributary.Connect.Plugins;
using Tributary.Connect.Transforms.Util;
using Tributary.Connect.Util;
using static Tributary.Connect.Transforms.Util.Requirements;

namespace Tributary.Connect.Transforms;

/// <summary>
/// Kafka's <c>Flatten</c>: nested structs (or maps, without a schema) become top-level fields named by their path
/// joined with <c>delimiter</c>. Fields under an optional struct become optional; defaults of a parent struct flow
/// down. Arrays (and maps, with a schema) are kept as they are. The flattened schema is cached.
/// </summary>
public abstract class Flatten : ITransformation
{
    public const string DelimiterConfig = "delimiter";
    private const string Purpose = "flattening";
    private readonly LruCache<Schema, Schema> _schemaUpdateCache = new(16);
    private string _delimiter = ".";

    protected abstract bool IsKey { get; }

    public ConfigDef Config => ConfigDef();

    public static ConfigDef ConfigDef() => new ConfigDef()
        .Define(DelimiterConfig, ConfigType.String, ".", Importance.Medium, "Delimiter to insert between field names from the input record when generating field names for the output record");

    public void Configure(IReadOnlyDictionary<string, string> configs) => _delimiter = new AbstractConfig(ConfigDef(), configs).GetString(DelimiterConfig)!;

    public ConnectRecord? Apply(ConnectRecord record)
    {
        var schema = RecordSide.OperatingSchema(record, IsKey);
        var value = RecordSide.OperatingValue(record, IsKey);
        if (schema is null)
        {
            var map = RequireMapOrNull(value, Purpose);
            if (map is null)
            {
                return RecordSide.NewRecord(record, IsKey, null, null);
            }
            var flattened = new Dictionary<string, object?>();
            FlattenMap(map, "", flattened);
            return RecordSide.NewRecord(record, IsKey, null, flattened);
        }
        var structValue = RequireStructOrNull(value, Purpose);
        if (!_schemaUpdateCache.TryGet(schema, out var updatedSchema))
        {
            var builder = SchemaUtil.CopySchemaBasics(schema, SchemaBuilder.Struct());
            BuildSchema(schema, "", builder, schema.IsOptional, schema.DefaultValue as Struct);
            updatedSchema = builder.Build();
            _schemaUpdateCache.Put(schema, updatedSchema);
        }
        if (structValue is null)
        {
            return RecordSide.NewRecord(record, IsKey, updatedSchema, null);
        }
        var updated = new Struct(updatedSchema);
        FlattenStruct(structValue, "", updated);
        return RecordSide.NewRecord(record, IsKey, updatedSchema, updated);
    }

    private string FieldName(string prefix, string name) => prefix.Length == 0 ? name : prefix + _delimiter + name;

    private void FlattenMap(IDictionary map, string prefix, Dictionary<string, object?> flattened)
    {
        foreach (DictionaryEntry entry in map)
        {
            var name = FieldName(prefix, (string)entry.Key);
            var value = entry.Value;
            if (value is null)
            {
                flattened[name] = null;
                continue;
            }
            SchemaType type;
            try
            {
                type = ConnectJsonWriter.InferType(value);
            }
            catch (DataException)
            {
                throw new DataException("Flatten transformation does not support " + JavaClassName.Of(value) + " for record without schemas (for field " + name + ").");
            }
            switch (type)
            {
                case SchemaType.Map:
                    FlattenMap((IDictionary)value, name, flattened);
                    break;
                case SchemaType.Struct:
                    throw new DataException("Flatten transformation does not support " + JavaClassName.Of(value) + " for record without schemas (for field " + name + ").");
                default:
                    flattened[name] = value;
                    break;
            }
        }
    }

    private void BuildSchema(Schema schema, string prefix, SchemaBuilder builder, bool optional, Struct? defaultFromParent)
    {
        foreach (var field in schema.Fields)
        {
            var name = FieldName(prefix, field.Name);
            var fieldOptional = optional || field.Schema.IsOptional;
            var fieldDefault = field.Schema.DefaultValue ?? defaultFromParent?.Get(field);
            if (field.Schema.Type == SchemaType.Struct)
            {
                BuildSchema(field.Schema, name, builder, fieldOptional, fieldDefault as Struct);
                continue;
            }
            var fieldBuilder = SchemaUtil.CopySchemaBasics(field.Schema);
            if (fieldOptional)
            {
                fieldBuilder.Optional();
            }
            if (fieldDefault is not null)
            {
                fieldBuilder.DefaultValue(fieldDefault);
            }
            builder.Field(name, fieldBuilder.Build());
        }
    }

    private void FlattenStruct(Struct value, string prefix, Struct updated)
    {
        foreach (var field in value.Schema.Fields)
        {
            var name = FieldName(prefix, field.Name);
            if (field.Schema.Type == SchemaType.Struct)
            {
                if (value.GetWithoutDefault(field.Name) is Struct nested)
                {
                    FlattenStruct(nested, name, updated);
                }
                continue;
            }
            updated.Put(name, value.GetWithoutDefault(field.Name));
        }
    }

    public void Dispose()
    {
    }

    [ConnectPlugin("org.apache.kafka.connect.transforms.Flatten$Key")]
    public sealed class Key : Flatten
    {
        protected override bool IsKey => true;
    }

    [ConnectPlugin("org.apache.kafka.connect.transforms.Flatten$Value")]
    public sealed class Value : Flatten
    {
        protected override bool IsKey => false;
    }
}
