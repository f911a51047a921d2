using System.Text.Json.Nodes;
using Tributary.Registry.Store;

namespace Tributary.Registry.Handlers;

/// <summary>DELETE /mode[/{subject}]: removes the mode and answers the one removed.</summary>
internal static class DeleteMode
{
    public static async Task<JsonNode?> HandleAsync(SchemaRegistry registry, string? subject) =>
        new JsonObject { ["mode"] = await registry.DeleteModeAsync(subject).ConfigureAwait(false) };
}
