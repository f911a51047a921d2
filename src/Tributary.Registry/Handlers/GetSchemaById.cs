using System.Text.Json.Nodes;
using Google.Protobuf;
using Tributary.Registry.Store;
using Tributary.Schemas.Protobuf;

namespace Tributary.Registry.Handlers;

/// <summary>
/// GET /schemas/ids/{id}: the schema text, its type (omitted for AVRO) and references. <c>?format=serialized</c> answers
/// a Protobuf schema as its base64 serialized <c>FileDescriptorProto</c> (what Confluent's Protobuf deserializers ask
/// for); other formats, and the format of other schema types, answer the text.
/// </summary>
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
        answer["schema"] = Formatted(schema, request);
        return answer;
    }

    /// <summary>
    /// The schema as the request's <c>format</c> asks: <c>serialized</c> gives a Protobuf schema's base64
    /// <c>FileDescriptorProto</c>; anything else, or another schema type, the stored text. Shared by every endpoint
    /// that takes <c>format</c> (by id, by id's text, by subject version).
    /// </summary>
    public static string Formatted(StoredSchema schema, RegistryRequest request) =>
        request.QueryValue("format") == "serialized" && schema.Parsed is ProtobufSchema protobuf
            ? Convert.ToBase64String(protobuf.File.ToByteArray())
            : schema.Schema;
}
