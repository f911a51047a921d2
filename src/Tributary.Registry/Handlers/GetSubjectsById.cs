using System.Text.Json.Nodes;
using Tributary.Registry.Store;

namespace Tributary.Registry.Handlers;

/// <summary>GET /schemas/ids/{id}/subjects: the subjects holding the schema (?deleted=true includes soft-deleted versions).</summary>
internal static class GetSubjectsById
{
    public static JsonNode Handle(SchemaRegistry registry, RegistryRequest request, string id) =>
        new JsonArray(registry.VersionsOfId(Ids.Parse(id), request.Flag("deleted")).Select(v => v.Subject).Distinct().Select(s => (JsonNode)JsonValue.Create(s)).ToArray());
}
