using System.Collections;
using System.Runtime.CompilerServices;
using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using Tributary.Connect.Util;
using ConnectDate = Tributary.Connect.Data.Date;
using ConnectDecimal = Tributary.Connect.Data.Decimal;
using ConnectTime = Tributary.Connect.Data.Time;
using ConnectTimestamp = Tributary.Connect.Data.Timestamp;

namespace Tributary.Connect.Json;

/// <summary>
/// Connect data → JSON, Kafka's <c>JsonConverter.convertToJson</c> and <c>asJsonSchema</c>: values by schema (or by
/// their .NET type when there is none), logical types, maps with string keys as objects and others as arrays of
/// <c>[key,value]</c> pairs, and Connect's schema JSON (members in Kafka's order: type, items | keys, values |
/// fields, optional, name, version, doc, parameters, default; a struct field is its schema plus <c>field</c>).
/// Schema JSON is cached per schema in a bounded LRU cache. Thread-safe if the caller's writer is its own.
/// </summary>
public sealed class ConnectJsonWriter(DecimalFormat decimalFormat, bool replaceNullWithDefault, int schemaCacheSize = 1000)
{
    private static readonly ConditionalWeakTable<Schema, byte[][]> FieldNames = new();
    private readonly LruCache<Schema, byte[]> _schemaCache = new(schemaCacheSize);

    public DecimalFormat DecimalFormat { get; } = decimalFormat;

    public bool ReplaceNullWithDefault { get; } = replaceNullWithDefault;

    /// <summary>Schemas whose JSON is cached (for tests).</summary>
    public int CachedSchemas => _schemaCache.Count;

    /// <summary>Writes the schema's JSON, or <c>null</c> for no schema.</summary>
    public void WriteSchema(JacksonJsonWriter writer, Schema? schema)
    {
        if (schema is null)
        {
            writer.WriteNull();
            return;
        }
        writer.WriteRawValue(SchemaJson(schema));
    }

    /// <summary>The compact JSON of a schema (cached).</summary>
    public byte[] SchemaJson(Schema schema)
    {
        if (_schemaCache.TryGet(schema, out var cached))
        {
            return cached;
        }
        using var writer = new JacksonJsonWriter();
        BuildSchema(writer, schema);
        var json = writer.ToArray();
        _schemaCache.Put(schema, json);
        return json;
    }

    private void BuildSchema(JacksonJsonWriter writer, Schema schema)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("type");
        writer.WriteString(JsonTypeName(schema.Type));
        switch (schema.Type)
        {
            case SchemaType.Array:
                writer.WritePropertyName("items");
                WriteSchema(writer, schema.ValueSchema);
                break;
            case SchemaType.Map:
                writer.WritePropertyName("keys");
                WriteSchema(writer, schema.KeySchema);
                writer.WritePropertyName("values");
                WriteSchema(writer, schema.ValueSchema);
                break;
            case SchemaType.Struct:
                writer.WritePropertyName("fields");
                writer.WriteStartArray();
                foreach (var field in schema.Fields)
                {
                    // The field's own schema object, reopened to append "field" as its last member.
                    writer.WriteRawValue(SchemaJson(field.Schema));
                    writer.Truncate(1);
                    writer.WritePropertyName("field");
                    writer.WriteString(field.Name);
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
                break;
        }
        writer.WritePropertyName("optional");
        writer.WriteBoolean(schema.IsOptional);
        if (schema.Name is { } name)
        {
            writer.WritePropertyName("name");
            writer.WriteString(name);
        }
        if (schema.Version is { } version)
        {
            writer.WritePropertyName("version");
            writer.WriteNumber(version);
        }
        if (schema.Doc is { } doc)
        {
            writer.WritePropertyName("doc");
            writer.WriteString(doc);
        }
        if (schema.Parameters is { } parameters)
        {
            writer.WritePropertyName("parameters");
            writer.WriteStartObject();
            foreach (var (key, value) in parameters)
            {
                writer.WritePropertyName(key);
                writer.WriteString(value);
            }
            writer.WriteEndObject();
        }
        if (schema.DefaultValue is { } defaultValue)
        {
            writer.WritePropertyName("default");
            WriteValue(writer, schema, defaultValue);
        }
        writer.WriteEndObject();
    }

    /// <summary>Connect's JSON type names (FLOAT32 is <c>float</c>, FLOAT64 <c>double</c>).</summary>
    public static string JsonTypeName(SchemaType type) => type switch
    {
        SchemaType.Float32 => "float",
        SchemaType.Float64 => "double",
        _ => type.Name(),
    };

    /// <summary>Writes a value as JSON; DataException when it does not fit its schema.</summary>
    public void WriteValue(JacksonJsonWriter writer, Schema? schema, object? value)
    {
        if (value is null)
        {
            if (schema is null)
            {
                writer.WriteNull();
                return;
            }
            if (schema.DefaultValue is { } fallback && ReplaceNullWithDefault)
            {
                WriteValue(writer, schema, fallback);
                return;
            }
            if (schema.IsOptional)
            {
                writer.WriteNull();
                return;
            }
            throw new DataException("Conversion error: null value for field that is required and has no default value");
        }
        if (schema?.Name is { } logicalName && WriteLogical(writer, schema, logicalName, value))
        {
            return;
        }
        var type = schema?.Type ?? InferType(value);
        switch (type)
        {
            case SchemaType.Int8:
                writer.WriteNumber(value is sbyte int8 ? int8 : throw InvalidType(schema, value));
                return;
            case SchemaType.Int16:
                writer.WriteNumber(value is short int16 ? int16 : throw InvalidType(schema, value));
                return;
            case SchemaType.Int32:
                writer.WriteNumber(value is int int32 ? int32 : throw InvalidType(schema, value));
                return;
            case SchemaType.Int64:
                writer.WriteNumber(value is long int64 ? int64 : throw InvalidType(schema, value));
                return;
            case SchemaType.Float32:
                writer.WriteNumber(value is float float32 ? float32 : throw InvalidType(schema, value));
                return;
            case SchemaType.Float64:
                writer.WriteNumber(value is double float64 ? float64 : throw InvalidType(schema, value));
                return;
            case SchemaType.Boolean:
                writer.WriteBoolean(value is bool boolean ? boolean : throw InvalidType(schema, value));
                return;
            case SchemaType.String:
                writer.WriteString(value as string ?? throw InvalidType(schema, value));
                return;
            case SchemaType.Bytes:
                if (!ValueEquality.TryBytes(value, out var bytes))
                {
                    throw new DataException("Invalid type for bytes type: " + value.GetType());
                }
                writer.WriteBase64(bytes);
                return;
            case SchemaType.Array:
                WriteArray(writer, schema, value);
                return;
            case SchemaType.Map:
                WriteMap(writer, schema, value);
                return;
            case SchemaType.Struct:
                WriteStruct(writer, schema, value);
                return;
        }
        throw new DataException($"Couldn't convert {value} to JSON.");
    }

    private void WriteArray(JacksonJsonWriter writer, Schema? schema, object value)
    {
        if (value is not IList list)
        {
            throw InvalidType(schema, value);
        }
        var elementSchema = schema?.ValueSchema;
        writer.WriteStartArray();
        for (var i = 0; i < list.Count; i++)
        {
            WriteValue(writer, elementSchema, list[i]);
        }
        writer.WriteEndArray();
    }

    private void WriteMap(JacksonJsonWriter writer, Schema? schema, object value)
    {
        var keySchema = schema?.KeySchema;
        var valueSchema = schema?.ValueSchema;
        if (keySchema is null || keySchema.Type == SchemaType.String)
        {
            // String-keyed maps without boxing enumerators: the forms sources and the JSON reader produce.
            switch (value)
            {
                case Dictionary<string, object?> dictionary:
                    writer.WriteStartObject();
                    foreach (var (key, entryValue) in dictionary)
                    {
                        writer.WritePropertyName(key);
                        WriteValue(writer, valueSchema, entryValue);
                    }
                    writer.WriteEndObject();
                    return;
                case IEnumerable<KeyValuePair<string, object?>> pairs and not IDictionary:
                    writer.WriteStartObject();
                    foreach (var (key, entryValue) in pairs)
                    {
                        writer.WritePropertyName(key);
                        WriteValue(writer, valueSchema, entryValue);
                    }
                    writer.WriteEndObject();
                    return;
            }
        }
        if (value is not IDictionary map)
        {
            throw InvalidType(schema, value);
        }
        bool objectMode;
        if (schema is null)
        {
            objectMode = true;
            var keys = map.GetEnumerator();
            while (keys.MoveNext())
            {
                if (keys.Key is not string)
                {
                    objectMode = false;
                    break;
                }
            }
        }
        else
        {
            objectMode = keySchema!.Type == SchemaType.String;
        }
        var entries = map.GetEnumerator();
        if (objectMode)
        {
            writer.WriteStartObject();
            while (entries.MoveNext())
            {
                writer.WritePropertyName(KeyText(keySchema, entries.Key));
                WriteValue(writer, valueSchema, entries.Value);
            }
            writer.WriteEndObject();
            return;
        }
        writer.WriteStartArray();
        while (entries.MoveNext())
        {
            writer.WriteStartArray();
            WriteValue(writer, keySchema, entries.Key);
            WriteValue(writer, valueSchema, entries.Value);
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
    }

    /// <summary>Jackson's <c>asText</c> of a converted string key.</summary>
    private string KeyText(Schema? keySchema, object? key)
    {
        if (key is string text)
        {
            return text;
        }
        if (key is null && (keySchema?.DefaultValue is string fallback) && ReplaceNullWithDefault)
        {
            return fallback;
        }
        if (key is null && (keySchema is null || keySchema.IsOptional))
        {
            return "null";
        }
        if (key is null)
        {
            throw new DataException("Conversion error: null value for field that is required and has no default value");
        }
        throw InvalidType(keySchema, key);
    }

    private void WriteStruct(JacksonJsonWriter writer, Schema? schema, object value)
    {
        if (value is not Struct structValue)
        {
            throw InvalidType(schema, value);
        }
        if (schema is null || !structValue.Schema.Equals(schema))
        {
            throw new DataException("Mismatching schema.");
        }
        var names = FieldNames.GetValue(schema, static s => [.. s.Fields.Select(f => JacksonJsonWriter.EscapeToUtf8(f.Name))]);
        writer.WriteStartObject();
        var fields = schema.Fields;
        for (var i = 0; i < fields.Count; i++)
        {
            var field = fields[i];
            writer.WritePropertyNameEscaped(names[i]);
            WriteValue(writer, field.Schema, structValue.GetWithoutDefault(field.Name));
        }
        writer.WriteEndObject();
    }

    private bool WriteLogical(JacksonJsonWriter writer, Schema schema, string logicalName, object value)
    {
        switch (logicalName)
        {
            case ConnectDecimal.LogicalName:
                BigDecimal number = value switch
                {
                    BigDecimal big => big,
                    decimal small => small,
                    _ => throw new DataException("Invalid type for Decimal, expected BigDecimal but was " + value.GetType()),
                };
                if (DecimalFormat == DecimalFormat.Numeric)
                {
                    writer.WriteNumber(number);
                }
                else if (value is BigDecimal exact && exact.Scale == ConnectDecimal.ScaleOf(schema) && exact.Unscaled.GetByteCount() <= 64)
                {
                    Span<byte> unscaled = stackalloc byte[64];
                    exact.Unscaled.TryWriteBytes(unscaled, out var length, isUnsigned: false, isBigEndian: true);
                    writer.WriteBase64(unscaled[..length]);
                }
                else
                {
                    writer.WriteBase64(ConnectDecimal.FromLogical(schema, value));
                }
                return true;
            case ConnectDate.LogicalName:
                writer.WriteNumber(ConnectDate.FromLogical(schema, value as DateTime? ?? throw new DataException("Invalid type for Date, expected Date but was " + value.GetType())));
                return true;
            case ConnectTime.LogicalName:
                writer.WriteNumber(ConnectTime.FromLogical(schema, value as DateTime? ?? throw new DataException("Invalid type for Time, expected Date but was " + value.GetType())));
                return true;
            case ConnectTimestamp.LogicalName:
                writer.WriteNumber(ConnectTimestamp.FromLogical(schema, value as DateTime? ?? throw new DataException("Invalid type for Timestamp, expected Date but was " + value.GetType())));
                return true;
            default:
                return false;
        }
    }

    /// <summary>Kafka's <c>ConnectSchema.schemaType(class)</c> for the .NET value types of the data model.</summary>
    public static SchemaType InferType(object value) => value switch
    {
        sbyte => SchemaType.Int8,
        short => SchemaType.Int16,
        int => SchemaType.Int32,
        long => SchemaType.Int64,
        float => SchemaType.Float32,
        double => SchemaType.Float64,
        bool => SchemaType.Boolean,
        string => SchemaType.String,
        byte[] or ReadOnlyMemory<byte> or Memory<byte> or ArraySegment<byte> => SchemaType.Bytes,
        Struct => SchemaType.Struct,
        IDictionary or IEnumerable<KeyValuePair<string, object?>> => SchemaType.Map,
        IList => SchemaType.Array,
        _ => throw new DataException("Java class " + value.GetType() + " does not have corresponding schema type."),
    };

    private static DataException InvalidType(Schema? schema, object value) =>
        new("Invalid type for " + (schema is null ? "unknown schema" : schema.Type.Name().ToUpperInvariant()) + ": " + value.GetType());
}
