using System.Buffers;
using System.Buffers.Binary;
using System.Collections;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tributary.Connect.Config;
using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using Tributary.Connect.Headers;
using Tributary.Connect.Plugins;
using Tributary.Connect.Registry.Avro;
using Tributary.Connect.Registry.Client;
using Tributary.Connect.Storage;

namespace Tributary.Connect.Registry.Json;

/// <summary>
/// Confluent's <c>io.confluent.connect.json.JsonSchemaConverter</c>: Connect data ↔ magic byte 0, 4-byte big-endian
/// schema id, then the value as UTF-8 JSON. The JSON Schema registered for a Connect schema is
/// <see cref="JsonSchemaData"/>'s; settings as AvroConverter's (registry URL, auto.register.schemas, use.latest.version,
/// subject name strategies; RecordNameStrategy takes the schema's name). Values: integers and floats as JSON numbers,
/// Decimal as a plain number, bytes as base64, Date/Time/Timestamp as their integer encodings.
/// One instance per task and side, not thread-safe (it reuses one output buffer and JSON writer).
/// </summary>
[ConnectPlugin("io.confluent.connect.json.JsonSchemaConverter")]
public sealed class JsonSchemaConverter : IConverter
{
    private readonly ArrayBufferWriter<byte> _output = new(256);
    private readonly Utf8JsonWriter _writer;
    private readonly ConditionalWeakTable<Schema, Target> _writeCache = [];
    private readonly Dictionary<int, JsonPlan> _readCache = [];
    private readonly WriterRegistration _registration = new(nameof(JsonSchemaConverter));

    public JsonSchemaConverter()
    {
        _writer = new Utf8JsonWriter(_output, new JsonWriterOptions { SkipValidation = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    public ConfigDef Config => AvroConverterConfig.ConfigDef();

    public void Configure(IReadOnlyDictionary<string, string> configs, bool isKey)
    {
        _registration.Configure(new AvroConverterConfig(configs), isKey);
    }

    public byte[]? FromConnectData(string topic, ConnectHeaders? headers, Schema? schema, object? value)
    {
        if (value is null && (schema is null || schema.IsOptional))
        {
            return null;
        }
        if (schema is null)
        {
            throw new DataException("JsonSchemaConverter needs a schema for a non-null value");
        }
        var target = WriteTarget(topic, schema);
        _output.ResetWrittenCount();
        var header = _output.GetSpan(5);
        header[0] = AvroConverter.MagicByte;
        BinaryPrimitives.WriteInt32BigEndian(header[1..], target.Id);
        _output.Advance(5);
        _writer.Reset(_output);
        try
        {
            Write(target.Plan, value);
        }
        catch (InvalidCastException e)
        {
            throw new DataException($"Failed to serialize JSON data from topic {topic}: a value does not match its schema ({e.Message})", e);
        }
        _writer.Flush();
        return _output.WrittenSpan.ToArray();
    }

    public SchemaAndValue ToConnectData(string topic, ConnectHeaders? headers, byte[]? value)
    {
        if (value is null)
        {
            return SchemaAndValue.Null;
        }
        if (value.Length < 5 || value[0] != AvroConverter.MagicByte)
        {
            throw new DataException($"Failed to deserialize data for topic {topic} to JSON: Unknown magic byte!");
        }
        var plan = ReadPlan(BinaryPrimitives.ReadInt32BigEndian(value.AsSpan(1)));
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(value.AsSpan(5));
        }
        catch (JsonException e)
        {
            throw new DataException($"Failed to deserialize data for topic {topic} to JSON: {e.Message}", e);
        }
        try
        {
            return new SchemaAndValue(plan.Connect, Read(plan, node));
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException)
        {
            throw new DataException($"Failed to deserialize data for topic {topic}: the JSON does not match schema ({e.Message})", e);
        }
    }

    private void Write(JsonPlan plan, object? value)
    {
        if (value is null)
        {
            if (!plan.Connect.IsOptional)
            {
                throw new DataException("Conversion error: null value for field that is required and has no default value");
            }
            _writer.WriteNullValue();
            return;
        }
        switch (plan.Kind)
        {
            case JsonKind.Boolean:
                _writer.WriteBooleanValue((bool)value);
                break;
            case JsonKind.Integer:
                _writer.WriteNumberValue(value switch
                {
                    sbyte b => b,
                    short s => s,
                    int i => i,
                    long l => l,
                    DateTime time when plan.Connect.Name == Date.LogicalName => Date.FromLogical(plan.Connect, time),
                    DateTime time when plan.Connect.Name == Time.LogicalName => Time.FromLogical(plan.Connect, time),
                    DateTime time => Timestamp.FromLogical(plan.Connect, time),
                    _ => throw new InvalidCastException(value.GetType().Name + " is not an integer"),
                });
                break;
            case JsonKind.Number:
                if (value is float f)
                {
                    _writer.WriteNumberValue(f);
                }
                else
                {
                    _writer.WriteNumberValue((double)value);
                }
                break;
            case JsonKind.Decimal:
                _writer.WriteRawValue(((BigDecimal)value).ToPlainString(), skipInputValidation: true);
                break;
            case JsonKind.String:
                _writer.WriteStringValue((string)value);
                break;
            case JsonKind.Bytes:
                _writer.WriteBase64StringValue((byte[])value);
                break;
            case JsonKind.Object:
                var record = (Struct)value;
                var fields = plan.Connect.Fields;
                _writer.WriteStartObject();
                for (var i = 0; i < plan.Fields.Length; i++)
                {
                    _writer.WritePropertyName(fields[i].Name);
                    Write(plan.Fields[i], record.Get(fields[i]));
                }
                _writer.WriteEndObject();
                break;
            case JsonKind.Array:
                _writer.WriteStartArray();
                foreach (var item in (IList)value)
                {
                    Write(plan.Items!, item);
                }
                _writer.WriteEndArray();
                break;
            case JsonKind.Map:
                _writer.WriteStartObject();
                foreach (DictionaryEntry entry in (IDictionary)value)
                {
                    _writer.WritePropertyName((string)entry.Key);
                    Write(plan.Items!, entry.Value);
                }
                _writer.WriteEndObject();
                break;
            case JsonKind.MapEntries:
                _writer.WriteStartArray();
                foreach (DictionaryEntry entry in (IDictionary)value)
                {
                    _writer.WriteStartObject();
                    _writer.WritePropertyName("key"u8);
                    Write(plan.Keys!, entry.Key);
                    _writer.WritePropertyName("value"u8);
                    Write(plan.Items!, entry.Value);
                    _writer.WriteEndObject();
                }
                _writer.WriteEndArray();
                break;
        }
    }

    private static object? Read(JsonPlan plan, JsonNode? node)
    {
        if (node is null)
        {
            return plan.Connect.IsOptional ? null : throw new DataException("Null for a required value");
        }
        switch (plan.Kind)
        {
            case JsonKind.Boolean:
                return node.GetValue<bool>();
            case JsonKind.Integer:
                var number = node.GetValue<long>();
                return plan.Connect.Type switch
                {
                    SchemaType.Int8 => checked((sbyte)number),
                    SchemaType.Int16 => checked((short)number),
                    SchemaType.Int32 when plan.Connect.Name == Date.LogicalName => Date.ToLogical(plan.Connect, checked((int)number)),
                    SchemaType.Int32 when plan.Connect.Name == Time.LogicalName => Time.ToLogical(plan.Connect, checked((int)number)),
                    SchemaType.Int32 => checked((int)number),
                    _ when plan.Connect.Name == Timestamp.LogicalName => Timestamp.ToLogical(plan.Connect, number),
                    _ => (object)number,
                };
            case JsonKind.Number:
                return plan.Connect.Type == SchemaType.Float32 ? node.GetValue<float>() : node.GetValue<double>();
            case JsonKind.Decimal:
                return BigDecimal.Parse(node.ToJsonString()).SetScale(JsonSchemaData.Scale(plan.Connect));
            case JsonKind.String:
                return node.GetValue<string>();
            case JsonKind.Bytes:
                return Convert.FromBase64String(node.GetValue<string>());
            case JsonKind.Object:
                var record = new Struct(plan.Connect);
                var fields = plan.Connect.Fields;
                for (var i = 0; i < plan.Fields.Length; i++)
                {
                    record.Put(fields[i], Read(plan.Fields[i], node[fields[i].Name]));
                }
                return record;
            case JsonKind.Array:
                return node.AsArray().Select(item => Read(plan.Items!, item)).ToList();
            case JsonKind.Map:
                var map = new Dictionary<object, object?>();
                foreach (var (key, value) in node.AsObject())
                {
                    map[key] = Read(plan.Items!, value);
                }
                return map;
            default:
                var entries = new Dictionary<object, object?>();
                foreach (var entry in node.AsArray())
                {
                    entries[Read(plan.Keys!, entry?["key"]) ?? throw new DataException("Null map key")] = Read(plan.Items!, entry?["value"]);
                }
                return entries;
        }
    }

    private Target WriteTarget(string topic, Schema schema)
    {
        if (_writeCache.TryGetValue(schema, out var cached))
        {
            return cached;
        }
        var (json, plan) = JsonSchemaData.FromConnect(schema);
        var id = _registration.WriterId(topic, schema.Name, "JSON", json);
        var target = new Target(id, plan);
        _writeCache.AddOrUpdate(schema, target);
        return target;
    }

    private JsonPlan ReadPlan(int id)
    {
        if (_readCache.TryGetValue(id, out var plan))
        {
            return plan;
        }
        var registered = _registration.Client.GetById(id);
        if (registered.SchemaType != "JSON")
        {
            throw new DataException($"Schema {id} is {registered.SchemaType}, not JSON");
        }
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(registered.Schema);
        }
        catch (JsonException e)
        {
            throw new DataException($"Schema {id} is not JSON: {e.Message}", e);
        }
        plan = JsonSchemaData.ToConnect(node ?? throw new DataException($"Schema {id} is null"));
        _readCache[id] = plan;
        return plan;
    }

    public void Dispose()
    {
        _writer.Dispose();
        _registration.Dispose();
    }

    private sealed record Target(int Id, JsonPlan Plan);
}
