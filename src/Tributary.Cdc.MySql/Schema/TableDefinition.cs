using MySqlConnector;

namespace Tributary.Cdc.MySql.Schema;

/// <summary>A column as information_schema.COLUMNS describes it.</summary>
public sealed record ColumnDefinition(
    string Name,
    int Position,
    string DataType,
    string ColumnType,
    bool Nullable,
    int? Precision,
    int? Scale,
    int? DatetimePrecision,
    string? Charset,
    long? Length,
    bool AutoIncrement)
{
    public bool Unsigned => ColumnType.Contains("unsigned", StringComparison.OrdinalIgnoreCase);

    /// <summary>The quoted members of an ENUM or SET column type, in declaration order.</summary>
    public IReadOnlyList<string> Members()
    {
        var open = ColumnType.IndexOf('(');
        var close = ColumnType.LastIndexOf(')');
        if (open < 0 || close < open)
        {
            return [];
        }
        var members = new List<string>();
        var text = ColumnType.AsSpan(open + 1, close - open - 1);
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] != '\'')
            {
                i++;
                continue;
            }
            var builder = new System.Text.StringBuilder();
            i++;
            while (i < text.Length)
            {
                if (text[i] == '\'' && i + 1 < text.Length && text[i + 1] == '\'')
                {
                    builder.Append('\'');
                    i += 2;
                }
                else if (text[i] == '\'')
                {
                    i++;
                    break;
                }
                else
                {
                    builder.Append(text[i++]);
                }
            }
            members.Add(builder.ToString());
        }
        return members;
    }
}

/// <summary>A captured table: its columns in ordinal order and its primary key columns in key order.</summary>
public sealed record TableDefinition(string Database, string Table, IReadOnlyList<ColumnDefinition> Columns, IReadOnlyList<string> PrimaryKey, string? DefaultCharset)
{
    /// <summary>
    /// Reads a table's definition from information_schema (the server's current one). Null when the table does not
    /// exist (any more).
    /// </summary>
    public static async Task<TableDefinition?> LoadAsync(MySqlConnection connection, string database, string table, CancellationToken cancellationToken)
    {
        var columns = new List<ColumnDefinition>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                SELECT COLUMN_NAME, ORDINAL_POSITION, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, NUMERIC_PRECISION, NUMERIC_SCALE,
                       DATETIME_PRECISION, CHARACTER_SET_NAME, CHARACTER_MAXIMUM_LENGTH, EXTRA
                FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = @db AND TABLE_NAME = @table ORDER BY ORDINAL_POSITION
                """;
            command.Parameters.AddWithValue("@db", database);
            command.Parameters.AddWithValue("@table", table);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                columns.Add(new ColumnDefinition(
                    reader.GetString(0),
                    Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture),
                    reader.GetString(2).ToLowerInvariant(),
                    reader.GetString(3),
                    reader.GetString(4) == "YES",
                    reader.IsDBNull(5) ? null : Convert.ToInt32(reader.GetValue(5), System.Globalization.CultureInfo.InvariantCulture),
                    reader.IsDBNull(6) ? null : Convert.ToInt32(reader.GetValue(6), System.Globalization.CultureInfo.InvariantCulture),
                    reader.IsDBNull(7) ? null : Convert.ToInt32(reader.GetValue(7), System.Globalization.CultureInfo.InvariantCulture),
                    reader.IsDBNull(8) ? null : reader.GetString(8),
                    reader.IsDBNull(9) ? null : Convert.ToInt64(reader.GetValue(9), System.Globalization.CultureInfo.InvariantCulture),
                    reader.GetString(10).Contains("auto_increment", StringComparison.OrdinalIgnoreCase)));
            }
        }
        if (columns.Count == 0)
        {
            return null;
        }
        var key = new List<string>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE
                WHERE TABLE_SCHEMA = @db AND TABLE_NAME = @table AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION
                """;
            command.Parameters.AddWithValue("@db", database);
            command.Parameters.AddWithValue("@table", table);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                key.Add(reader.GetString(0));
            }
        }
        string? charset = null;
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                SELECT c.CHARACTER_SET_NAME FROM information_schema.TABLES t
                JOIN information_schema.COLLATION_CHARACTER_SET_APPLICABILITY c ON c.COLLATION_NAME = t.TABLE_COLLATION
                WHERE t.TABLE_SCHEMA = @db AND t.TABLE_NAME = @table
                """;
            command.Parameters.AddWithValue("@db", database);
            command.Parameters.AddWithValue("@table", table);
            charset = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        }
        return new TableDefinition(database, table, columns, key, charset);
    }
}
