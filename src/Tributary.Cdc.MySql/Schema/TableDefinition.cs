namespace Tributary.Cdc.MySql.Schema;

/// <summary>
/// A column as the DDL declares it. <see cref="DataType"/> is the base type in lower case after aliases are resolved
/// (<c>integer</c> → <c>int</c>, <c>dec</c> → <c>decimal</c>, <c>bool</c> → <c>tinyint</c>...), which the value converters
/// key on; <see cref="ColumnType"/> the full lower-case type (<c>int(10) unsigned</c>, <c>enum('a','b')</c>);
/// <see cref="Precision"/>/<see cref="Scale"/> a DECIMAL's digits or a BIT's width, <see cref="DatetimePrecision"/> the
/// fractional seconds, <see cref="Length"/> a CHAR/BINARY/VARCHAR/VARBINARY length. The init-only members are what
/// Debezium's <c>tableChanges</c> column carries besides: the type name as written (<c>INT UNSIGNED</c>), the declared
/// length and scale, the default value, the comment, whether the server generates the value.
/// </summary>
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
    public string TypeName { get; init; } = DataType.ToUpperInvariant();

    /// <summary>Debezium's <c>typeExpression</c>: the type name, with the members for ENUM and SET.</summary>
    public string? TypeExpression { get; init; }

    /// <summary>The declared length (<c>INT(11)</c> → 11, <c>VARCHAR(255)</c> → 255, <c>DECIMAL(6,2)</c> → 6, <c>DATETIME(6)</c> → 6).</summary>
    public int? TypeLength { get; init; }

    public int? TypeScale { get; init; }

    public bool HasDefault { get; init; }

    /// <summary>The default as written (a string literal unquoted; null for DEFAULT NULL).</summary>
    public string? DefaultValue { get; init; }

    public string? Comment { get; init; }

    /// <summary>Whether the server computes the value (AUTO_INCREMENT or a generated column).</summary>
    public bool Generated { get; init; }

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
        return [.. DdlTokenizer.Tokenize(ColumnType[(open + 1)..close]).Where(t => t.Kind == DdlTokenKind.String).Select(t => t.Value)];
    }
}

/// <summary>
/// An index other than the primary key: its name (as DROP INDEX names it), the columns of its key parts in order, and
/// whether it is UNIQUE. An index with a functional key part (<c>UNIQUE ((lower(name)))</c>) has
/// <see cref="Functional"/> set: it names no column for that part and never keys a table. Non-unique indexes are kept
/// for their names (an unnamed index is named after the names already taken).
/// </summary>
public sealed record TableIndex(string Name, IReadOnlyList<string> Columns, bool Unique, bool Functional = false);

/// <summary>
/// A table: its columns in ordinal order (positions from 1), its declared primary key columns in key order, its UNIQUE
/// and other indexes in creation order, its default charset and comment.
/// </summary>
public sealed record TableDefinition(string Database, string Table, IReadOnlyList<ColumnDefinition> Columns, IReadOnlyList<string> PrimaryKey, string? DefaultCharset)
{
    public string? Comment { get; init; }

    public IReadOnlyList<TableIndex> Indexes { get; init; } = [];

    /// <summary>
    /// The columns that key the table's records, Debezium's <c>primaryKeyColumnNames</c>: the primary key; without one,
    /// the first UNIQUE index whose key parts are all columns declared NOT NULL (MySQL's own rule for which index stands
    /// in for a missing primary key, and the one Debezium's DDL parser applies); otherwise none.
    /// </summary>
    public IReadOnlyList<string> KeyColumns
    {
        get
        {
            if (PrimaryKey.Count > 0)
            {
                return PrimaryKey;
            }
            foreach (var index in Indexes)
            {
                if (index.Unique && !index.Functional && index.Columns.Count > 0 && index.Columns.All(name => IndexOf(name) is var i && i >= 0 && !Columns[i].Nullable))
                {
                    return [.. index.Columns.Select(name => Columns[IndexOf(name)].Name)];
                }
            }
            return [];
        }
    }

    /// <summary>The column named <paramref name="name"/> (column names compare without case), or -1.</summary>
    public int IndexOf(string name)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (Columns[i].Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        return -1;
    }
}
