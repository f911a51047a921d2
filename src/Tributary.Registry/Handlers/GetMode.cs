using System.Text.Json.Nodes;
using Tributary.Registry.Store;

namespace Tributary.Registry.Handlers;

/// <summary>GET /mode[/{subject}]: {"mode": READWRITE|READONLY|IMPORT}; a subject without its own mode is 40409.</summary>
internal static class GetMode
{
    public static JsonNode Handle(SchemaRegistry registry, string? subject) =>
        new JsonObject { ["mode"] = registry.GetMode(subject) ?? throw RegistryException.SubjectModeNotConfigured(subject!) };
}
