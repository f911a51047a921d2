using System.Text.Json.Nodes;
using Tributary.Registry.Store;

namespace Tributary.Registry.Handlers;

/// <summary>GET /schemas/ids/{id}: the schema text, its type (omitted for AVRO) and references.</summary>
internal static class GetSchemaById
{
    public static JsonNode Handle(SchemaRegistry registry, RegistryRequest request, string id)
    {
        var schema = registry.GetSchemaById(Ids.Parse(id));
        var answer = new JsonObject();
        if (schema.SchemaType is { } type)
        {
            answer["schemaType"] = type;
        }
        if (schema.References.Count > 0)
        {
            answer["references"] = RegistryRequest.References(schema.References);
        }
        answer["schema"] = schema.Schema;
        return answer;
    }
}
