using System.Text.Json.Nodes;
using Tributary.Registry.Store;

namespace Tributary.Registry.Handlers;

/// <summary>GET /subjects/{subject}/versions: the live version numbers (?deleted=true adds soft-deleted ones).</summary>
internal static class ListVersions
{
    public static JsonNode Handle(SchemaRegistry registry, RegistryRequest request, string subject) =>
        new JsonArray(registry.ListVersions(subject, request.Flag("deleted")).Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
}
