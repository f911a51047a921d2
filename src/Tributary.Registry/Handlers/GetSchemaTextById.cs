using System.Text.Json.Nodes;
using Tributary.Registry.Store;

namespace Tributary.Registry.Handlers;

/// <summary>GET /schemas/ids/{id}/schema: the schema text itself.</summary>
internal static class GetSchemaTextById
{
    public static JsonNode Handle(SchemaRegistry registry, RegistryRequest request, string id)
    {
        request.AnswerRawSchema();
        return JsonValue.Create(registry.GetSchemaById(Ids.Parse(id)).Schema);
    }
}
