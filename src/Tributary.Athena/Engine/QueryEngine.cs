using DuckDB.NET.Data;
using Tributary.Aws;
using Tributary.Glue.Catalog;

namespace Tributary.Athena.Engine;

/// <summary>
/// Runs one SQL query on an in-memory DuckDB database of its own (lent by <see cref="PreparedDatabases"/>, already
/// holding Trino's common functions as macros, <see cref="TrinoFunctions"/>): the catalog database
/// <c>awsdatacatalog</c> gets a view per catalog table the query names (<see cref="TableViews"/>; kept between the
/// queries a database serves while its SQL is unchanged, <see cref="PreparedDatabase.DefineViews"/>), the query's
/// database is the current schema. Only queries (SELECT, WITH, VALUES) run; anything DuckDB refuses becomes a
/// <see cref="QueryFailure"/> with DuckDB's wording (as Athena's own DuckDB engine reports it) and Athena's error
/// codes. Thread-safe: no two calls share a database.
/// </summary>
public sealed class QueryEngine(DataCatalog catalog, ObjectFiles files) : IDisposable
{
    private const string CatalogName = PreparedDatabases.CatalogName;

    private readonly PreparedDatabases _databases = new();

    public async Task<QueryResult> RunAsync(string sql, string? database, CancellationToken cancellationToken)
    {
        CheckStatement(sql);
        var clean = false;
        PreparedDatabase? prepared = null;
        try
        {
            prepared = _databases.Rent();
            var scanned = await CreateViewsAsync(prepared, sql, database, cancellationToken).ConfigureAwait(false);
            var result = Read(prepared.Connection, TrinoFunctions.Rewrite(sql), scanned, cancellationToken);
            clean = true;
            return result;
        }
        catch (DuckDBException e)
        {
            throw Translate(e);
        }
        finally
        {
            if (prepared is not null)
            {
                _databases.Return(prepared, clean);
            }
        }
    }

    public void Dispose() => _databases.Dispose();

    /// <summary>Athena runs one statement; this engine runs queries only (no DDL or DML writes: the catalog is Glue's).</summary>
    private static void CheckStatement(string sql)
    {
        var text = sql.TrimStart();
        while (text.StartsWith("--", StringComparison.Ordinal) || text.StartsWith("/*", StringComparison.Ordinal) || text.StartsWith('('))
        {
            if (text.StartsWith('('))
            {
                text = text[1..].TrimStart();
                continue;
            }
            var end = text.StartsWith("--", StringComparison.Ordinal) ? text.IndexOf('\n') : text.IndexOf("*/", StringComparison.Ordinal) + 1;
            text = end <= 0 ? "" : text[(end + 1)..].TrimStart();
        }
        var word = new string([.. text.TakeWhile(char.IsLetter)]).ToUpperInvariant();
        if (word is not ("SELECT" or "WITH" or "VALUES" or "TABLE"))
        {
            throw new QueryFailure(word.Length == 0
                ? "line 1:1: mismatched input '<EOF>'. Expecting: a query"
                : $"line 1:1: {word} statements are not supported by this engine: only queries (SELECT, WITH, VALUES) run (docs/athena.md)", QueryFailure.UserError);
        }
    }

    private async Task<long> CreateViewsAsync(PreparedDatabase prepared, string sql, string? database, CancellationToken cancellationToken)
    {
        var context = (database ?? "default").ToLowerInvariant();
        var tables = new Dictionary<(string, string), System.Text.Json.Nodes.JsonObject>();
        foreach (var chain in TableReferences.Find(sql))
        {
            var names = chain.Length == 3 && chain[0] == CatalogName ? chain[1..] : chain;
            (string Database, string Table)? reference = names.Length switch
            {
                1 => (context, names[0]),
                2 => (names[0], names[1]),
                _ => null,
            };
            if (reference is not { } target || tables.ContainsKey(target))
            {
                continue;
            }
            try
            {
                tables[target] = catalog.GetTable(target.Database, target.Table);
            }
            catch (AwsErrorException)
            {
                // Not a catalog table (a column, an alias, a CTE) or an unknown one: DuckDB reports the latter.
            }
        }
        long scanned = 0;
        var views = new Dictionary<(string, string), string>();
        foreach (var ((databaseName, tableName), table) in tables)
        {
            TableViews.View view;
            try
            {
                // Pruning from the WHERE clause only when one table is read: a key's name cannot then mean another table's column.
                var filter = tables.Count == 1 ? PartitionPruning.Extract(sql, DataCatalog.PartitionKeyColumns(table)) : null;
                view = await TableViews.BuildAsync(catalog, table, filter, files, cancellationToken).ConfigureAwait(false);
            }
            catch (FormatException e)
            {
                throw new QueryFailure($"Table {databaseName}.{tableName}: {e.Message}", QueryFailure.UserError, e);
            }
            scanned += view.Bytes;
            views[(databaseName, tableName)] = view.Sql;
        }
        prepared.DefineViews(views, context);
        return scanned;
    }

    private static QueryResult Read(DuckDBConnection connection, string sql, long scanned, CancellationToken cancellationToken)
    {
        List<ResultColumn> columns = [];
        var rows = new List<string?[]>();
        // The reader's type names are exact for the plain types; a decimal (precision and scale), a list, a struct or a
        // map needs DuckDB's full type, which DESCRIBE gives: then the values are kept as read and formatted after it.
        List<object?[]>? values = null;
        using (var command = connection.CreateCommand())
        {
            command.CommandText = sql;
            using var registration = cancellationToken.Register(() => command.Cancel());
            using var reader = command.ExecuteReader();
            var plain = true;
            for (var i = 0; i < reader.FieldCount; i++)
            {
                var type = reader.GetDataTypeName(i).ToUpperInvariant();
                plain &= PlainTypes.Contains(type);
                columns.Add(AthenaTypes.Column(reader.GetName(i), type));
            }
            values = plain ? null : [];
            while (reader.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (values is not null)
                {
                    var raw = new object?[columns.Count];
                    for (var i = 0; i < raw.Length; i++)
                    {
                        raw[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                    }
                    values.Add(raw);
                    continue;
                }
                var row = new string?[columns.Count];
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] = reader.IsDBNull(i) ? null : AthenaTypes.Format(reader.GetValue(i));
                }
                rows.Add(row);
            }
        }
        cancellationToken.ThrowIfCancellationRequested();
        if (values is not null)
        {
            var types = new List<string>();
            using (var describe = connection.CreateCommand())
            {
                describe.CommandText = "DESCRIBE " + sql;
                using var described = describe.ExecuteReader();
                while (described.Read())
                {
                    types.Add(described.GetString(1));
                }
            }
            columns = [.. columns.Select((c, i) => i < types.Count ? AthenaTypes.Column(c.Name, types[i]) : c)];
            foreach (var raw in values)
            {
                var row = new string?[columns.Count];
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] = raw[i] is decimal number
                        ? number.ToString("F" + columns[i].Scale.ToString(System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture)
                        : AthenaTypes.Format(raw[i]);
                }
                rows.Add(row);
            }
        }
        return new QueryResult(columns, rows, scanned);
    }

    /// <summary>Reader type names (upper case) that are DuckDB's full type: no DESCRIBE needed for them.</summary>
    private static readonly HashSet<string> PlainTypes = new(StringComparer.Ordinal)
    {
        "VARCHAR", "BIGINT", "INTEGER", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT", "UINTEGER", "USMALLINT", "UTINYINT",
        "DOUBLE", "FLOAT", "BOOLEAN", "DATE",
    };

    /// <summary>DuckDB's error classes as Athena's categories: the query's fault (1000), the data's (1001), or ours (100).</summary>
    private static QueryFailure Translate(DuckDBException error)
    {
        var message = error.Message.Trim();
        var kind = message.Contains(':', StringComparison.Ordinal) ? message[..message.IndexOf(':', StringComparison.Ordinal)] : "";
        var codes = kind switch
        {
            "Parser Error" or "Binder Error" or "Catalog Error" or "Syntax Error" or "Not implemented Error" or "Dependency Error" => QueryFailure.UserError,
            "Invalid Input Error" or "Conversion Error" or "IO Error" or "Out of Range Error" => QueryFailure.DataError,
            _ => QueryFailure.InternalError,
        };
        return new QueryFailure(message.Replace("awsdatacatalog.", "", StringComparison.Ordinal), codes, error);
    }
}
