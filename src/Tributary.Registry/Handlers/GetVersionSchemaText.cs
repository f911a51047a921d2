using System.Text.Json.Nodes;
using Tributary.Registry.Store;

namespace Tributary.Registry.Handlers;

/// <summary>GET /subjects/{subject}/versions/{version}/schema: the schema text itself.</summary>
internal static class GetVersionSchemaText
{
    public static JsonNode Handle(SchemaRegistry registry, RegistryRequest request, string subject, string version)
    {
        request.AnswerRawSchema();
        return JsonValue.Create(registry.GetVersion(subject, version, request.Flag("deleted")).Schema);
    }
}
