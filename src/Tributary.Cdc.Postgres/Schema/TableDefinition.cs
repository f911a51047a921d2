using Npgsql;

namespace Tributary.Cdc.Postgres.Schema;

/// <summary>
/// A table's columns (in attribute order, generated columns left out as pgoutput leaves them out) and key, read from
/// the catalog. Immutable.
/// </summary>
/// <remarks>
/// The key is the one Debezium's PostgreSQL connector gives the table, in the snapshot (<c>JdbcConnection.readSchema</c>,
/// <c>readPrimaryKeyOrUniqueIndexNames</c>) and in the stream (<c>PgOutputMessageDecoder</c> reads the keys again on each
/// relation message and ignores pgoutput's per-column key flag): the primary key's columns; without a primary key, the
/// columns of the first unique index in the order pgjdbc's <c>DatabaseMetaData.getIndexInfo</c> lists them (clustered
/// index first, then by index name), skipping indexes with an expression among their columns
/// (<c>PostgresConnection.isTableUniqueIndexIncluded</c>), partial and nullable indexes included, columns in the
/// index's order (its INCLUDE columns too, since pgjdbc lists all of <c>indkey</c>); without either, no key. The
/// table's REPLICA IDENTITY plays no part: <c>USING INDEX</c> makes that index the key only when it is the first one.
/// </remarks>
public sealed record TableDefinition(string Schema, string Table, IReadOnlyList<ColumnDefinition> Columns, bool KeyIsPrimaryKey)
{
    private const string ColumnsSql = """
        SELECT a.attname,
               CASE WHEN t.typtype = 'd' THEN bt.typname ELSE t.typname END,
               CASE WHEN t.typtype = 'd' THEN bt.typtype ELSE t.typtype END,
               et.typname, et.typtype,
               CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END,
               a.attnotnull,
               (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e
                 WHERE e.enumtypid = CASE WHEN et.oid IS NOT NULL THEN et.oid ELSE t.oid END),
               coalesce((SELECT k.n FROM unnest(key_index.indkey) WITH ORDINALITY AS k(attnum, n) WHERE k.attnum = a.attnum), 0)::int,
               coalesce(key_index.indisprimary, false)
          FROM pg_attribute a
          JOIN pg_class c ON c.oid = a.attrelid
          JOIN pg_namespace n ON n.oid = c.relnamespace
          JOIN pg_type t ON t.oid = a.atttypid
          LEFT JOIN pg_type bt ON bt.oid = t.typbasetype AND t.typtype = 'd'
          LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
          LEFT JOIN LATERAL (SELECT i.indkey, i.indisprimary FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
                              WHERE i.indrelid = c.oid AND (i.indisprimary OR (i.indisunique AND i.indexprs IS NULL))
                              ORDER BY i.indisprimary DESC, i.indisclustered DESC, ic.relname
                              LIMIT 1) key_index ON true
         WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
         ORDER BY a.attnum
        """;

    /// <summary>The table's definition, or null when it does not exist (dropped since).</summary>
    public static async Task<TableDefinition?> LoadAsync(NpgsqlConnection connection, string schema, string table, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(ColumnsSql, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = schema });
        command.Parameters.Add(new NpgsqlParameter { Value = table });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var columns = new List<ColumnDefinition>();
        var keyIsPrimaryKey = false;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            columns.Add(new ColumnDefinition(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetChar(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? ' ' : reader.GetChar(4),
                reader.GetInt32(5),
                reader.GetBoolean(6),
                reader.IsDBNull(7) ? [] : reader.GetString(7).Split(','),
                reader.GetInt32(8) - 1));
            keyIsPrimaryKey = reader.GetBoolean(9);
        }
        return columns.Count == 0 ? null : new TableDefinition(schema, table, columns, keyIsPrimaryKey);
    }

    /// <summary>The regular and partitioned tables of the database, ordered by schema and name.</summary>
    public static async Task<IReadOnlyList<(string Schema, string Table)>> ListAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1, 2",
            connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var tables = new List<(string, string)>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            tables.Add((reader.GetString(0), reader.GetString(1)));
        }
        return tables;
    }
}
