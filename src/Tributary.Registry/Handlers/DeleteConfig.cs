using System.Text.Json.Nodes;
using Tributary.Registry.Store;

namespace Tributary.Registry.Handlers;

/// <summary>DELETE /config[/{subject}]: removes the level (back to the global one, or the default) and answers the one removed.</summary>
internal static class DeleteConfig
{
    public static async Task<JsonNode?> HandleAsync(SchemaRegistry registry, string? subject) =>
        new JsonObject { ["compatibilityLevel"] = await registry.DeleteCompatibilityAsync(subject).ConfigureAwait(false) };
}
