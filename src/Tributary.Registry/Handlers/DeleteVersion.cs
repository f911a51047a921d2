using System.Text.Json.Nodes;
using Tributary.Registry.Store;

namespace Tributary.Registry.Handlers;

/// <summary>DELETE /subjects/{subject}/versions/{version}: soft-deletes a version (?permanent=true removes a soft-deleted one); answers its number.</summary>
internal static class DeleteVersion
{
    public static async Task<JsonNode?> HandleAsync(SchemaRegistry registry, RegistryRequest request, string subject, string version) =>
        JsonValue.Create(await registry.DeleteVersionAsync(subject, version, request.Flag("permanent")).ConfigureAwait(false));
}
