using System.Runtime.InteropServices;
using System.Text.Json;
using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using Tributary.Connect.Util;

namespace Tributary.Connect.Json;

/// <summary>
/// Connect's schema JSON → <see cref="Schema"/> (Kafka's <c>JsonConverter.asConnectSchema</c>), with Kafka's messages
/// for malformed schemas. Results are cached in a bounded LRU cache keyed by the schema's exact bytes, so the steady
/// state of a topic whose records share a schema parses it once. Thread-safe.
/// </summary>
public sealed class ConnectJsonSchemaReader(ConnectJsonReader values, int cacheSize = 1000)
{
    private readonly LruCache<int, (byte[] Json, Schema Schema)> _cache = new(cacheSize);

    /// <summary>Schemas whose JSON is cached (for tests).</summary>
    public int CachedSchemas => _cache.Count;

    /// <summary>The schema the JSON text describes, or null for JSON <c>null</c>.</summary>
    public Schema? Read(ReadOnlySpan<byte> json)
    {
        var hash = new HashCode();
        hash.AddBytes(json);
        var key = hash.ToHashCode();
        if (_cache.TryGet(key, out var cached) && json.SequenceEqual(cached.Json))
        {
            return cached.Schema;
        }
        using var document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 1000 });
        var schema = Convert(document.RootElement);
        if (schema is not null)
        {
            _cache.Put(key, (json.ToArray(), schema));
        }
        return schema;
    }

    private Schema? Convert(JsonElement json)
    {
        if (json.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (Member(json, "type") is not { ValueKind: JsonValueKind.String } typeNode)
        {
            throw new DataException("Schema must contain 'type' field");
        }
        var typeName = typeNode.GetString();
        SchemaBuilder builder;
        switch (typeName)
        {
            case "boolean": builder = SchemaBuilder.Bool(); break;
            case "int8": builder = SchemaBuilder.Int8(); break;
            case "int16": builder = SchemaBuilder.Int16(); break;
            case "int32": builder = SchemaBuilder.Int32(); break;
            case "int64": builder = SchemaBuilder.Int64(); break;
            case "float": builder = SchemaBuilder.Float32(); break;
            case "double": builder = SchemaBuilder.Float64(); break;
            case "bytes": builder = SchemaBuilder.Bytes(); break;
            case "string": builder = SchemaBuilder.String(); break;
            case "array":
                if (Member(json, "items") is not { } items || items.ValueKind == JsonValueKind.Null)
                {
                    throw new DataException("Array schema did not specify the element type");
                }
                builder = SchemaBuilder.Array(Convert(items)!);
                break;
            case "map":
                var keys = Member(json, "keys") ?? throw new DataException("Map schema did not specify the key type");
                var mapValues = Member(json, "values") ?? throw new DataException("Map schema did not specify the value type");
                builder = SchemaBuilder.Map(Convert(keys)!, Convert(mapValues)!);
                break;
            case "struct":
                builder = SchemaBuilder.Struct();
                if (Member(json, "fields") is not { ValueKind: JsonValueKind.Array } fields)
                {
                    throw new DataException("Struct schema's \"fields\" argument is not an array.");
                }
                foreach (var field in fields.EnumerateArray())
                {
                    if (Member(field, "field") is not { ValueKind: JsonValueKind.String } fieldName)
                    {
                        throw new DataException("Struct schema's field name not specified properly");
                    }
                    builder.Field(fieldName.GetString()!, Convert(field)!);
                }
                break;
            default:
                throw new DataException("Unknown schema type: " + typeName);
        }
        if (Member(json, "optional") is { ValueKind: JsonValueKind.True })
        {
            builder.Optional();
        }
        else
        {
            builder.Required();
        }
        if (Member(json, "name") is { ValueKind: JsonValueKind.String } name)
        {
            builder.Name(name.GetString());
        }
        if (Member(json, "version") is { ValueKind: JsonValueKind.Number } version && JsonNumber.IsIntegral(JsonMarshal.GetRawUtf8Value(version)))
        {
            builder.Version(JsonNumber.IntValue(JsonMarshal.GetRawUtf8Value(version)));
        }
        if (Member(json, "doc") is { ValueKind: JsonValueKind.String } doc)
        {
            builder.Doc(doc.GetString());
        }
        if (Member(json, "parameters") is { ValueKind: JsonValueKind.Object } parameters)
        {
            foreach (var parameter in parameters.EnumerateObject())
            {
                if (parameter.Value.ValueKind != JsonValueKind.String)
                {
                    throw new DataException("Schema parameters must have string values.");
                }
                builder.Parameter(parameter.Name, parameter.Value.GetString()!);
            }
        }
        if (Member(json, "default") is { } defaultNode)
        {
            var reader = new Utf8JsonReader(JsonMarshal.GetRawUtf8Value(defaultNode), ConnectJsonReader.Options);
            reader.Read();
            builder.DefaultValue(values.Read(ref reader, builder.Build()));
        }
        return builder.Build();
    }

    /// <summary>Jackson's <c>get</c>: the member's value (the last of duplicates), null when absent or not an object.</summary>
    private static JsonElement? Member(JsonElement json, string name) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var value) ? value : null;
}
