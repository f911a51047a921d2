using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tributary.Schemas.Json;

/// <summary>
/// Whether a reader JSON Schema accepts every document a writer schema accepts, on the keywords that decide it in
/// practice: <c>type</c> (integer widens to number), <c>enum</c>, <c>properties</c> with the content model
/// (<c>additionalProperties</c>: open by default), <c>required</c> and <c>items</c>. The rule names are the
/// registry's (TYPE_CHANGED, TYPE_NARROWED, ENUM_ARRAY_NARROWED, REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL,
/// PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL, PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL, ...). Combinators (allOf, anyOf,
/// oneOf) and $ref are compared as text: any change to them is reported. Thread-safe (stateless).
/// </summary>
internal static class JsonSchemaCompatibility
{
    public static IReadOnlyList<string> Check(JsonNode? reader, JsonNode? writer)
    {
        var messages = new List<string>();
        Visit(reader, writer, "#", messages);
        return messages;
    }

    private static void Visit(JsonNode? reader, JsonNode? writer, string path, List<string> messages)
    {
        if (reader is JsonValue readerValue && readerValue.GetValueKind() == JsonValueKind.True)
        {
            return;
        }
        if (reader is not JsonObject readerObject || writer is not JsonObject writerObject)
        {
            if (!JsonNode.DeepEquals(reader, writer))
            {
                messages.Add(Message("SCHEMA_CHANGED", path));
            }
            return;
        }
        foreach (var keyword in (string[])["$ref", "allOf", "anyOf", "oneOf", "not"])
        {
            if (!JsonNode.DeepEquals(readerObject[keyword], writerObject[keyword]))
            {
                messages.Add(Message("COMBINED_TYPE_CHANGED", $"{path}/{keyword}"));
            }
        }
        var readerTypes = Types(readerObject);
        var writerTypes = Types(writerObject);
        if (readerTypes is not null)
        {
            if (writerTypes is null)
            {
                messages.Add(Message("TYPE_NARROWED", path));
            }
            else
            {
                foreach (var type in writerTypes)
                {
                    if (!readerTypes.Contains(type) && !(type == "integer" && readerTypes.Contains("number")))
                    {
                        messages.Add(Message(writerTypes.Count == 1 && readerTypes.Count == 1 ? "TYPE_CHANGED" : "TYPE_NARROWED", path));
                        return;
                    }
                }
            }
        }
        if (readerObject["enum"] is JsonArray readerEnum)
        {
            if (writerObject["enum"] is not JsonArray writerEnum || writerEnum.Any(w => !readerEnum.Any(r => JsonNode.DeepEquals(r, w))))
            {
                messages.Add(Message("ENUM_ARRAY_NARROWED", path + "/enum"));
            }
        }
        var readerOpen = IsOpen(readerObject);
        var writerOpen = IsOpen(writerObject);
        if (!readerOpen && writerOpen)
        {
            messages.Add(Message("ADDITIONAL_PROPERTIES_NARROWED", path + "/additionalProperties"));
        }
        var readerProperties = readerObject["properties"] as JsonObject;
        var writerProperties = writerObject["properties"] as JsonObject;
        var readerRequired = Required(readerObject);
        var writerRequired = Required(writerObject);
        foreach (var (name, readerProperty) in readerProperties ?? [])
        {
            if (writerProperties?[name] is { } writerProperty)
            {
                Visit(readerProperty, writerProperty, $"{path}/properties/{name}", messages);
                if (readerRequired.Contains(name) && !writerRequired.Contains(name))
                {
                    messages.Add(Message("REQUIRED_ATTRIBUTE_ADDED", $"{path}/properties/{name}"));
                }
            }
            else if (writerOpen)
            {
                // The writer's documents may carry this name with any value.
                messages.Add(Message("PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", $"{path}/properties/{name}"));
            }
            else if (readerRequired.Contains(name))
            {
                messages.Add(Message("REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", $"{path}/properties/{name}"));
            }
        }
        foreach (var (name, _) in writerProperties ?? [])
        {
            if (readerProperties?[name] is null && !readerOpen)
            {
                messages.Add(Message("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", $"{path}/properties/{name}"));
            }
        }
        if (readerObject["items"] is { } readerItems)
        {
            Visit(readerItems, writerObject["items"] ?? JsonValue.Create(true), path + "/items", messages);
        }
    }

    private static HashSet<string>? Types(JsonObject schema) => schema["type"] switch
    {
        JsonArray array => array.Select(t => t?.GetValue<string>() ?? "null").ToHashSet(StringComparer.Ordinal),
        JsonValue value => [value.GetValue<string>()],
        _ => null,
    };

    private static HashSet<string> Required(JsonObject schema) =>
        schema["required"] is JsonArray array ? array.Select(r => r?.ToString() ?? "").ToHashSet(StringComparer.Ordinal) : [];

    /// <summary>Open unless additionalProperties is false (an object schema there still admits more names, so counts as open).</summary>
    private static bool IsOpen(JsonObject schema) =>
        !(schema["additionalProperties"] is JsonValue value && value.GetValueKind() == JsonValueKind.False);

    private static string Message(string type, string path) => $"{{errorType:'{type}', description:'Found incompatible change: Difference{{jsonPath='{path}', type={type}}}'}}";
}
