using System.Text.Json.Nodes;
using Tributary.Registry.Store;

namespace Tributary.Registry.Handlers;

/// <summary>PUT /mode[/{subject}] with {"mode": M}: sets the mode and answers it (42204 for an unknown mode).</summary>
internal static class UpdateMode
{
    public static async Task<JsonNode?> HandleAsync(SchemaRegistry registry, RegistryRequest request, string? subject) =>
        new JsonObject { ["mode"] = await registry.SetModeAsync(subject, request.Body?["mode"]?.GetValue<string>()).ConfigureAwait(false) };
}
