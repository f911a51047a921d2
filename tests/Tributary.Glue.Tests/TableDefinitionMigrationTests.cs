using System.Text.Json.Nodes;
using Tributary.Formats;
using Tributary.Formats.Json;
using Tributary.Glue.Catalog;
using Tributary.Server;

namespace Tributary.Glue.Tests;

/// <summary>Firehose's SchemaConfiguration against the catalog, and the table definition files of earlier releases migrated into it.</summary>
public sealed class TableDefinitionMigrationTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tributary-migration-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void Files_become_tables_once_and_resolve_under_any_database()
    {
        var tables = Path.Combine(_directory, "tables");
        new TableDefinitionStore(tables).Save(TableDefinition.ParseColumns("orders", "id bigint, items array<struct<sku:string,qty:int>>"));
        var catalog = DataCatalog.Open(Path.Combine(_directory, "glue", "catalog.json"));
        Assert.Equal(["orders"], TableDefinitionMigration.Run(catalog, tables));
        Assert.Empty(TableDefinitionMigration.Run(DataCatalog.Open(Path.Combine(_directory, "glue", "catalog.json")), tables));

        var schemas = new GlueTableSchemas(DataCatalog.Open(Path.Combine(_directory, "glue", "catalog.json")));
        var resolved = schemas.Resolve("whatever_db", "orders", "LATEST", null);
        Assert.Equal([("id", "bigint"), ("items", "array<struct<sku:string,qty:int>>")], resolved.Columns);
    }

    [Fact]
    public void Versions_and_missing_tables()
    {
        var catalog = DataCatalog.Open(null);
        catalog.CreateDatabase(new JsonObject { ["Name"] = "lake" });
        catalog.CreateTable("lake", DataCatalogTests.TableInput("events"));
        var updated = DataCatalogTests.TableInput("events");
        ((JsonArray)updated["StorageDescriptor"]!["Columns"]!).Add(new JsonObject { ["Name"] = "extra", ["Type"] = "double" });
        catalog.UpdateTable("lake", updated, skipArchive: false, expectedVersionId: null);
        var schemas = new GlueTableSchemas(catalog);
        Assert.Equal(3, schemas.Resolve("lake", "events", null, null).Columns.Count);
        Assert.Equal(2, schemas.Resolve("lake", "events", "0", null).Columns.Count);
        Assert.Contains("lake.nope", Assert.Throws<ParquetFormatException>(() => schemas.Resolve("lake", "nope", null, null)).Message, StringComparison.Ordinal);
    }
}
