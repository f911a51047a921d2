namespace Tributary.Cdc.MySql.Schema;

/// <summary>
/// The table definitions in force at one binlog position, as DDL and the schema history built them: tables by
/// database and name (compared as the server compares them on Linux, exactly), and each database's default charset
/// (the server's when the database declared none). Used by the reader task only.
/// </summary>
public sealed class TableSchemas
{
    private readonly Dictionary<(string Database, string Table), TableDefinition> _tables = [];
    private readonly Dictionary<string, string?> _databases = [];

    /// <summary>The server's <c>character_set_server</c>, the charset of databases created without one.</summary>
    public string? ServerCharset { get; set; }

    public TableDefinition? Find(string database, string table) => _tables.GetValueOrDefault((database, table));

    public void Put(TableDefinition table)
    {
        _databases.TryAdd(table.Database, null);
        _tables[(table.Database, table.Table)] = table;
    }

    public bool Remove(string database, string table) => _tables.Remove((database, table));

    /// <summary>The tables of <paramref name="database"/>, in name order.</summary>
    public IReadOnlyList<TableDefinition> InDatabase(string database) =>
        [.. _tables.Values.Where(t => t.Database == database).OrderBy(t => t.Table, StringComparer.Ordinal)];

    public void PutDatabase(string database, string? charset)
    {
        if (charset is not null || !_databases.ContainsKey(database))
        {
            _databases[database] = charset;
        }
    }

    /// <summary>Forgets a database and its tables.</summary>
    public void RemoveDatabase(string database)
    {
        _databases.Remove(database);
        foreach (var key in _tables.Keys.Where(k => k.Database == database).ToList())
        {
            _tables.Remove(key);
        }
    }

    public string? DatabaseCharset(string database) => _databases.GetValueOrDefault(database) ?? ServerCharset;
}
