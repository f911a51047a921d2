using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tributary.Schemas.Json;

/// <summary>
/// A JSON Schema document (draft-04 to 2020-12 share the keywords this reads). Parsing checks that it is a JSON object
/// or boolean and that the keywords it uses for compatibility have the right JSON types; the canonical string is the
/// compact JSON with keys in document order.
/// </summary>
public sealed class JsonSchema : ParsedSchema
{
    private JsonSchema(JsonNode? root, string canonical)
    {
        Root = root;
        CanonicalString = canonical;
    }

    /// <summary>The document (null for the JSON literal null, which never parses; true/false as JsonValue).</summary>
    public JsonNode? Root { get; }

    public override string SchemaType => SchemaTypes.Json;

    public override string CanonicalString { get; }

    public static JsonSchema Parse(string text)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            throw new InvalidSchemaException("Invalid schema " + text + ": " + e.Message, e);
        }
        if (root is not JsonObject && !(root is JsonValue value && value.GetValueKind() is JsonValueKind.True or JsonValueKind.False))
        {
            throw new InvalidSchemaException("Invalid schema " + text + ": a JSON Schema is an object or a boolean");
        }
        Validate(root, "#");
        return new JsonSchema(root, root.ToJsonString());
    }

    public override IReadOnlyList<string> CanReadDataWrittenWith(ParsedSchema writer) =>
        JsonSchemaCompatibility.Check(Root, ((JsonSchema)writer).Root);

    private static void Validate(JsonNode? node, string path)
    {
        if (node is not JsonObject schema)
        {
            return;
        }
        if (schema["type"] is { } type && !(type is JsonValue { } single && single.GetValueKind() == JsonValueKind.String) && type is not JsonArray)
        {
            throw new InvalidSchemaException($"Invalid schema: 'type' at {path} must be a string or an array");
        }
        if (schema["properties"] is { } properties)
        {
            if (properties is not JsonObject members)
            {
                throw new InvalidSchemaException($"Invalid schema: 'properties' at {path} must be an object");
            }
            foreach (var (name, member) in members)
            {
                Validate(member, $"{path}/properties/{name}");
            }
        }
        if (schema["required"] is { } required && required is not JsonArray)
        {
            throw new InvalidSchemaException($"Invalid schema: 'required' at {path} must be an array");
        }
        if (schema["items"] is { } items)
        {
            Validate(items, path + "/items");
        }
    }
}
