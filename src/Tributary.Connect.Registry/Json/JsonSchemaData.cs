using System.Globalization;
using System.Text.Json.Nodes;
using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using ConnectDecimal = Tributary.Connect.Data.Decimal;

namespace Tributary.Connect.Registry.Json;

/// <summary>How a value is written in JSON.</summary>
internal enum JsonKind
{
    Boolean,
    Integer,
    Number,
    Decimal,
    String,
    Bytes,
    Object,
    Array,
    Map,
    MapEntries,
}

/// <summary>The compiled mapping of one Connect schema node to its JSON Schema (immutable; cached by the converter).</summary>
internal sealed class JsonPlan
{
    public required JsonKind Kind { get; init; }

    public required Schema Connect { get; init; }

    public JsonPlan[] Fields { get; init; } = [];

    public JsonPlan? Items { get; init; }

    public JsonPlan? Keys { get; init; }
}

/// <summary>
/// Connect schemas ↔ JSON Schemas as Confluent's JsonSchemaData maps them: integers and numbers carry
/// <c>connect.type</c> (int8, int16, int32, int64, float32, float64), bytes are base64 strings with
/// <c>connect.type: bytes</c>, structs are objects titled with the schema name whose properties carry
/// <c>connect.index</c>, optional values are <c>oneOf [{"type":"null"}, T]</c>, maps with string keys are objects with
/// <c>additionalProperties</c> and <c>connect.type: map</c> (others arrays of {key, value}), logical types keep their
/// Connect name as <c>title</c> with <c>connect.version</c> and <c>connect.parameters</c>. Thread-safe (stateless).
/// </summary>
internal static class JsonSchemaData
{
    public static (string Json, JsonPlan Plan) FromConnect(Schema schema)
    {
        var node = ToJsonSchema(schema, out var plan);
        return (node.ToJsonString(), plan);
    }

    private static JsonObject ToJsonSchema(Schema schema, out JsonPlan plan)
    {
        JsonObject json;
        JsonKind kind;
        JsonPlan[] fields = [];
        JsonPlan? items = null;
        JsonPlan? keys = null;
        switch (schema.Type)
        {
            case SchemaType.Int8 or SchemaType.Int16 or SchemaType.Int32 or SchemaType.Int64:
                kind = JsonKind.Integer;
                json = new JsonObject { ["type"] = "integer", ["connect.type"] = schema.Type.ToString().ToLowerInvariant() };
                break;
            case SchemaType.Float32 or SchemaType.Float64:
                kind = JsonKind.Number;
                json = new JsonObject { ["type"] = "number", ["connect.type"] = schema.Type.ToString().ToLowerInvariant() };
                break;
            case SchemaType.Bytes when schema.Name == ConnectDecimal.LogicalName:
                kind = JsonKind.Decimal;
                json = new JsonObject { ["type"] = "number" };
                break;
            case SchemaType.Bytes:
                kind = JsonKind.Bytes;
                json = new JsonObject { ["type"] = "string", ["connect.type"] = "bytes" };
                break;
            case SchemaType.Boolean:
                kind = JsonKind.Boolean;
                json = new JsonObject { ["type"] = "boolean" };
                break;
            case SchemaType.String:
                kind = JsonKind.String;
                json = new JsonObject { ["type"] = "string" };
                break;
            case SchemaType.Array:
                kind = JsonKind.Array;
                json = new JsonObject { ["type"] = "array", ["items"] = ToJsonSchema(schema.ValueSchema, out var itemPlan) };
                items = itemPlan;
                break;
            case SchemaType.Map when schema.KeySchema.Type == SchemaType.String && !schema.KeySchema.IsOptional:
                kind = JsonKind.Map;
                json = new JsonObject { ["type"] = "object", ["additionalProperties"] = ToJsonSchema(schema.ValueSchema, out var valuePlan), ["connect.type"] = "map" };
                items = valuePlan;
                break;
            case SchemaType.Map:
                kind = JsonKind.MapEntries;
                var keyNode = ToJsonSchema(schema.KeySchema, out var keyPlan);
                var entryNode = ToJsonSchema(schema.ValueSchema, out var entryPlan);
                keys = keyPlan;
                items = entryPlan;
                json = new JsonObject
                {
                    ["type"] = "array",
                    ["items"] = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["key"] = keyNode, ["value"] = entryNode } },
                    ["connect.type"] = "map",
                };
                break;
            case SchemaType.Struct:
                kind = JsonKind.Object;
                var properties = new JsonObject();
                fields = new JsonPlan[schema.Fields.Count];
                for (var i = 0; i < schema.Fields.Count; i++)
                {
                    var property = ToJsonSchema(schema.Fields[i].Schema, out fields[i]);
                    property["connect.index"] = i;
                    properties[schema.Fields[i].Name] = property;
                }
                json = new JsonObject { ["type"] = "object", ["properties"] = properties };
                break;
            default:
                throw new DataException($"Connect type {schema.Type} has no JSON Schema mapping");
        }
        if (schema.Name is { } name)
        {
            json["title"] = name;
        }
        if (schema.Version is { } version)
        {
            json["connect.version"] = version;
        }
        if (schema.Doc is { } doc)
        {
            json["description"] = doc;
        }
        if (schema.Parameters is { Count: > 0 } parameters)
        {
            var map = new JsonObject();
            foreach (var (key, value) in parameters)
            {
                map[key] = value;
            }
            json["connect.parameters"] = map;
        }
        plan = new JsonPlan { Kind = kind, Connect = schema, Fields = fields, Items = items, Keys = keys };
        if (schema.IsOptional)
        {
            return new JsonObject { ["oneOf"] = new JsonArray(new JsonObject { ["type"] = "null" }, json) };
        }
        return json;
    }

    /// <summary>The Connect schema and plan of a (writer's) JSON Schema document.</summary>
    public static JsonPlan ToConnect(JsonNode schema) => ToConnect(schema, optional: false);

    private static JsonPlan ToConnect(JsonNode node, bool optional)
    {
        if (node is not JsonObject json)
        {
            throw new DataException("JSON Schema node is not an object: " + node.ToJsonString());
        }
        if (json["oneOf"] is JsonArray oneOf && oneOf.Count == 2)
        {
            var nullIndex = oneOf[0]?["type"]?.GetValue<string>() == "null" ? 0 : oneOf[1]?["type"]?.GetValue<string>() == "null" ? 1 : -1;
            if (nullIndex >= 0)
            {
                return ToConnect(oneOf[1 - nullIndex]!, optional: true);
            }
        }
        var type = json["type"]?.GetValue<string>() ?? throw new DataException("JSON Schema without a single 'type' is not supported by this converter: " + json.ToJsonString());
        var connectType = json["connect.type"]?.GetValue<string>();
        var title = json["title"]?.GetValue<string>();
        SchemaBuilder builder;
        JsonKind kind;
        JsonPlan[] fields = [];
        JsonPlan? items = null;
        JsonPlan? keys = null;
        switch (type)
        {
            case "integer":
                kind = JsonKind.Integer;
                builder = connectType switch
                {
                    "int8" => SchemaBuilder.Int8(),
                    "int16" => SchemaBuilder.Int16(),
                    "int32" => SchemaBuilder.Int32(),
                    _ => SchemaBuilder.Int64(),
                };
                break;
            case "number" when title == ConnectDecimal.LogicalName:
                kind = JsonKind.Decimal;
                builder = SchemaBuilder.Bytes();
                break;
            case "number":
                kind = JsonKind.Number;
                builder = connectType == "float32" ? SchemaBuilder.Float32() : SchemaBuilder.Float64();
                break;
            case "boolean":
                kind = JsonKind.Boolean;
                builder = SchemaBuilder.Bool();
                break;
            case "string":
                kind = connectType == "bytes" ? JsonKind.Bytes : JsonKind.String;
                builder = kind == JsonKind.Bytes ? SchemaBuilder.Bytes() : SchemaBuilder.String();
                break;
            case "array" when connectType == "map" && (json["items"]?["properties"]) is JsonObject entry:
                kind = JsonKind.MapEntries;
                keys = ToConnect(entry["key"]!, false);
                items = ToConnect(entry["value"]!, false);
                builder = SchemaBuilder.Map(keys.Connect, items.Connect);
                break;
            case "array":
                kind = JsonKind.Array;
                items = ToConnect(json["items"] ?? throw new DataException("JSON Schema array without items"), false);
                builder = SchemaBuilder.Array(items.Connect);
                break;
            case "object" when connectType == "map" || json["properties"] is null:
                kind = JsonKind.Map;
                items = json["additionalProperties"] is JsonObject values ? ToConnect(values, false) : throw new DataException("JSON Schema object without properties or additionalProperties");
                builder = SchemaBuilder.Map(Schema.String, items.Connect);
                break;
            case "object":
                kind = JsonKind.Object;
                builder = SchemaBuilder.Struct();
                var properties = ((JsonObject)json["properties"]!).Select((p, order) => (p.Key, Node: p.Value!, Index: p.Value?["connect.index"]?.GetValue<int>() ?? order)).OrderBy(p => p.Index).ToArray();
                fields = new JsonPlan[properties.Length];
                for (var i = 0; i < properties.Length; i++)
                {
                    fields[i] = ToConnect(properties[i].Node, false);
                    builder.Field(properties[i].Key, fields[i].Connect);
                }
                break;
            default:
                throw new DataException($"JSON Schema type {type} has no Connect mapping");
        }
        if (title is not null)
        {
            builder.Name(title);
        }
        if (json["connect.version"] is JsonValue version)
        {
            builder.Version(version.GetValue<int>());
        }
        if (json["description"] is JsonValue doc)
        {
            builder.Doc(doc.GetValue<string>());
        }
        if (json["connect.parameters"] is JsonObject parameters)
        {
            foreach (var (key, value) in parameters)
            {
                builder.Parameter(key, value?.GetValue<string>() ?? "");
            }
        }
        if (optional)
        {
            builder.Optional();
        }
        return new JsonPlan { Kind = kind, Connect = builder.Build(), Fields = fields, Items = items, Keys = keys };
    }

    internal static int Scale(Schema schema) =>
        schema.Parameters?.TryGetValue(ConnectDecimal.ScaleField, out var scale) == true ? int.Parse(scale, CultureInfo.InvariantCulture) : 0;
}
