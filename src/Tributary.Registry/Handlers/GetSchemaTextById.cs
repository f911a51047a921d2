using System.Text.Json.Nodes;
using Tributary.Registry.Store;

namespace Tributary.Registry.Handlers;

/// <summary>GET /schemas/ids/{id}/schema: the schema itself, as text (<c>?format=serialized</c>: a Protobuf schema's base64 descriptor).</summary>
internal static class GetSchemaTextById
{
    public static JsonNode Handle(SchemaRegistry registry, RegistryRequest request, string id)
    {
        request.AnswerRawSchema();
        return JsonValue.Create(GetSchemaById.Formatted(registry.GetSchemaById(Ids.Parse(id)), request));
    }
}
