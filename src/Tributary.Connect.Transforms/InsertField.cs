using System.Collections;
using Tributary.Connect.Config;
using Tributary.Connect.Data;
using Tributary.Connect.Plugins;
using Tributary.Connect.Transforms.Util;
using Tributary.Connect.Util;
using static Tributary.Connect.Transforms.Util.Requirements;

namespace Tributary.Connect.Transforms;

/// <summary>
/// Kafka's <c>InsertField</c>: adds fields from the record's topic, partition, offset (sink records only) and timestamp,
/// and a static string, to a struct (schema extended, cached) or a map. A field name suffixed <c>!</c> is required,
/// <c>?</c> (the default) optional. Null values pass through.
/// </summary>
public abstract class InsertField : ITransformation
{
    public const string TopicField = "topic.field";
    public const string PartitionField = "partition.field";
    public const string OffsetField = "offset.field";
    public const string TimestampField = "timestamp.field";
    public const string StaticField = "static.field";
    public const string StaticValue = "static.value";
    private const string Purpose = "field insertion";

    private readonly LruCache<Schema, Schema> _schemaUpdateCache = new(16);
    private InsertionSpec? _topic;
    private InsertionSpec? _partition;
    private InsertionSpec? _offset;
    private InsertionSpec? _timestamp;
    private InsertionSpec? _static;
    private string? _staticValue;
    private bool _replaceNullWithDefault;

    protected abstract bool IsKey { get; }

    public ConfigDef Config => ConfigDef();

    public static ConfigDef ConfigDef() => new ConfigDef()
        .Define(TopicField, ConfigType.String, null, Importance.Medium, "Field name for Kafka topic. Suffix with <code>!</code> to make this a required field, or <code>?</code> to keep it optional (the default).")
        .Define(PartitionField, ConfigType.String, null, Importance.Medium, "Field name for Kafka partition. Suffix with <code>!</code> to make this a required field, or <code>?</code> to keep it optional (the default).")
        .Define(OffsetField, ConfigType.String, null, Importance.Medium, "Field name for Kafka offset - only applicable to sink connectors.<br/>Suffix with <code>!</code> to make this a required field, or <code>?</code> to keep it optional (the default).")
        .Define(TimestampField, ConfigType.String, null, Importance.Medium, "Field name for record timestamp. Suffix with <code>!</code> to make this a required field, or <code>?</code> to keep it optional (the default).")
        .Define(StaticField, ConfigType.String, null, Importance.Medium, "Field name for static data field. Suffix with <code>!</code> to make this a required field, or <code>?</code> to keep it optional (the default).")
        .Define(StaticValue, ConfigType.String, null, Importance.Medium, "Static field value, if field name configured.")
        .DefineReplaceNullWithDefault();

    public void Configure(IReadOnlyDictionary<string, string> configs)
    {
        var config = new AbstractConfig(ConfigDef(), configs);
        _topic = InsertionSpec.Parse(config.GetString(TopicField));
        _partition = InsertionSpec.Parse(config.GetString(PartitionField));
        _offset = InsertionSpec.Parse(config.GetString(OffsetField));
        _timestamp = InsertionSpec.Parse(config.GetString(TimestampField));
        _static = InsertionSpec.Parse(config.GetString(StaticField));
        _staticValue = config.GetString(StaticValue);
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
        return schema is null ? ApplySchemaless(record, value) : ApplyWithSchema(record, schema, value);
    }

    private ConnectRecord ApplySchemaless(ConnectRecord record, object operatingValue)
    {
        var value = RequireMap(operatingValue, Purpose);
        var updated = new Dictionary<object, object?>(value.Count + 5);
        foreach (DictionaryEntry entry in value)
        {
            updated[entry.Key] = entry.Value;
        }
        if (_topic is { } topic)
        {
            updated[topic.Name] = record.Topic;
        }
        if (_partition is { } partition)
        {
            updated[partition.Name] = record.KafkaPartition;
        }
        if (_offset is { } offset)
        {
            updated[offset.Name] = RequireSinkRecord(record, Purpose).KafkaOffset;
        }
        if (_timestamp is { } timestamp)
        {
            updated[timestamp.Name] = record.Timestamp;
        }
        if (_static is { } staticField)
        {
            updated[staticField.Name] = _staticValue;
        }
        return RecordSide.NewRecord(record, IsKey, null, updated);
    }

    private ConnectRecord ApplyWithSchema(ConnectRecord record, Schema schema, object operatingValue)
    {
        var value = RequireStruct(operatingValue, Purpose);
        if (!_schemaUpdateCache.TryGet(value.Schema, out var updatedSchema))
        {
            updatedSchema = MakeUpdatedSchema(value.Schema);
            _schemaUpdateCache.Put(value.Schema, updatedSchema);
        }
        var updated = new Struct(updatedSchema);
        foreach (var field in value.Schema.Fields)
        {
            updated.Put(field.Name, RecordSide.FieldValue(value, field, _replaceNullWithDefault));
        }
        if (_topic is { } topic)
        {
            updated.Put(topic.Name, record.Topic);
        }
        if (_partition is { } partition)
        {
            updated.Put(partition.Name, record.KafkaPartition);
        }
        if (_offset is { } offset)
        {
            updated.Put(offset.Name, RequireSinkRecord(record, Purpose).KafkaOffset);
        }
        if (_timestamp is { } timestamp)
        {
            updated.Put(timestamp.Name, record.Timestamp is { } millis ? Epoch.FromMillis(millis) : null);
        }
        if (_static is { } staticField)
        {
            updated.Put(staticField.Name, _staticValue);
        }
        return RecordSide.NewRecord(record, IsKey, updatedSchema, updated);
    }

    private Schema MakeUpdatedSchema(Schema schema)
    {
        var builder = SchemaUtil.CopySchemaBasics(schema, SchemaBuilder.Struct());
        foreach (var field in schema.Fields)
        {
            builder.Field(field.Name, field.Schema);
        }
        if (_topic is { } topic)
        {
            builder.Field(topic.Name, topic.Optional ? Schema.OptionalString : Schema.String);
        }
        if (_partition is { } partition)
        {
            builder.Field(partition.Name, partition.Optional ? Schema.OptionalInt32 : Schema.Int32);
        }
        if (_offset is { } offset)
        {
            builder.Field(offset.Name, offset.Optional ? Schema.OptionalInt64 : Schema.Int64);
        }
        if (_timestamp is { } timestamp)
        {
            builder.Field(timestamp.Name, timestamp.Optional ? Data.Timestamp.Builder().Optional().Build() : Data.Timestamp.Schema);
        }
        if (_static is { } staticField)
        {
            builder.Field(staticField.Name, staticField.Optional ? Schema.OptionalString : Schema.String);
        }
        return builder.Build();
    }

    public void Dispose()
    {
    }

    private readonly record struct InsertionSpec(string Name, bool Optional)
    {
        public static InsertionSpec? Parse(string? spec)
        {
            if (spec is null)
            {
                return null;
            }
            if (spec.EndsWith('?'))
            {
                return new InsertionSpec(spec[..^1], true);
            }
            if (spec.EndsWith('!'))
            {
                return new InsertionSpec(spec[..^1], false);
            }
            return new InsertionSpec(spec, true);
        }
    }

    [ConnectPlugin("org.apache.kafka.connect.transforms.InsertField$Key")]
    public sealed class Key : InsertField
    {
        protected override bool IsKey => true;
    }

    [ConnectPlugin("org.apache.kafka.connect.transforms.InsertField$Value")]
    public sealed class Value : InsertField
    {
        protected override bool IsKey => false;
    }
}
