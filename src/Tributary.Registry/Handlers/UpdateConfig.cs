using System.Text.Json.Nodes;
using Tributary.Registry.Store;

namespace Tributary.Registry.Handlers;

/// <summary>PUT /config[/{subject}] with {"compatibility": LEVEL}: sets the level and answers it (42203 for an unknown level).</summary>
internal static class UpdateConfig
{
    public static async Task<JsonNode?> HandleAsync(SchemaRegistry registry, RegistryRequest request, string? subject)
    {
        var requested = request.Body?["compatibility"]?.GetValue<string>() ?? request.Body?["compatibilityLevel"]?.GetValue<string>();
        var level = await registry.SetCompatibilityAsync(subject, requested).ConfigureAwait(false);
        return new JsonObject { ["compatibility"] = level };
    }
}
