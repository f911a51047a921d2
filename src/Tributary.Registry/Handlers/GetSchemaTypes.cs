using System.Text.Json.Nodes;

namespace Tributary.Registry.Handlers;

/// <summary>GET /schemas/types: the schema types this registry parses, in the order Confluent's registry lists them.</summary>
internal static class GetSchemaTypes
{
    public static JsonNode Handle() => new JsonArray("JSON", "PROTOBUF", "AVRO");
}
