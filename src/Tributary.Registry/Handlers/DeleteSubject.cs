using System.Text.Json.Nodes;
using Tributary.Registry.Store;

namespace Tributary.Registry.Handlers;

/// <summary>DELETE /subjects/{subject}: soft-deletes every version (?permanent=true removes a soft-deleted subject); answers the versions.</summary>
internal static class DeleteSubject
{
    public static async Task<JsonNode?> HandleAsync(SchemaRegistry registry, RegistryRequest request, string subject)
    {
        var versions = await registry.DeleteSubjectAsync(subject, request.Flag("permanent")).ConfigureAwait(false);
        return new JsonArray(versions.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
    }
}
