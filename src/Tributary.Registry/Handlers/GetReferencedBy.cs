using System.Text.Json.Nodes;
using Tributary.Registry.Store;

namespace Tributary.Registry.Handlers;

/// <summary>GET /subjects/{subject}/versions/{version}/referencedby: ids of the schemas that reference this version.</summary>
internal static class GetReferencedBy
{
    public static JsonNode Handle(SchemaRegistry registry, string subject, string version) =>
        new JsonArray(registry.ReferencedBy(subject, version).Select(id => (JsonNode)JsonValue.Create(id)).ToArray());
}
