using System.Text.Json.Nodes;
using Tributary.Registry.Store;

namespace Tributary.Registry.Handlers;

/// <summary>GET /subjects/{subject}/versions/{version}: subject, version, id, type, references and schema (version: a number, latest or -1).</summary>
internal static class GetVersion
{
    public static JsonNode Handle(SchemaRegistry registry, RegistryRequest request, string subject, string version) =>
        Describe(registry.GetVersion(subject, version, request.Flag("deleted")));

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
