using System.Text.Json.Nodes;

namespace Tributary.Glue.Catalog;

/// <summary>
/// One table of the catalog: its versions (Glue's Table shape, oldest first; the last is the current table), and its
/// partitions (Glue's Partition shape) keyed by their values joined with <see cref="KeySeparator"/>. Owned by
/// <see cref="DataCatalog"/>, which serialises every access under its lock; readers outside get deep copies.
/// </summary>
internal sealed class CatalogTable
{
    /// <summary>Joins partition values into a dictionary key (a control character no Glue value holds).</summary>
    public const char KeySeparator = '\u0001';

    public List<(string VersionId, JsonObject Table)> Versions { get; } = [];

    public SortedDictionary<string, JsonObject> Partitions { get; } = new(StringComparer.Ordinal);

    public JsonObject Current => Versions[^1].Table;

    public int NextVersion { get; set; } = 1;

    public static string PartitionKey(IEnumerable<string> values) => string.Join(KeySeparator, values);
}

/// <summary>One database: Glue's Database shape and its tables by (lowercase) name.</summary>
internal sealed class CatalogDatabase(JsonObject database)
{
    public JsonObject Database { get; set; } = database;

    public SortedDictionary<string, CatalogTable> Tables { get; } = new(StringComparer.Ordinal);
}
