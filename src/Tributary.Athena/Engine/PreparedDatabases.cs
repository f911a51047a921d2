using System.Collections.Concurrent;
using System.Text;
using DuckDB.NET.Data;

namespace Tributary.Athena.Engine;

/// <summary>
/// In-memory DuckDB databases kept open between queries, each set up once (Trino's functions as temporary macros, the
/// catalog database attached as <see cref="CatalogName"/>) and lent to one query at a time: opening a database and
/// creating the macros cost more than a small query itself (a count(*) over 8 Parquet files). A database rather than a
/// connection to one shared database per query, because a query's catalog views live in an attached database and
/// DuckDB attaches databases for every connection of an instance: two queries at once would see each other's views.
/// A database keeps its views between the queries it serves (<see cref="PreparedDatabase.DefineViews"/>): a view whose
/// SQL is unchanged is not made again (making one binds it, which reads the table's file footers). One whose query failed
/// or was interrupted is closed instead of lent again, so nothing a failure left behind reaches the next query.
/// At most <see cref="MaxIdle"/> are kept (QueryExecutions runs two at once). Thread-safe.
/// </summary>
internal sealed class PreparedDatabases : IDisposable
{
    public const string CatalogName = "awsdatacatalog";
    private const int MaxIdle = 4;

    private readonly ConcurrentBag<PreparedDatabase> _idle = [];
    private int _disposed;

    /// <summary>An idle prepared database, or a new one. Throws DuckDBException when DuckDB cannot open one.</summary>
    public PreparedDatabase Rent()
    {
        if (_idle.TryTake(out var idle))
        {
            return idle;
        }
        var connection = new DuckDBConnection("DataSource=:memory:");
        try
        {
            connection.Open();
            // One command for the set-up: DuckDB runs the statements in order, one call instead of a dozen. Parquet footers
            // are cached in the database (DuckDB checks each file's modification time before using its entry): queries
            // repeat over the same files.
            Execute(connection, string.Join(";\n", TrinoFunctions.Macros) + $";\nATTACH ':memory:' AS {CatalogName};\nSET parquet_metadata_cache = true");
            return new PreparedDatabase(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Takes a database back after a query: lent again when the query ended normally (<paramref name="clean"/>).</summary>
    public void Return(PreparedDatabase database, bool clean)
    {
        if (clean && Volatile.Read(ref _disposed) == 0 && _idle.Count < MaxIdle)
        {
            _idle.Add(database);
            return;
        }
        database.Connection.Dispose();
    }

    public static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        Interlocked.Exchange(ref _disposed, 1);
        while (_idle.TryTake(out var database))
        {
            database.Connection.Dispose();
        }
    }
}

/// <summary>
/// One prepared database and the views its catalog holds (schema-qualified name → the view's SQL), so that a query
/// makes only the views that are new or changed. Used by one query at a time (not thread-safe).
/// </summary>
internal sealed class PreparedDatabase(DuckDBConnection connection)
{
    private readonly Dictionary<(string Schema, string Table), string> _views = [];
    private readonly HashSet<string> _schemas = new(StringComparer.Ordinal);

    public DuckDBConnection Connection { get; } = connection;

    /// <summary>
    /// Makes the catalog hold exactly <paramref name="views"/> (table → view SQL) and the schema <paramref name="context"/>,
    /// then makes that schema current; one DuckDB call. A view with the same SQL as before is kept as it is (its SQL names
    /// every file it reads, so a changed table, partition list or file list is a changed view); a view this query does not
    /// name is dropped, so that a table deleted from the catalog, or one whose name the query hides in a string, never
    /// answers from an earlier query's view. The caller closes the database if this throws (the record may be behind).
    /// </summary>
    public void DefineViews(IReadOnlyDictionary<(string Schema, string Table), string> views, string context)
    {
        var setup = new StringBuilder();
        foreach (var (name, sql) in _views)
        {
            if (!views.ContainsKey(name))
            {
                setup.Append($"DROP VIEW IF EXISTS {Qualified(name)};\n");
            }
        }
        foreach (var (name, sql) in views)
        {
            if (_views.TryGetValue(name, out var existing) && existing == sql)
            {
                continue;
            }
            Schema(setup, name.Schema);
            setup.Append($"CREATE OR REPLACE VIEW {Qualified(name)} AS {sql};\n");
        }
        Schema(setup, context);
        setup.Append($"USE {PreparedDatabases.CatalogName}.{HiveTypes.Quote(context)}");
        PreparedDatabases.Execute(Connection, setup.ToString());
        _views.Clear();
        foreach (var (name, sql) in views)
        {
            _views[name] = sql;
        }
    }

    private void Schema(StringBuilder setup, string schema)
    {
        if (_schemas.Add(schema))
        {
            setup.Append($"CREATE SCHEMA IF NOT EXISTS {PreparedDatabases.CatalogName}.{HiveTypes.Quote(schema)};\n");
        }
    }

    private static string Qualified((string Schema, string Table) name) =>
        $"{PreparedDatabases.CatalogName}.{HiveTypes.Quote(name.Schema)}.{HiveTypes.Quote(name.Table)}";
}
