using Tributary.Formats.Json;

namespace Tributary.Server;

/// <summary>
/// What the delivery streams' format conversion resolves schemas against in `serve`: a catalog table through
/// <see cref="GlueTableSchemas"/>, a registry subject through <see cref="RegistrySubjectSchemas"/>.
/// </summary>
public sealed class HostTableSchemas(GlueTableSchemas catalog, RegistrySubjectSchemas registry) : ITableSchemas
{
    public TableDefinition Resolve(string database, string table, string? versionId, string? catalogId) => catalog.Resolve(database, table, versionId, catalogId);

    public TableDefinition ResolveSubject(string subject, string? version) => registry.Resolve(subject, version);
}
