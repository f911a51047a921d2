using System.Text.Json.Nodes;
using Tributary.Glue.Expressions;

namespace Tributary.Glue.Catalog;

/// <summary>
/// The Glue Data Catalog: databases, tables (with versions) and partitions, held as Glue's own JSON shapes and saved
/// whole to one file after every change (<see cref="CatalogFile"/>: temporary file, fsync, rename), so a change that
/// returned survives a crash and a torn write leaves the previous catalog. Names of databases and tables are stored in
/// lowercase, as Glue does, and looked up case-insensitively.
/// Thread-safety: every public member takes one lock; what it returns is a copy the caller owns.
/// </summary>
public sealed class DataCatalog
{
    private readonly Lock _lock = new();
    private readonly string? _path;
    private readonly SortedDictionary<string, CatalogDatabase> _databases;

    private DataCatalog(string? path, SortedDictionary<string, CatalogDatabase> databases, string catalogId)
    {
        _path = path;
        _databases = databases;
        CatalogId = catalogId;
    }

    /// <summary>The account id Glue names as CatalogId.</summary>
    public string CatalogId { get; }

    /// <summary>Opens (or creates) the catalog saved at <paramref name="path"/>; null keeps it in memory only (tests).</summary>
    public static DataCatalog Open(string? path, string catalogId = "000000000000")
    {
        var databases = path is not null && File.Exists(path)
            ? CatalogFile.Read(File.ReadAllBytes(path))
            : new SortedDictionary<string, CatalogDatabase>(StringComparer.Ordinal);
        if (path is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        }
        return new DataCatalog(path, databases, catalogId);
    }

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private static string Normalize(string name) => name.ToLowerInvariant();

    // ---- Databases ----

    public void CreateDatabase(JsonObject input)
    {
        var name = Normalize((string)input["Name"]!);
        lock (_lock)
        {
            if (_databases.ContainsKey(name))
            {
                throw GlueErrors.AlreadyExists("Database already exists.");
            }
            var database = Copy(input);
            database["Name"] = name;
            database["CreateTime"] = Now();
            database["CatalogId"] = CatalogId;
            _databases[name] = new CatalogDatabase(database);
            Save();
        }
    }

    public JsonObject GetDatabase(string name)
    {
        lock (_lock)
        {
            return Copy(Database(name).Database);
        }
    }

    public List<JsonObject> ListDatabases()
    {
        lock (_lock)
        {
            return [.. _databases.Values.Select(d => Copy(d.Database))];
        }
    }

    public void UpdateDatabase(string name, JsonObject input)
    {
        lock (_lock)
        {
            var entry = Database(name);
            var updated = Copy(input);
            var newName = Normalize((string)input["Name"]!);
            if (newName != Normalize(name))
            {
                throw GlueErrors.InvalidInput("Database name cannot be changed.");
            }
            updated["Name"] = newName;
            updated["CreateTime"] = entry.Database["CreateTime"]?.DeepClone();
            updated["CatalogId"] = CatalogId;
            entry.Database = updated;
            Save();
        }
    }

    public void DeleteDatabase(string name)
    {
        lock (_lock)
        {
            Database(name);
            _databases.Remove(Normalize(name));
            Save();
        }
    }

    // ---- Tables ----

    public void CreateTable(string databaseName, JsonObject tableInput)
    {
        lock (_lock)
        {
            var database = Database(databaseName);
            var name = Normalize((string)tableInput["Name"]!);
            if (database.Tables.ContainsKey(name))
            {
                throw GlueErrors.AlreadyExists("Table already exists.");
            }
            var now = Now();
            var table = new CatalogTable();
            var shape = TableShape(database, tableInput, now, now, "0");
            table.Versions.Add(("0", shape));
            table.NextVersion = 1;
            database.Tables[name] = table;
            Save();
        }
    }

    /// <summary>The current table, or the version <paramref name="versionId"/> when given.</summary>
    public JsonObject GetTable(string databaseName, string tableName, string? versionId = null)
    {
        lock (_lock)
        {
            var table = Table(databaseName, tableName);
            if (versionId is null)
            {
                return Copy(table.Current);
            }
            foreach (var (id, shape) in table.Versions)
            {
                if (id == versionId)
                {
                    return Copy(shape);
                }
            }
            throw GlueErrors.EntityNotFound($"Version {versionId} of table {Normalize(tableName)} not found.");
        }
    }

    public List<JsonObject> ListTables(string databaseName)
    {
        lock (_lock)
        {
            return [.. Database(databaseName).Tables.Values.Select(t => Copy(t.Current))];
        }
    }

    /// <summary>Every table of every database (SearchTables).</summary>
    public List<JsonObject> AllTables()
    {
        lock (_lock)
        {
            return [.. _databases.Values.SelectMany(d => d.Tables.Values).Select(t => Copy(t.Current))];
        }
    }

    /// <summary>
    /// Replaces the table with <paramref name="tableInput"/>: a new version, unless <paramref name="skipArchive"/>, in
    /// which case the current version is overwritten. <paramref name="expectedVersionId"/>, when given, must be the current one.
    /// </summary>
    public void UpdateTable(string databaseName, JsonObject tableInput, bool skipArchive, string? expectedVersionId)
    {
        lock (_lock)
        {
            var database = Database(databaseName);
            var table = Table(databaseName, (string)tableInput["Name"]!);
            var (currentId, current) = table.Versions[^1];
            if (expectedVersionId is not null && expectedVersionId != currentId)
            {
                throw new Aws.AwsErrorException("ConcurrentModificationException", $"Update table failed due to concurrent modifications: version {expectedVersionId} is not the current version {currentId}.");
            }
            var created = (long?)current["CreateTime"] ?? Now();
            if (skipArchive)
            {
                table.Versions[^1] = (currentId, TableShape(database, tableInput, created, Now(), currentId));
            }
            else
            {
                var id = table.NextVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
                table.NextVersion++;
                table.Versions.Add((id, TableShape(database, tableInput, created, Now(), id)));
            }
            Save();
        }
    }

    public void DeleteTable(string databaseName, string tableName)
    {
        lock (_lock)
        {
            Table(databaseName, tableName);
            Database(databaseName).Tables.Remove(Normalize(tableName));
            Save();
        }
    }

    /// <summary>The versions, newest first, as (VersionId, Table).</summary>
    public List<(string VersionId, JsonObject Table)> GetTableVersions(string databaseName, string tableName)
    {
        lock (_lock)
        {
            var table = Table(databaseName, tableName);
            return [.. Enumerable.Reverse(table.Versions).Select(v => (v.VersionId, Copy(v.Table)))];
        }
    }

    public void DeleteTableVersion(string databaseName, string tableName, string versionId)
    {
        lock (_lock)
        {
            var table = Table(databaseName, tableName);
            var index = table.Versions.FindIndex(v => v.VersionId == versionId);
            if (index < 0)
            {
                throw GlueErrors.EntityNotFound($"Version {versionId} of table {Normalize(tableName)} not found.");
            }
            if (index == table.Versions.Count - 1)
            {
                throw GlueErrors.InvalidInput("Cannot delete the current version of a table.");
            }
            table.Versions.RemoveAt(index);
            Save();
        }
    }

    // ---- Partitions ----

    /// <summary>
    /// Adds partitions (one for CreatePartition, up to 100 for BatchCreatePartition) in one save. Returns the values and
    /// error of each input that was refused; the others are added. Refusing the table itself throws.
    /// </summary>
    public List<(JsonArray Values, Aws.AwsErrorException Error)> CreatePartitions(string databaseName, string tableName, IReadOnlyList<JsonObject> inputs)
    {
        lock (_lock)
        {
            var table = Table(databaseName, tableName);
            var keyCount = (table.Current["PartitionKeys"] as JsonArray)?.Count ?? 0;
            var errors = new List<(JsonArray, Aws.AwsErrorException)>();
            var now = Now();
            foreach (var input in inputs)
            {
                var values = PartitionValues(input["Values"]);
                if (values.Count != keyCount)
                {
                    errors.Add((ValuesArray(values), GlueErrors.InvalidInput($"The number of partition keys do not match the number of partition values.")));
                    continue;
                }
                var key = CatalogTable.PartitionKey(values);
                if (table.Partitions.ContainsKey(key))
                {
                    errors.Add((ValuesArray(values), GlueErrors.AlreadyExists("Partition already exists.")));
                    continue;
                }
                var partition = Copy(input);
                partition["Values"] = ValuesArray(values);
                partition["DatabaseName"] = (string)table.Current["DatabaseName"]!;
                partition["TableName"] = (string)table.Current["Name"]!;
                partition["CreationTime"] = now;
                partition["CatalogId"] = CatalogId;
                table.Partitions[key] = partition;
            }
            if (errors.Count < inputs.Count)
            {
                Save();
            }
            return errors;
        }
    }

    public JsonObject GetPartition(string databaseName, string tableName, IReadOnlyList<string> values)
    {
        lock (_lock)
        {
            var table = Table(databaseName, tableName);
            return table.Partitions.TryGetValue(CatalogTable.PartitionKey(values), out var partition)
                ? Copy(partition)
                : throw GlueErrors.EntityNotFound("Cannot find partition.");
        }
    }

    /// <summary>The partitions in value order, those <paramref name="filter"/> accepts when given.</summary>
    public List<JsonObject> GetPartitions(string databaseName, string tableName, PartitionExpression? filter)
    {
        lock (_lock)
        {
            var table = Table(databaseName, tableName);
            var keys = PartitionKeyColumns(table.Current);
            var bound = filter?.Bind(keys);
            var result = new List<JsonObject>();
            foreach (var partition in table.Partitions.Values)
            {
                if (bound is null || bound.Matches(PartitionValues(partition["Values"])))
                {
                    result.Add(Copy(partition));
                }
            }
            return result;
        }
    }

    /// <summary>Removes partitions in one save; returns the values of those that did not exist.</summary>
    public List<IReadOnlyList<string>> DeletePartitions(string databaseName, string tableName, IReadOnlyList<IReadOnlyList<string>> partitions)
    {
        lock (_lock)
        {
            var table = Table(databaseName, tableName);
            var missing = new List<IReadOnlyList<string>>();
            foreach (var values in partitions)
            {
                if (!table.Partitions.Remove(CatalogTable.PartitionKey(values)))
                {
                    missing.Add(values);
                }
            }
            if (missing.Count < partitions.Count)
            {
                Save();
            }
            return missing;
        }
    }

    /// <summary>The partition keys of a Table shape as (name, Hive type), in order.</summary>
    public static List<(string Name, string Type)> PartitionKeyColumns(JsonObject table) =>
        [.. ((table["PartitionKeys"] as JsonArray) ?? []).OfType<JsonObject>().Select(c => ((string)c["Name"]!, (string?)c["Type"] ?? "string"))];

    // ---- Internals (under the lock) ----

    private CatalogDatabase Database(string name) =>
        _databases.TryGetValue(Normalize(name), out var database) ? database : throw GlueErrors.DatabaseNotFound(Normalize(name));

    private CatalogTable Table(string databaseName, string tableName) =>
        Database(databaseName).Tables.TryGetValue(Normalize(tableName), out var table) ? table : throw GlueErrors.TableNotFound(Normalize(databaseName), Normalize(tableName));

    private JsonObject TableShape(CatalogDatabase database, JsonObject input, long created, long updated, string versionId)
    {
        var shape = Copy(input);
        shape["Name"] = Normalize((string)input["Name"]!);
        shape["DatabaseName"] = (string)database.Database["Name"]!;
        shape["CreateTime"] = created;
        shape["UpdateTime"] = updated;
        shape["IsRegisteredWithLakeFormation"] = false;
        shape["CatalogId"] = CatalogId;
        shape["VersionId"] = versionId;
        // Glue keeps column names in lowercase.
        foreach (var columns in new[] { (shape["StorageDescriptor"] as JsonObject)?["Columns"] as JsonArray, shape["PartitionKeys"] as JsonArray })
        {
            foreach (var column in columns?.OfType<JsonObject>() ?? [])
            {
                if (column["Name"] is JsonValue name && name.TryGetValue<string>(out var text))
                {
                    column["Name"] = text.ToLowerInvariant();
                }
            }
        }
        return shape;
    }

    internal static List<string> PartitionValues(JsonNode? values) =>
        [.. ((values as JsonArray) ?? []).Select(v => v is JsonValue value && value.TryGetValue<string>(out var text) ? text : v?.ToJsonString() ?? "")];

    private static JsonArray ValuesArray(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);

    private static JsonObject Copy(JsonObject value) => (JsonObject)value.DeepClone();

    private void Save()
    {
        if (_path is not null)
        {
            Foundation.IO.DurableFile.WriteAtomically(_path, CatalogFile.Write(_databases));
        }
    }
}
