using System.Text.Json.Nodes;
using Tributary.Aws;
using Tributary.Formats;
using Tributary.Formats.Json;
using Tributary.Glue.Catalog;

namespace Tributary.Server;

/// <summary>
/// At start, copies the table definition files of earlier releases (delivery.tables.directory, TABLE.json) into the
/// Glue catalog as tables of the database <see cref="Database"/>, marked with the parameter <see cref="MigratedFrom"/>.
/// A table already in the catalog is left as it is, so running again changes nothing; the files stay (nothing reads
/// them any more). The files ignored SchemaConfiguration.DatabaseName, so <see cref="GlueTableSchemas"/> also looks
/// for a migrated table here when the named database lacks it.
/// </summary>
public static class TableDefinitionMigration
{
    public const string Database = "default";
    public const string MigratedFrom = "tributary.migrated-from";

    /// <summary>Returns the names of the tables created.</summary>
    public static List<string> Run(DataCatalog catalog, string tablesDirectory)
    {
        var created = new List<string>();
        var store = new TableDefinitionStore(tablesDirectory);
        foreach (var name in store.Names())
        {
            TableDefinition definition;
            try
            {
                definition = store.Load(name);
            }
            catch (ParquetFormatException)
            {
                continue;
            }
            try
            {
                catalog.GetDatabase(Database);
            }
            catch (AwsErrorException)
            {
                catalog.CreateDatabase(new JsonObject { ["Name"] = Database, ["Description"] = "Default database (table definitions migrated from files)." });
            }
            try
            {
                catalog.GetTable(Database, name);
                continue;
            }
            catch (AwsErrorException)
            {
            }
            var columns = new JsonArray();
            foreach (var (column, type) in definition.Columns)
            {
                columns.Add(new JsonObject { ["Name"] = column, ["Type"] = type });
            }
            catalog.CreateTable(Database, new JsonObject
            {
                ["Name"] = name,
                ["TableType"] = "EXTERNAL_TABLE",
                ["Parameters"] = new JsonObject { [MigratedFrom] = Path.Combine(tablesDirectory, name + ".json") },
                ["StorageDescriptor"] = new JsonObject { ["Columns"] = columns },
            });
            created.Add(name);
        }
        return created;
    }
}
