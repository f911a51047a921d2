using System.Text.Json.Nodes;
using Tributary.Registry.Store;

namespace Tributary.Registry.Handlers;

/// <summary>GET /subjects: live subjects (?deleted=true adds soft-deleted ones; ?subjectPrefix= filters).</summary>
internal static class ListSubjects
{
    public static JsonNode Handle(SchemaRegistry registry, RegistryRequest request) =>
        new JsonArray(registry.ListSubjects(request.Flag("deleted"), request.QueryValue("subjectPrefix")).Select(s => (JsonNode)JsonValue.Create(s)).ToArray());
}
