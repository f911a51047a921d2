using System.Text.Json.Nodes;
using Tributary.Registry.Store;

namespace Tributary.Registry.Handlers;

/// <summary>
/// GET /subjects/{subject}/versions/{version}: subject, version, id, type, references and schema (version: a number,
/// latest or -1); <c>?format=serialized</c> answers a Protobuf schema as its base64 <c>FileDescriptorProto</c>, as by id.
/// </summary>
internal static class GetVersion
{
    public static JsonNode Handle(SchemaRegistry registry, RegistryRequest request, string subject, string version)
    {
        var record = registry.GetVersion(subject, version, request.Flag("deleted"));
        var answer = Describe(record);
        if (request.QueryValue("format") is not null)
        {
            answer["schema"] = GetSchemaById.Formatted(registry.GetSchemaById(record.Id), request);
        }
        return answer;
    }

    /// <summary>A version as GET .../versions/{v} and POST /subjects/{subject} answer it.</summary>
    public static JsonObject Describe(SchemaVersionRecord record)
    {
        var answer = new JsonObject { ["subject"] = record.Subject, ["version"] = record.Version, ["id"] = record.Id };
        if (record.SchemaType is { } type)
        {
            answer["schemaType"] = type;
        }
        if (record.References.Count > 0)
        {
            answer["references"] = RegistryRequest.References(record.References);
        }
        answer["schema"] = record.Schema;
        return answer;
    }
}
