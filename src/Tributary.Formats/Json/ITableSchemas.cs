namespace Tributary.Formats.Json;

/// <summary>
/// Where format conversion finds the table a delivery stream's SchemaConfiguration names (DatabaseName, TableName,
/// VersionId, CatalogId). The host supplies the Glue Data Catalog; <see cref="DirectoryTableSchemas"/> is the table
/// definition files of earlier releases. A missing or unusable table is a <see cref="ParquetFormatException"/>
/// (conversion then fails the records, as Firehose does). Implementations are thread-safe.
/// </summary>
public interface ITableSchemas
{
    /// <param name="versionId">A table version, or null (or "LATEST") for the current one.</param>
    TableDefinition Resolve(string database, string table, string? versionId, string? catalogId);

    /// <summary>The columns of a schema registry subject's record schema (SchemaConfiguration.RegistrySubject) at a version (null or "LATEST": the latest).</summary>
    TableDefinition ResolveSubject(string subject, string? version) =>
        throw new ParquetFormatException($"SchemaConfiguration.RegistrySubject {subject}: no schema registry is available to this delivery stream.");
}

/// <summary>The table definition files of one directory (TABLE.json); the database, version and catalog are not part of them.</summary>
public sealed class DirectoryTableSchemas(string directory) : ITableSchemas
{
    public TableDefinition Resolve(string database, string table, string? versionId, string? catalogId) => new TableDefinitionStore(directory).Load(table);
}
