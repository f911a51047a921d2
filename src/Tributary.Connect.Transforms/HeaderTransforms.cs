using System.Collections;
using Tributary.Connect.Config;
using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using Tributary.Connect.Headers;
using Tributary.Connect.Plugins;
using Tributary.Connect.Transforms.FieldPaths;
using Tributary.Connect.Transforms.Util;
using Tributary.Connect.Util;
using static Tributary.Connect.Transforms.Util.Requirements;

namespace Tributary.Connect.Transforms;

/// <summary>
/// Kafka's <c>InsertHeader</c> (KIP-145): adds the header <c>header</c> to every record, its value the literal
/// <c>value.literal</c> parsed as SimpleHeaderConverter parses header text (so <c>42</c> is an INT8, <c>true</c> a
/// BOOLEAN).
/// </summary>
[ConnectPlugin("org.apache.kafka.connect.transforms.InsertHeader")]
public sealed class InsertHeader : ITransformation
{
    public const string HeaderConfig = "header";
    public const string ValueLiteralConfig = "value.literal";
    private string _header = "";
    private SchemaAndValue _literal;

    public ConfigDef Config => ConfigDef();

    public static ConfigDef ConfigDef() => new ConfigDef()
        .DefineRequired(HeaderConfig, ConfigType.String, Importance.High, "The name of the header.", Validators.NonNull)
        .DefineRequired(ValueLiteralConfig, ConfigType.String, Importance.High, "The literal value that is to be set as the header value on all records.", Validators.NonNull);

    public void Configure(IReadOnlyDictionary<string, string> configs)
    {
        var config = new AbstractConfig(ConfigDef(), configs);
        _header = config.GetString(HeaderConfig)!;
        _literal = Values.ParseString(config.GetString(ValueLiteralConfig));
    }

    public ConnectRecord? Apply(ConnectRecord record)
    {
        var headers = record.Headers.Duplicate();
        headers.Add(_header, _literal);
        return record.NewRecord(record.Topic, record.KafkaPartition, record.KeySchema, record.Key, record.ValueSchema, record.Value, record.Timestamp, headers);
    }

    public void Dispose()
    {
    }
}

/// <summary>Kafka's <c>DropHeaders</c> (KIP-145): removes every header whose key is listed in <c>headers</c>.</summary>
[ConnectPlugin("org.apache.kafka.connect.transforms.DropHeaders")]
public sealed class DropHeaders : ITransformation
{
    public const string HeadersConfig = "headers";
    private HashSet<string> _headers = [];

    public ConfigDef Config => ConfigDef();

    public static ConfigDef ConfigDef() => new ConfigDef()
        .DefineRequired(HeadersConfig, ConfigType.List, Importance.High, "The name of the headers to be removed.", CommonConfig.NonEmptyList);

    public void Configure(IReadOnlyDictionary<string, string> configs) =>
        _headers = new HashSet<string>(new AbstractConfig(ConfigDef(), configs).GetList(HeadersConfig), StringComparer.Ordinal);

    public ConnectRecord? Apply(ConnectRecord record)
    {
        var kept = new ConnectHeaders();
        foreach (var header in record.Headers)
        {
            if (!_headers.Contains(header.Key))
            {
                kept.Add(header);
            }
        }
        return record.NewRecord(record.Topic, record.KafkaPartition, record.KeySchema, record.Key, record.ValueSchema, record.Value, record.Timestamp, kept);
    }

    public void Dispose()
    {
    }
}

/// <summary>
/// Kafka's <c>HeaderFrom</c> (KIP-145): copies (or moves, removing them from the struct or map) the fields listed in
/// <c>fields</c> into the headers named in <c>headers</c>, pairwise; header values keep the field's schema.
/// </summary>
public abstract class HeaderFrom : ITransformation
{
    public const string FieldsConfig = "fields";
    public const string HeadersConfig = "headers";
    public const string OperationConfig = "operation";
    private readonly LruCache<Schema, Schema> _moveSchemaCache = new(16);
    private List<SingleFieldPath> _fields = [];
    private List<string> _headers = [];
    private bool _move;
    private bool _replaceNullWithDefault;

    protected abstract bool IsKey { get; }

    public ConfigDef Config => ConfigDef();

    public static ConfigDef ConfigDef() => new ConfigDef()
        .DefineRequired(FieldsConfig, ConfigType.List, Importance.High, "Field names in the record whose values are to be copied or moved to headers.", CommonConfig.NonEmptyList)
        .DefineRequired(HeadersConfig, ConfigType.List, Importance.High, "Header names, in the same order as the field names listed in the fields configuration property.", CommonConfig.NonEmptyList)
        .DefineRequired(OperationConfig, ConfigType.String, Importance.High, "Either <code>move</code> if the fields are to be moved to the headers (removed from the key/value), or <code>copy</code> if the fields are to be copied to the headers (retained in the key/value).",
            Validators.In("move", "copy"))
        .DefineReplaceNullWithDefault()
        .DefineFieldSyntaxVersion();

    public void Configure(IReadOnlyDictionary<string, string> configs)
    {
        var config = new AbstractConfig(ConfigDef(), configs);
        var v2 = config.IsV2();
        _fields = [.. config.GetList(FieldsConfig).Select(f => SingleFieldPath.Parse(f, v2))];
        _headers = [.. config.GetList(HeadersConfig)];
        if (_fields.Count != _headers.Count)
        {
            throw new ConfigException($"'{FieldsConfig}' config must have the same number of elements as '{HeadersConfig}' config.");
        }
        _move = config.GetString(OperationConfig) == "move";
        _replaceNullWithDefault = config.GetBoolean(CommonConfig.ReplaceNullWithDefault);
    }

    public ConnectRecord? Apply(ConnectRecord record)
    {
        var value = RecordSide.OperatingValue(record, IsKey);
        var schema = RecordSide.OperatingSchema(record, IsKey);
        var purpose = "header " + (_move ? "move" : "copy");
        var headers = record.Headers.Duplicate();
        if (schema is null)
        {
            var map = RequireMap(value, purpose);
            for (var i = 0; i < _fields.Count; i++)
            {
                headers.Add(_headers[i], null, _fields[i].ValueFrom(map));
            }
            object updatedMap = map;
            if (_move)
            {
                var remaining = new Dictionary<object, object?>();
                foreach (DictionaryEntry entry in map)
                {
                    if (!_fields.Any(f => !f.IsNested && Equals(f.Steps[0], entry.Key)))
                    {
                        remaining[entry.Key] = entry.Value;
                    }
                }
                updatedMap = remaining;
            }
            return New(record, null, updatedMap, headers);
        }
        var structValue = RequireStruct(value, purpose);
        for (var i = 0; i < _fields.Count; i++)
        {
            var field = _fields[i].FieldFrom(structValue.Schema) ?? throw new DataException(_fields[i].Path + " is not a valid field name");
            headers.Add(_headers[i], field.Schema, _fields[i].ValueFrom(structValue, _replaceNullWithDefault));
        }
        if (!_move)
        {
            return New(record, schema, structValue, headers);
        }
        if (!_moveSchemaCache.TryGet(structValue.Schema, out var movedSchema))
        {
            var builder = SchemaUtil.CopySchemaBasics(structValue.Schema, SchemaBuilder.Struct());
            foreach (var field in structValue.Schema.Fields)
            {
                if (!_fields.Any(f => !f.IsNested && f.Steps[0] == field.Name))
                {
                    builder.Field(field.Name, field.Schema);
                }
            }
            movedSchema = builder.Build();
            _moveSchemaCache.Put(structValue.Schema, movedSchema);
        }
        var moved = new Struct(movedSchema);
        foreach (var field in movedSchema.Fields)
        {
            moved.Put(field, RecordSide.FieldValue(structValue, structValue.Schema.Field(field.Name)!, _replaceNullWithDefault));
        }
        return New(record, movedSchema, moved, headers);
    }

    private ConnectRecord New(ConnectRecord record, Schema? schema, object? value, ConnectHeaders headers) => IsKey
        ? record.NewRecord(record.Topic, record.KafkaPartition, schema, value, record.ValueSchema, record.Value, record.Timestamp, headers)
        : record.NewRecord(record.Topic, record.KafkaPartition, record.KeySchema, record.Key, schema, value, record.Timestamp, headers);

    public void Dispose()
    {
    }

    [ConnectPlugin("org.apache.kafka.connect.transforms.HeaderFrom$Key")]
    public sealed class Key : HeaderFrom
    {
        protected override bool IsKey => true;
    }

    [ConnectPlugin("org.apache.kafka.connect.transforms.HeaderFrom$Value")]
    public sealed class Value : HeaderFrom
    {
        protected override bool IsKey => false;
    }
}
