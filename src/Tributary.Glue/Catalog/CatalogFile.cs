using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tributary.Glue.Catalog;

/// <summary>
/// The catalog's file (<c>&lt;data dir&gt;/glue/catalog.json</c>): a header naming the format and its version, then every
/// database with its tables (versions oldest first) and partitions, as Glue's own JSON shapes. Keep in sync with
/// docs/formats/glue-catalog.md; <c>CatalogFileTests</c> freezes version 1.
/// </summary>
internal static class CatalogFile
{
    public const string FormatName = "tributary-glue-catalog";
    public const int CurrentVersion = 1;

    public static byte[] Write(SortedDictionary<string, CatalogDatabase> databases)
    {
        var list = new JsonArray();
        foreach (var database in databases.Values)
        {
            var tables = new JsonArray();
            foreach (var table in database.Tables.Values)
            {
                var versions = new JsonArray();
                foreach (var (id, shape) in table.Versions)
                {
                    versions.Add(new JsonObject { ["versionId"] = id, ["table"] = shape.DeepClone() });
                }
                var partitions = new JsonArray();
                foreach (var partition in table.Partitions.Values)
                {
                    partitions.Add(partition.DeepClone());
                }
                tables.Add(new JsonObject { ["nextVersion"] = table.NextVersion, ["versions"] = versions, ["partitions"] = partitions });
            }
            list.Add(new JsonObject { ["database"] = database.Database.DeepClone(), ["tables"] = tables });
        }
        var root = new JsonObject { ["format"] = FormatName, ["version"] = CurrentVersion, ["databases"] = list };
        return JsonSerializer.SerializeToUtf8Bytes(root);
    }

    public static SortedDictionary<string, CatalogDatabase> Read(byte[] bytes)
    {
        var root = JsonNode.Parse(bytes) as JsonObject ?? throw new InvalidDataException("The Glue catalog file is not a JSON object.");
        if ((string?)root["format"] != FormatName)
        {
            throw new InvalidDataException($"The Glue catalog file's format is not {FormatName}.");
        }
        var version = (int?)root["version"];
        if (version != CurrentVersion)
        {
            throw new InvalidDataException($"The Glue catalog file has version {version}; this build reads version {CurrentVersion}.");
        }
        var result = new SortedDictionary<string, CatalogDatabase>(StringComparer.Ordinal);
        foreach (var entry in (root["databases"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var database = new CatalogDatabase((JsonObject)entry["database"]!.DeepClone());
            foreach (var tableEntry in (entry["tables"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var table = new CatalogTable { NextVersion = (int?)tableEntry["nextVersion"] ?? 1 };
                foreach (var version1 in (tableEntry["versions"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    table.Versions.Add(((string)version1["versionId"]!, (JsonObject)version1["table"]!.DeepClone()));
                }
                if (table.Versions.Count == 0)
                {
                    throw new InvalidDataException("A table in the Glue catalog file has no version.");
                }
                foreach (var partition in (tableEntry["partitions"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    table.Partitions[CatalogTable.PartitionKey(DataCatalog.PartitionValues(partition["Values"]))] = (JsonObject)partition.DeepClone();
                }
                database.Tables[(string)table.Current["Name"]!] = table;
            }
            result[(string)database.Database["Name"]!] = database;
        }
        return result;
    }
}
