using System.Collections.Concurrent;
using DuckDB.NET.Data;

namespace Tributary.Athena.Engine;

/// <summary>
/// In-memory DuckDB databases kept open between queries, each set up once (Trino's functions as temporary macros, the
/// empty catalog database attached as <see cref="CatalogName"/>) and lent to one query at a time: opening a database
/// and creating the macros cost more than a small query itself (a count(*) over 8 Parquet files). A database rather
/// than a connection to one shared database per query, because a query's catalog views live in an attached database
/// and DuckDB attaches databases for every connection of an instance: two queries at once would see each other's
/// views. A returned database gets a fresh empty catalog (detach, attach: the views go with it); one whose query
/// failed or was interrupted is closed instead, so nothing a failure left behind reaches the next query.
/// At most <see cref="MaxIdle"/> are kept (QueryExecutions runs two at once). Thread-safe.
/// </summary>
internal sealed class PreparedDatabases : IDisposable
{
    public const string CatalogName = "awsdatacatalog";
    private const int MaxIdle = 4;

    private readonly ConcurrentBag<DuckDBConnection> _idle = [];
    private int _disposed;

    /// <summary>An idle prepared database, or a new one. Throws DuckDBException when DuckDB cannot open one.</summary>
    public DuckDBConnection Rent()
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
            // are cached in the database (DuckDB checks each file's modification time before using its entry): every
            // query binds a table's files twice (creating its view, then running), and queries repeat over the same files.
            Execute(connection, string.Join(";\n", TrinoFunctions.Macros) + $";\nATTACH ':memory:' AS {CatalogName};\nSET parquet_metadata_cache = true");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Takes a database back after a query: reusable when the query ended normally (<paramref name="clean"/>).</summary>
    public void Return(DuckDBConnection connection, bool clean)
    {
        if (clean && Volatile.Read(ref _disposed) == 0 && _idle.Count < MaxIdle)
        {
            try
            {
                Execute(connection, $"USE memory.main;\nDETACH {CatalogName};\nATTACH ':memory:' AS {CatalogName}");
                _idle.Add(connection);
                return;
            }
            catch (DuckDBException)
            {
                // Not reusable after all: closed below.
            }
        }
        connection.Dispose();
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
        while (_idle.TryTake(out var connection))
        {
            connection.Dispose();
        }
    }
}
