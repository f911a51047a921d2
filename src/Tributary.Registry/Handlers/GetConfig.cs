using System.Text.Json.Nodes;
using Tributary.Registry.Store;

namespace Tributary.Registry.Handlers;

/// <summary>GET /config[/{subject}]: {"compatibilityLevel": ...}; a subject without its own level is 40408 unless ?defaultToGlobal=true.</summary>
internal static class GetConfig
{
    public static JsonNode Handle(SchemaRegistry registry, RegistryRequest request, string? subject)
    {
        var level = registry.GetCompatibility(subject);
        if (level is null)
        {
            level = request.Flag("defaultToGlobal") ? registry.GetCompatibility(null) : throw RegistryException.SubjectCompatibilityNotConfigured(subject!);
        }
        return new JsonObject { ["compatibilityLevel"] = level };
    }
}
