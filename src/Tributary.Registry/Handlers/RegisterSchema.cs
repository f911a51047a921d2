using System.Text.Json.Nodes;
using Tributary.Registry.Store;

namespace Tributary.Registry.Handlers;

/// <summary>POST /subjects/{subject}/versions: registers the schema, answering {"id": N} (409 when incompatible, 42201 when invalid).</summary>
internal static class RegisterSchema
{
    public static async Task<JsonNode?> HandleAsync(SchemaRegistry registry, RegistryRequest request, string subject)
    {
        var (schema, type, references) = request.SchemaBody();
        var body = (JsonObject)request.Body!;
        int? id = body["id"] is JsonValue idValue && idValue.GetValue<int>() > 0 ? idValue.GetValue<int>() : null;
        int? version = body["version"] is JsonValue versionValue && versionValue.GetValue<int>() > 0 ? versionValue.GetValue<int>() : null;
        var registered = await registry.RegisterAsync(subject, schema, type, references, id, version).ConfigureAwait(false);
        return new JsonObject { ["id"] = registered };
    }
}
