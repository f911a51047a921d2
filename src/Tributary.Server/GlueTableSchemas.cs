using System.Text.Json.Nodes;
using Tributary.Aws;
using Tributary.Formats;
using Tributary.Formats.Json;
using Tributary.Glue.Catalog;

namespace Tributary.Server;

/// <summary>
/// Firehose's SchemaConfiguration resolved against the Glue Data Catalog (Firehose does not reference Glue: the host
/// adapts one to the other). The table's StorageDescriptor columns, at VersionId (null or "LATEST": the current one),
/// are the conversion schema. A table that is not in the named database but was migrated from a table definition file
/// into <see cref="TableDefinitionMigration.Database"/> is found there, as the files ignored the database. Thread-safe.
/// </summary>
public sealed class GlueTableSchemas(DataCatalog catalog) : ITableSchemas
{
    public TableDefinition Resolve(string database, string table, string? versionId, string? catalogId)
    {
        var version = versionId is null or "LATEST" ? null : versionId;
        JsonObject shape;
        try
        {
            shape = catalog.GetTable(database, table, version);
        }
        catch (AwsErrorException notFound)
        {
            try
            {
                shape = catalog.GetTable(TableDefinitionMigration.Database, table, version);
                if ((string?)(shape["Parameters"] as JsonObject)?[TableDefinitionMigration.MigratedFrom] is null)
                {
                    throw new ParquetFormatException(notFound.Message);
                }
            }
            catch (AwsErrorException)
            {
                throw new ParquetFormatException($"Glue table {database}.{table} could not be read: {notFound.Message}");
            }
        }
        var columns = ((shape["StorageDescriptor"] as JsonObject)?["Columns"] as JsonArray ?? [])
            .OfType<JsonObject>().Select(c => ((string)c["Name"]!, (string?)c["Type"] ?? "string")).ToList();
        if (columns.Count == 0)
        {
            throw new ParquetFormatException($"Glue table {database}.{table} has no columns.");
        }
        var definition = new TableDefinition(table, columns);
        definition.ToSchema();
        return definition;
    }
}
