using System.Text.Json.Nodes;
using Tributary.Registry.Store;

namespace Tributary.Registry.Handlers;

/// <summary>POST /compatibility/subjects/{subject}/versions[/{version}]: {"is_compatible": bool} (with ?verbose=true, the messages).</summary>
internal static class TestCompatibility
{
    public static JsonNode Handle(SchemaRegistry registry, RegistryRequest request, string subject, string? version)
    {
        var (schema, type, references) = request.SchemaBody();
        IReadOnlyList<string> messages;
        try
        {
            messages = registry.TestCompatibility(subject, version, schema, type, references);
        }
        catch (RegistryException e) when (e.ErrorCode == 40401 && version is null)
        {
            // No versions yet: anything is compatible, as the registry answers.
            messages = [];
        }
        var answer = new JsonObject { ["is_compatible"] = messages.Count == 0 };
        if (request.Flag("verbose"))
        {
            answer["messages"] = new JsonArray(messages.Select(m => (JsonNode)JsonValue.Create(m)).ToArray());
        }
        return answer;
    }
}
