using System.Text.Json.Nodes;
using Tributary.Registry.Store;

namespace Tributary.Registry.Handlers;

/// <summary>GET /schemas/ids/{id}/versions: the subject-version pairs holding the schema.</summary>
internal static class GetVersionsById
{
    public static JsonNode Handle(SchemaRegistry registry, RegistryRequest request, string id) =>
        new JsonArray(registry.VersionsOfId(Ids.Parse(id), request.Flag("deleted")).Select(v => (JsonNode)new JsonObject { ["subject"] = v.Subject, ["version"] = v.Version }).ToArray());
}
