using System.Text.Json.Nodes;
using Tributary.Registry.Store;

namespace Tributary.Registry.Handlers;

/// <summary>POST /subjects/{subject}: the version of the subject that holds the posted schema (40401 no subject, 40403 not there).</summary>
internal static class LookupSchema
{
    public static JsonNode Handle(SchemaRegistry registry, RegistryRequest request, string subject)
    {
        var (schema, type, references) = request.SchemaBody();
        return GetVersion.Describe(registry.Lookup(subject, schema, type, references, request.Flag("deleted")));
    }
}
