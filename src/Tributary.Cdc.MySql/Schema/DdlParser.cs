using System.Globalization;

namespace Tributary.Cdc.MySql.Schema;

/// <summary>One table a DDL statement changed: CREATE, ALTER or DROP, and the table's definition after it (the last one for DROP).</summary>
public sealed record TableChange(string Type, string Database, string Table, TableDefinition Definition);

/// <summary>
/// What one statement did: whether it is DDL that changes databases or tables at all (GRANT, CREATE VIEW, SET... are
/// not), the database it is about (Debezium's <c>databaseName</c>) and the tables it changed. A TRUNCATE changes no
/// definition: it names the table it emptied in <see cref="Truncated"/>.
/// </summary>
public sealed record DdlResult(bool ChangesSchema, string? Database, IReadOnlyList<TableChange> Changes)
{
    public static DdlResult None { get; } = new(false, null, []);

    public (string Database, string Table)? Truncated { get; init; }
}

/// <summary>
/// Reads the MySQL/MariaDB DDL that changes tables and applies it to <see cref="TableSchemas"/>: CREATE TABLE (column
/// and key definitions, table options, <c>LIKE</c>), ALTER TABLE (ADD/DROP/MODIFY/CHANGE/RENAME/ALTER COLUMN with
/// FIRST/AFTER, ADD/DROP PRIMARY KEY, ADD/DROP/RENAME INDEX and UNIQUE keys, charset and CONVERT TO CHARACTER SET,
/// RENAME TO; foreign key, check, partition and storage clauses leave the definition alone), DROP TABLE, RENAME TABLE,
/// CREATE/ALTER/DROP DATABASE, CREATE [UNIQUE] INDEX, DROP INDEX; TRUNCATE is recognised (it changes no definition).
/// Indexes are tracked by name because a UNIQUE index keys a table without a primary key
/// (<see cref="TableDefinition.KeyColumns"/>). Other statements are reported as not changing the schema. A statement of those kinds it cannot read, or one whose
/// effect on the binlog's rows it does not model (system versioning), raises <see cref="DdlParseException"/>.
/// Stateless; the schemas are the caller's.
/// </summary>
public static class DdlParser
{
    private static readonly HashSet<string> StringTypes = ["char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum", "set"];

    /// <summary>Parses <paramref name="sql"/> (run with <paramref name="currentDatabase"/> as the default database) and applies it.</summary>
    public static DdlResult Apply(string sql, string? currentDatabase, TableSchemas schemas)
    {
        var tokens = DdlTokenizer.Tokenize(sql);
        while (tokens.Count > 0 && tokens[^1].IsSymbol(';'))
        {
            tokens.RemoveAt(tokens.Count - 1);
        }
        return new Statement(tokens, currentDatabase, schemas).Run();
    }

    private sealed class Statement(List<DdlToken> tokens, string? currentDatabase, TableSchemas schemas)
    {
        private int _at;

        private DdlToken Peek(int ahead = 0) => _at + ahead < tokens.Count ? tokens[_at + ahead] : new DdlToken(DdlTokenKind.Symbol, ";", -1, -1);

        private bool AtEnd => _at >= tokens.Count;

        private bool Accept(string keyword)
        {
            if (Peek().Is(keyword))
            {
                _at++;
                return true;
            }
            return false;
        }

        private bool Accept(char symbol)
        {
            if (Peek().IsSymbol(symbol))
            {
                _at++;
                return true;
            }
            return false;
        }

        private void Expect(string keyword)
        {
            if (!Accept(keyword))
            {
                throw Unexpected(keyword);
            }
        }

        private void Expect(char symbol)
        {
            if (!Accept(symbol))
            {
                throw Unexpected($"'{symbol}'");
            }
        }

        private DdlParseException Unexpected(string wanted) => new(AtEnd
            ? $"expected {wanted} but the statement ended"
            : $"expected {wanted} but found '{Peek().Value}' at offset {Peek().Start}");

        private string Name()
        {
            var token = Peek();
            if (!token.IsName)
            {
                throw Unexpected("a name");
            }
            _at++;
            return token.Value;
        }

        /// <summary>[database.]table; the statement's default database when unqualified.</summary>
        private (string Database, string Table) TableName()
        {
            var first = Name();
            if (Accept('.'))
            {
                return (first, Name());
            }
            return (currentDatabase ?? throw new DdlParseException($"table {first} is not qualified and no database is selected"), first);
        }

        private void AcceptIfExists()
        {
            if (Peek().Is("IF"))
            {
                _at++;
                Accept("NOT");
                Expect("EXISTS");
            }
        }

        /// <summary>Skips a balanced (...) group starting at the current '('.</summary>
        private void SkipGroup()
        {
            Expect('(');
            var depth = 1;
            while (depth > 0)
            {
                if (AtEnd)
                {
                    throw Unexpected("')'");
                }
                var token = tokens[_at++];
                if (token.IsSymbol('('))
                {
                    depth++;
                }
                else if (token.IsSymbol(')'))
                {
                    depth--;
                }
            }
        }

        /// <summary>Skips to the next ',' or ')' outside parentheses (not consuming it), or the end.</summary>
        private void SkipClause()
        {
            while (!AtEnd && !Peek().IsSymbol(',') && !Peek().IsSymbol(')'))
            {
                if (Peek().IsSymbol('('))
                {
                    SkipGroup();
                }
                else
                {
                    _at++;
                }
            }
        }

        public DdlResult Run()
        {
            if (AtEnd)
            {
                return DdlResult.None;
            }
            if (Accept("CREATE"))
            {
                if (Accept("OR"))
                {
                    Expect("REPLACE");
                }
                if (Accept("DATABASE") || Accept("SCHEMA"))
                {
                    return CreateDatabase();
                }
                if (Peek().Is("TEMPORARY"))
                {
                    return DdlResult.None; // temporary tables are not logged as rows
                }
                if (Accept("TABLE"))
                {
                    return CreateTable();
                }
                _ = Accept("ONLINE") || Accept("OFFLINE");
                var unique = Accept("UNIQUE");
                if (!unique && (Accept("FULLTEXT") || Accept("SPATIAL")) && !Peek().Is("INDEX"))
                {
                    return DdlResult.None;
                }
                if (Accept("INDEX"))
                {
                    return CreateIndex(unique);
                }
                return DdlResult.None; // views, routines, triggers, users...
            }
            if (Accept("ALTER"))
            {
                Accept("ONLINE");
                Accept("IGNORE");
                if (Accept("DATABASE") || Accept("SCHEMA"))
                {
                    return AlterDatabase();
                }
                return Accept("TABLE") ? AlterTable() : DdlResult.None;
            }
            if (Accept("DROP"))
            {
                if (Accept("DATABASE") || Accept("SCHEMA"))
                {
                    return DropDatabase();
                }
                if (Peek().Is("TEMPORARY"))
                {
                    return DdlResult.None;
                }
                if (Accept("TABLE") || Accept("TABLES"))
                {
                    return DropTables();
                }
                if (Accept("INDEX"))
                {
                    return DropIndex();
                }
                return DdlResult.None;
            }
            if (Accept("RENAME"))
            {
                return Accept("TABLE") || Accept("TABLES") ? RenameTables() : DdlResult.None;
            }
            if (Accept("TRUNCATE"))
            {
                Accept("TABLE");
                var (database, table) = TableName();
                return new DdlResult(false, database, []) { Truncated = (database, table) };
            }
            return DdlResult.None;
        }

        private DdlResult CreateDatabase()
        {
            AcceptIfExists();
            var database = Name();
            schemas.PutDatabase(database, DatabaseOptions());
            return new DdlResult(true, database, []);
        }

        private DdlResult AlterDatabase()
        {
            var database = Peek().IsName && !IsCharsetOption() ? Name() : currentDatabase ?? throw new DdlParseException("ALTER DATABASE without a database");
            schemas.PutDatabase(database, DatabaseOptions());
            return new DdlResult(true, database, []);
        }

        private bool IsCharsetOption() => Peek().Is("DEFAULT") || Peek().Is("CHARACTER") || Peek().Is("CHARSET") || Peek().Is("COLLATE");

        /// <summary>[DEFAULT] CHARACTER SET/CHARSET [=] x, [DEFAULT] COLLATE [=] y, COMMENT [=] '...': the charset (from the collation when only that is given).</summary>
        private string? DatabaseOptions()
        {
            string? charset = null;
            string? collation = null;
            while (!AtEnd)
            {
                if (Accept("DEFAULT"))
                {
                    continue;
                }
                if (Accept("CHARACTER"))
                {
                    Expect("SET");
                    Accept('=');
                    charset = Name();
                }
                else if (Accept("CHARSET"))
                {
                    Accept('=');
                    charset = Name();
                }
                else if (Accept("COLLATE"))
                {
                    Accept('=');
                    collation = Name();
                }
                else
                {
                    _at++;
                }
            }
            return charset ?? CharsetOfCollation(collation);
        }

        private DdlResult DropDatabase()
        {
            AcceptIfExists();
            var database = Name();
            var changes = schemas.InDatabase(database).Select(t => new TableChange("DROP", database, t.Table, t)).ToList();
            schemas.RemoveDatabase(database);
            return new DdlResult(true, database, changes);
        }

        private DdlResult DropTables()
        {
            AcceptIfExists();
            var changes = new List<TableChange>();
            string? database = null;
            do
            {
                var (db, table) = TableName();
                database ??= db;
                if (schemas.Find(db, table) is { } definition)
                {
                    schemas.Remove(db, table);
                    changes.Add(new TableChange("DROP", db, table, definition));
                }
            }
            while (Accept(','));
            return new DdlResult(true, database, changes);
        }

        /// <summary>
        /// DROP INDEX name ON table: the primary key, or a tracked index. It is reported as an ALTER of the table only
        /// when the table's key changed (a UNIQUE index that keyed it, or the primary key), as Debezium reports index
        /// statements; otherwise the definition is updated silently (the history still records the statement).
        /// </summary>
        private DdlResult DropIndex()
        {
            _ = Accept("ONLINE") || Accept("OFFLINE");
            AcceptIfExists();
            var index = Name();
            Expect("ON");
            var (database, table) = TableName();
            if (schemas.Find(database, table) is not { } definition)
            {
                return new DdlResult(true, database, []);
            }
            var builder = TableBuilder.From(definition);
            if (index.Equals("PRIMARY", StringComparison.OrdinalIgnoreCase))
            {
                builder.PrimaryKey = [];
            }
            else
            {
                builder.DropIndex(index);
            }
            return PutIndexChange(definition, builder);
        }

        /// <summary>
        /// CREATE [UNIQUE] INDEX name [USING type] ON table (key parts) [options]: the index joins the table's
        /// definition; reported as an ALTER only when it changed the table's key (Debezium signals CREATE UNIQUE INDEX
        /// only when the index becomes the key).
        /// </summary>
        private DdlResult CreateIndex(bool unique)
        {
            AcceptIfExists();
            var index = Name();
            if (Accept("USING"))
            {
                Name();
            }
            Expect("ON");
            var (database, table) = TableName();
            if (schemas.Find(database, table) is not { } definition)
            {
                return new DdlResult(true, database, []);
            }
            var builder = TableBuilder.From(definition);
            var (columns, functional) = KeyParts();
            builder.AddIndex(index, columns, unique, functional);
            return PutIndexChange(definition, builder);
        }

        private DdlResult PutIndexChange(TableDefinition before, TableBuilder builder)
        {
            var after = builder.Build(schemas);
            schemas.Put(after);
            return after.KeyColumns.SequenceEqual(before.KeyColumns, StringComparer.Ordinal)
                ? new DdlResult(true, after.Database, [])
                : new DdlResult(true, after.Database, [new TableChange("ALTER", after.Database, after.Table, after)]);
        }

        private DdlResult RenameTables()
        {
            var changes = new List<TableChange>();
            string? database = null;
            do
            {
                var (fromDb, fromTable) = TableName();
                Expect("TO");
                var (toDb, toTable) = TableName();
                database ??= toDb;
                if (schemas.Find(fromDb, fromTable) is { } definition)
                {
                    schemas.Remove(fromDb, fromTable);
                    var renamed = definition with { Database = toDb, Table = toTable };
                    schemas.Put(renamed);
                    changes.Add(new TableChange("ALTER", toDb, toTable, renamed));
                }
            }
            while (Accept(','));
            return new DdlResult(true, database, changes);
        }

        private DdlResult CreateTable()
        {
            AcceptIfExists();
            var (database, table) = TableName();
            if (Accept("LIKE") || (Peek().IsSymbol('(') && Peek(1).Is("LIKE") && Accept('(') && Accept("LIKE")))
            {
                var (likeDb, likeTable) = TableName();
                Accept(')');
                if (schemas.Find(likeDb, likeTable) is not { } like)
                {
                    return new DdlResult(true, database, []);
                }
                var copy = like with { Database = database, Table = table };
                schemas.Put(copy);
                return new DdlResult(true, database, [new TableChange("CREATE", database, table, copy)]);
            }
            if (!Peek().IsSymbol('('))
            {
                // CREATE TABLE ... SELECT without column definitions: row-based binlogs carry the explicit CREATE instead.
                throw Unexpected("'(' and the column definitions");
            }
            var builder = new TableBuilder(database, table, null, [], []);
            _at++;
            do
            {
                CreateDefinition(builder);
            }
            while (Accept(','));
            Expect(')');
            TableOptions(builder);
            var definition = builder.Build(schemas);
            schemas.Put(definition);
            return new DdlResult(true, database, [new TableChange("CREATE", database, table, definition)]);
        }

        /// <summary>A column, or a key or constraint (the primary key and indexes matter to the definition; foreign keys and checks do not).</summary>
        private void CreateDefinition(TableBuilder builder)
        {
            string? constraint = null;
            if (Accept("CONSTRAINT"))
            {
                if (!Peek().Is("PRIMARY") && !Peek().Is("UNIQUE") && !Peek().Is("FOREIGN") && !Peek().Is("CHECK"))
                {
                    constraint = Name();
                }
            }
            if (Accept("PRIMARY"))
            {
                Expect("KEY");
                builder.PrimaryKey = KeyParts().Columns;
                SkipClause();
            }
            else if (!IndexDefinition(builder, constraint))
            {
                if (Peek().Is("FOREIGN") || Peek().Is("CHECK") || Peek().Is("PERIOD") || Peek().Is("VECTOR"))
                {
                    SkipClause();
                }
                else
                {
                    builder.Add(Column(builder), null);
                }
            }
        }

        /// <summary>
        /// An index definition, when one starts here: <c>UNIQUE [INDEX|KEY] [IF NOT EXISTS] [name] [USING type] (key
        /// parts) [options]</c>, <c>{INDEX|KEY} …</c>, <c>{FULLTEXT|SPATIAL} [INDEX|KEY] …</c>. An unnamed index is named
        /// as the server names it: after the constraint symbol, else its first column (<c>_2</c>, <c>_3</c>… when taken).
        /// </summary>
        private bool IndexDefinition(TableBuilder builder, string? constraint)
        {
            bool unique;
            if (Accept("UNIQUE"))
            {
                unique = true;
                _ = Accept("INDEX") || Accept("KEY");
            }
            else if (Accept("FULLTEXT") || Accept("SPATIAL"))
            {
                unique = false;
                _ = Accept("INDEX") || Accept("KEY");
            }
            else if (Accept("INDEX") || Accept("KEY"))
            {
                unique = false;
            }
            else
            {
                return false;
            }
            AcceptIfExists();
            var name = Peek().IsName && !Peek().Is("USING") ? Name() : constraint;
            var (columns, functional) = KeyParts();
            SkipClause();
            builder.AddIndex(name, columns, unique, functional);
            return true;
        }

        /// <summary>[USING x] (name[(length)] [ASC|DESC], ...): the key's column names, and whether a functional key part (which names no column) was among them.</summary>
        private (List<string> Columns, bool Functional) KeyParts()
        {
            if (Accept("USING"))
            {
                Name();
            }
            Expect('(');
            var names = new List<string>();
            var functional = false;
            do
            {
                if (Peek().IsSymbol('('))
                {
                    SkipGroup(); // a functional key part names no column
                    functional = true;
                    _ = Accept("ASC") || Accept("DESC");
                    continue;
                }
                names.Add(Name());
                if (Peek().IsSymbol('('))
                {
                    SkipGroup();
                }
                _ = Accept("ASC") || Accept("DESC");
            }
            while (Accept(','));
            Expect(')');
            return (names, functional);
        }

        private void TableOptions(TableBuilder builder)
        {
            while (!AtEnd)
            {
                if (Accept(',') || Accept("DEFAULT"))
                {
                    continue;
                }
                if (Peek().Is("PARTITION") || Peek().Is("AS") || Peek().Is("SELECT") || Peek().Is("IGNORE") || Peek().Is("REPLACE"))
                {
                    return; // partitioning and CREATE ... SELECT's query change no column
                }
                if (!TableOption(builder))
                {
                    throw Unexpected("a table option");
                }
            }
        }

        /// <summary>One table option (charset, collation, comment, system versioning, or any NAME [=] value); false when none starts here.</summary>
        private bool TableOption(TableBuilder builder)
        {
            if (Accept("CHARACTER"))
            {
                Expect("SET");
                Accept('=');
                builder.Charset = Name();
                builder.Collation = null;
                return true;
            }
            if (Accept("CHARSET"))
            {
                Accept('=');
                builder.Charset = Name();
                builder.Collation = null;
                return true;
            }
            if (Accept("COLLATE"))
            {
                Accept('=');
                builder.Collation = Name();
                return true;
            }
            if (Accept("COMMENT"))
            {
                Accept('=');
                builder.Comment = Peek().Kind == DdlTokenKind.String ? Name() : throw Unexpected("a comment string");
                return true;
            }
            if (Peek().Is("WITH") && Peek(1).Is("SYSTEM"))
            {
                throw new DdlParseException("system-versioned tables are not supported (their row_start/row_end columns change the binlog's rows)");
            }
            if (Peek().Kind != DdlTokenKind.Word)
            {
                return false;
            }
            _at++;
            Accept('=');
            if (Peek().IsSymbol('('))
            {
                SkipGroup();
            }
            else if (!AtEnd && !Peek().IsSymbol(','))
            {
                _at++;
            }
            return true;
        }

        private DdlResult AlterTable()
        {
            AcceptIfExists();
            var (database, table) = TableName();
            var current = schemas.Find(database, table);
            if (current is null)
            {
                // A table the history never saw (outside the captured databases, or from before the history): nothing to change.
                return new DdlResult(true, database, []);
            }
            var builder = TableBuilder.From(current);
            var renamedTo = (database, table);
            while (!AtEnd)
            {
                AlterSpecification(builder, ref renamedTo);
                if (!Accept(','))
                {
                    break;
                }
            }
            if (!AtEnd && !Peek().Is("PARTITION"))
            {
                throw Unexpected("',' or the end of the statement");
            }
            var definition = builder.Build(schemas) with { Database = renamedTo.database, Table = renamedTo.table };
            schemas.Remove(database, table);
            schemas.Put(definition);
            return new DdlResult(true, database, [new TableChange("ALTER", definition.Database, definition.Table, definition)]);
        }

        private void AlterSpecification(TableBuilder builder, ref (string database, string table) renamedTo)
        {
            if (Accept("ADD"))
            {
                if (Peek().Is("SYSTEM") || Peek().Is("PERIOD"))
                {
                    throw new DdlParseException("system versioning is not supported (its row_start/row_end columns change the binlog's rows)");
                }
                string? constraint = null;
                if (Accept("CONSTRAINT"))
                {
                    if (!Peek().Is("PRIMARY") && !Peek().Is("UNIQUE") && !Peek().Is("FOREIGN") && !Peek().Is("CHECK"))
                    {
                        AcceptIfExists();
                        constraint = Name();
                    }
                }
                if (Accept("PRIMARY"))
                {
                    Expect("KEY");
                    builder.PrimaryKey = KeyParts().Columns;
                    SkipClause();
                    return;
                }
                if (IndexDefinition(builder, constraint))
                {
                    return;
                }
                if (Peek().Is("FOREIGN") || Peek().Is("CHECK") || Peek().Is("PARTITION") || Peek().Is("VECTOR"))
                {
                    SkipClause();
                    return;
                }
                Accept("COLUMN");
                AcceptIfExists();
                if (Accept('('))
                {
                    do
                    {
                        builder.Add(Column(builder), null);
                    }
                    while (Accept(','));
                    Expect(')');
                    return;
                }
                var column = Column(builder);
                builder.Add(column, Placement());
                return;
            }
            if (Accept("DROP"))
            {
                if (Peek().Is("SYSTEM") || Peek().Is("PERIOD"))
                {
                    throw new DdlParseException("system versioning is not supported (its row_start/row_end columns change the binlog's rows)");
                }
                if (Accept("PRIMARY"))
                {
                    Expect("KEY");
                    builder.PrimaryKey = [];
                    return;
                }
                if (Accept("INDEX") || Accept("KEY") || Accept("CONSTRAINT"))
                {
                    // DROP CONSTRAINT drops a UNIQUE key of that name too (MySQL 8.0.19+, MariaDB); a check constraint is no index.
                    AcceptIfExists();
                    builder.DropIndex(Name());
                    SkipClause();
                    return;
                }
                if (Peek().Is("FOREIGN") || Peek().Is("CHECK") || Peek().Is("PARTITION"))
                {
                    SkipClause();
                    return;
                }
                Accept("COLUMN");
                AcceptIfExists();
                builder.Drop(Name());
                _ = Accept("RESTRICT") || Accept("CASCADE");
                return;
            }
            if (Accept("MODIFY"))
            {
                Accept("COLUMN");
                AcceptIfExists();
                var column = Column(builder);
                builder.Replace(column.Name, column, Placement());
                return;
            }
            if (Accept("CHANGE"))
            {
                Accept("COLUMN");
                AcceptIfExists();
                var old = Name();
                var column = Column(builder);
                builder.Replace(old, column, Placement());
                return;
            }
            if (Accept("RENAME"))
            {
                if (Accept("COLUMN"))
                {
                    var old = Name();
                    Expect("TO");
                    builder.Rename(old, Name());
                    return;
                }
                if (Accept("INDEX") || Accept("KEY"))
                {
                    var old = Name();
                    Expect("TO");
                    builder.RenameIndex(old, Name());
                    return;
                }
                _ = Accept("TO") || Accept("AS");
                renamedTo = TableName();
                return;
            }
            if (Accept("ALTER"))
            {
                if (Peek().Is("INDEX") || Peek().Is("KEY") || Peek().Is("CHECK") || Peek().Is("CONSTRAINT"))
                {
                    SkipClause();
                    return;
                }
                Accept("COLUMN");
                AcceptIfExists();
                var name = Name();
                if (Accept("SET"))
                {
                    if (Accept("DEFAULT"))
                    {
                        var (has, value) = DefaultValue();
                        builder.Edit(name, c => c with { HasDefault = has, DefaultValue = value });
                    }
                    else
                    {
                        SkipClause(); // SET VISIBLE / INVISIBLE
                    }
                }
                else if (Accept("DROP"))
                {
                    Expect("DEFAULT");
                    builder.Edit(name, c => c with { HasDefault = false, DefaultValue = null });
                }
                else
                {
                    throw Unexpected("SET or DROP");
                }
                return;
            }
            if (Accept("CONVERT"))
            {
                Expect("TO");
                if (!Accept("CHARSET"))
                {
                    Expect("CHARACTER");
                    Expect("SET");
                }
                var charset = Name();
                if (Accept("COLLATE"))
                {
                    Name();
                }
                builder.Charset = charset.Equals("DEFAULT", StringComparison.OrdinalIgnoreCase) ? null : charset;
                builder.Collation = null;
                builder.ConvertTo(builder.Charset ?? schemas.DatabaseCharset(builder.Database));
                return;
            }
            if (Accept("DEFAULT"))
            {
                if (!TableOption(builder))
                {
                    throw Unexpected("a table option");
                }
                return;
            }
            if (Peek().Is("CHARACTER") || Peek().Is("CHARSET") || Peek().Is("COLLATE") || Peek().Is("COMMENT") || Peek().Is("WITH"))
            {
                TableOption(builder);
                return;
            }
            if (Peek().Is("ALGORITHM") || Peek().Is("LOCK") || Peek().Is("ENGINE") || Peek().Is("AUTO_INCREMENT") || Peek().Is("ROW_FORMAT") ||
                Peek().Is("KEY_BLOCK_SIZE") || Peek().Is("FORCE") || Peek().Is("ORDER") || Peek().Is("ENABLE") || Peek().Is("DISABLE") ||
                Peek().Is("DISCARD") || Peek().Is("IMPORT") || Peek().Is("COALESCE") || Peek().Is("REORGANIZE") || Peek().Is("EXCHANGE") ||
                Peek().Is("ANALYZE") || Peek().Is("CHECK") || Peek().Is("OPTIMIZE") || Peek().Is("REBUILD") || Peek().Is("REPAIR") ||
                Peek().Is("TRUNCATE") || Peek().Is("REMOVE") || Peek().Is("PARTITION") || Peek().Is("NOWAIT") || Peek().Is("WAIT") ||
                Peek().Is("STATS_PERSISTENT") || Peek().Is("STATS_AUTO_RECALC") || Peek().Is("STATS_SAMPLE_PAGES") || Peek().Is("PACK_KEYS") ||
                Peek().Is("CHECKSUM") || Peek().Is("DELAY_KEY_WRITE") || Peek().Is("MAX_ROWS") || Peek().Is("MIN_ROWS") || Peek().Is("PAGE_CHECKSUM") ||
                Peek().Is("TRANSACTIONAL") || Peek().Is("ENCRYPTED") || Peek().Is("ENCRYPTION_KEY_ID") || Peek().Is("PAGE_COMPRESSED") ||
                Peek().Is("PAGE_COMPRESSION_LEVEL") || Peek().Is("SEQUENCE") || Peek().Is("UNION") || Peek().Is("INSERT_METHOD") ||
                Peek().Is("DATA") || Peek().Is("INDEX") || Peek().Is("TABLESPACE") || Peek().Is("AVG_ROW_LENGTH") || Peek().Is("CONNECTION"))
            {
                SkipClause();
                return;
            }
            throw Unexpected("an ALTER TABLE specification");
        }

        /// <summary>FIRST, AFTER name, or nothing (null: at the end or in place).</summary>
        private string? Placement()
        {
            if (Accept("FIRST"))
            {
                return "";
            }
            return Accept("AFTER") ? Name() : null;
        }

        /// <summary>A column definition: name, data type, attributes.</summary>
        private ColumnDefinition Column(TableBuilder table)
        {
            var name = Name();
            var type = DataType();
            var nullable = true;
            var autoIncrement = type.Serial;
            var hasDefault = false;
            string? defaultValue = null;
            string? comment = null;
            var computed = false;
            // A column-level UNIQUE (and SERIAL, which implies it) adds a unique index on the column, named after it.
            var unique = type.Serial;
            if (type.Serial)
            {
                nullable = false;
            }
            while (!AtEnd && !Peek().IsSymbol(',') && !Peek().IsSymbol(')') && !Peek().Is("FIRST") && !Peek().Is("AFTER"))
            {
                if (Accept("NOT"))
                {
                    Expect("NULL");
                    nullable = false;
                }
                else if (Accept("NULL"))
                {
                    nullable = true;
                }
                else if (Accept("DEFAULT"))
                {
                    (hasDefault, defaultValue) = DefaultValue();
                }
                else if (Accept("AUTO_INCREMENT"))
                {
                    autoIncrement = true;
                }
                else if (Accept("PRIMARY"))
                {
                    Expect("KEY");
                    table.PrimaryKey = [name];
                    nullable = false;
                }
                else if (Accept("KEY"))
                {
                    table.PrimaryKey = [name];
                    nullable = false;
                }
                else if (Accept("UNIQUE"))
                {
                    Accept("KEY");
                    unique = true;
                }
                else if (Accept("COMMENT"))
                {
                    comment = Peek().Kind == DdlTokenKind.String ? Name() : throw Unexpected("a comment string");
                }
                else if (Accept("COLLATE"))
                {
                    type = type with { Collation = Name() };
                }
                else if (Accept("CHARACTER"))
                {
                    Expect("SET");
                    type = type with { Charset = Name() };
                }
                else if (Accept("CHARSET"))
                {
                    type = type with { Charset = Name() };
                }
                else if (Accept("ON"))
                {
                    Expect("UPDATE");
                    DefaultValue();
                }
                else if (Accept("GENERATED"))
                {
                    Expect("ALWAYS");
                    Expect("AS");
                    SkipGroup();
                    computed = true;
                }
                else if (Accept("AS"))
                {
                    SkipGroup();
                    computed = true;
                }
                else if (Accept("VIRTUAL") || Accept("STORED") || Accept("PERSISTENT") || Accept("INVISIBLE") || Accept("VISIBLE"))
                {
                }
                else if (Accept("CONSTRAINT"))
                {
                    if (!Peek().Is("CHECK"))
                    {
                        Name();
                    }
                }
                else if (Accept("CHECK"))
                {
                    SkipGroup();
                }
                else if (Peek().Is("REFERENCES"))
                {
                    SkipClause();
                }
                else if (Accept("COLUMN_FORMAT") || Accept("STORAGE"))
                {
                    Name();
                }
                else if (Accept("COMPRESSED"))
                {
                    if (Accept('='))
                    {
                        Name();
                    }
                }
                else if (Accept("SERIAL"))
                {
                    Expect("DEFAULT");
                    Expect("VALUE");
                    autoIncrement = true;
                    nullable = false;
                    unique = true;
                }
                else if (Accept("WITHOUT"))
                {
                    Expect("SYSTEM");
                    Expect("VERSIONING");
                }
                else if (Peek().Is("WITH") && Peek(1).Is("SYSTEM"))
                {
                    throw new DdlParseException("system-versioned columns are not supported (their row_start/row_end columns change the binlog's rows)");
                }
                else
                {
                    throw Unexpected($"an attribute of column {name}");
                }
            }
            if (unique)
            {
                table.PendingUniqueColumns.Add(name);
            }
            return type.Column(name, nullable, autoIncrement, computed, hasDefault, defaultValue, comment, table.CharsetFor(type, schemas));
        }

        /// <summary>A DEFAULT (or ON UPDATE) value: a literal, NULL, a function call or a parenthesized expression, as written.</summary>
        private (bool HasDefault, string? Value) DefaultValue()
        {
            var token = Peek();
            if (token.IsSymbol('('))
            {
                var start = _at;
                SkipGroup();
                return (true, Text(start, _at));
            }
            if (token.Is("NULL"))
            {
                _at++;
                return (true, null);
            }
            if (token.IsSymbol('-') || token.IsSymbol('+'))
            {
                var number = Peek(1);
                _at += 2;
                return (true, (token.Value == "-" ? "-" : "") + number.Value);
            }
            if (token.Kind == DdlTokenKind.String)
            {
                _at++;
                return (true, token.Value);
            }
            if (token.Kind == DdlTokenKind.Word && Peek(1).Kind == DdlTokenKind.String && (token.Value.StartsWith('_') || token.Value is "b" or "B" or "x" or "X"))
            {
                // A charset introducer (_utf8mb4'text') gives the text; b'0101' and x'1F' stay as written.
                var literal = Peek(1).Value;
                _at += 2;
                return (true, token.Value.StartsWith('_') ? literal : token.Value + "'" + literal + "'");
            }
            if (token.Kind == DdlTokenKind.Word && Peek(1).IsSymbol('('))
            {
                var start = _at;
                _at++;
                SkipGroup();
                return (true, Text(start, _at));
            }
            if (token.IsName || token.Kind == DdlTokenKind.Number)
            {
                _at++;
                return (true, token.Value);
            }
            throw Unexpected("a default value");
        }

        private string Text(int from, int to) => string.Join("", tokens.Skip(from).Take(to - from).Select((t, i) =>
            (i > 0 && t.Start > tokens[from + i - 1].End ? " " : "") + (t.Kind switch
            {
                DdlTokenKind.String => "'" + t.Value.Replace("'", "''", StringComparison.Ordinal) + "'",
                DdlTokenKind.QuotedIdentifier => "`" + t.Value.Replace("`", "``", StringComparison.Ordinal) + "`",
                _ => t.Value,
            })));

        /// <summary>A data type with its parameters and modifiers (UNSIGNED, ZEROFILL, CHARACTER SET, COLLATE, BINARY).</summary>
        private ColumnType DataType()
        {
            var first = Peek();
            if (first.Kind != DdlTokenKind.Word)
            {
                throw Unexpected("a data type");
            }
            _at++;
            var written = first.Value.ToUpperInvariant();
            string? nationalCharset = null;
            if (written == "NATIONAL")
            {
                written = Name().ToUpperInvariant();
                nationalCharset = "utf8mb3";
            }
            if ((written is "DOUBLE" && Accept("PRECISION")) || (written is "LONG" && (Peek().Is("VARCHAR") || Peek().Is("VARBINARY"))))
            {
                written += " " + (written == "DOUBLE" ? "PRECISION" : Name().ToUpperInvariant());
            }
            if (written is "CHAR" or "CHARACTER" or "NCHAR" && Accept("VARYING"))
            {
                written += " VARYING";
            }
            var dataType = written switch
            {
                "INT" or "INTEGER" or "INT4" => "int",
                "TINYINT" or "INT1" or "BOOL" or "BOOLEAN" => "tinyint",
                "SMALLINT" or "INT2" => "smallint",
                "MEDIUMINT" or "INT3" or "MIDDLEINT" => "mediumint",
                "BIGINT" or "INT8" or "SERIAL" => "bigint",
                "DECIMAL" or "DEC" or "NUMERIC" or "FIXED" or "NUMBER" => "decimal",
                "FLOAT" or "FLOAT4" => "float",
                "DOUBLE" or "DOUBLE PRECISION" or "REAL" or "FLOAT8" => "double",
                "CHAR" or "CHARACTER" or "NCHAR" => "char",
                "VARCHAR" or "NVARCHAR" or "VARCHAR2" or "CHAR VARYING" or "CHARACTER VARYING" or "NCHAR VARYING" or "VARCHARACTER" => "varchar",
                "LONG" or "LONG VARCHAR" => "mediumtext",
                "LONG VARBINARY" => "mediumblob",
                "JSON" => "longtext", // MariaDB's JSON is LONGTEXT: text in the binlog
                "BINARY" or "VARBINARY" or "TINYBLOB" or "BLOB" or "MEDIUMBLOB" or "LONGBLOB" or "TINYTEXT" or "TEXT" or "MEDIUMTEXT" or "LONGTEXT" or
                    "ENUM" or "SET" or "BIT" or "YEAR" or "DATE" or "TIME" or "DATETIME" or "TIMESTAMP" or "GEOMETRY" or "POINT" or "LINESTRING" or
                    "POLYGON" or "MULTIPOINT" or "MULTILINESTRING" or "MULTIPOLYGON" or "GEOMETRYCOLLECTION" or "INET4" or "INET6" or "UUID" or "VECTOR" =>
                    written.ToLowerInvariant(),
                _ => throw new DdlParseException($"unknown data type '{first.Value}' at offset {first.Start}"),
            };
            var type = new ColumnType(dataType, written, Serial: written == "SERIAL", Charset: nationalCharset);
            if (written is "BOOL" or "BOOLEAN")
            {
                type = type with { Length = 1 };
            }
            if (Peek().IsSymbol('('))
            {
                _at++;
                if (dataType is "enum" or "set")
                {
                    var members = new List<string>();
                    do
                    {
                        members.Add(Peek().Kind == DdlTokenKind.String ? Name() : throw Unexpected("a quoted member"));
                    }
                    while (Accept(','));
                    type = type with { Members = members };
                }
                else
                {
                    type = type with { Length = Number() };
                    if (Accept(','))
                    {
                        type = type with { Scale = Number() };
                    }
                }
                Expect(')');
            }
            while (true)
            {
                if (Accept("UNSIGNED"))
                {
                    type = type with { Unsigned = true };
                }
                else if (Accept("ZEROFILL"))
                {
                    type = type with { Unsigned = true, Zerofill = true };
                }
                else if (Accept("SIGNED"))
                {
                }
                else if (Peek().Is("CHARACTER") && Peek(1).Is("SET"))
                {
                    _at += 2;
                    type = type with { Charset = Name() };
                }
                else if (Accept("CHARSET"))
                {
                    type = type with { Charset = Name() };
                }
                else if (Accept("COLLATE"))
                {
                    type = type with { Collation = Name() };
                }
                else if (Accept("BINARY") || Accept("BYTE"))
                {
                }
                else if (Accept("ASCII"))
                {
                    type = type with { Charset = "latin1" };
                }
                else if (Accept("UNICODE"))
                {
                    type = type with { Charset = "ucs2" };
                }
                else
                {
                    break;
                }
            }
            return type;
        }

        private int Number()
        {
            var token = Peek();
            if (token.Kind != DdlTokenKind.Number || !int.TryParse(token.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                throw Unexpected("a number");
            }
            _at++;
            return value;
        }
    }

    /// <summary>The charset a collation belongs to (<c>utf8mb4_unicode_ci</c> → <c>utf8mb4</c>).</summary>
    internal static string? CharsetOfCollation(string? collation)
    {
        if (collation is null)
        {
            return null;
        }
        if (collation.Equals("binary", StringComparison.OrdinalIgnoreCase))
        {
            return "binary";
        }
        var underscore = collation.IndexOf('_', StringComparison.Ordinal);
        return underscore < 0 ? collation : collation[..underscore];
    }

    /// <summary>A parsed data type on its way to a <see cref="ColumnDefinition"/>.</summary>
    private sealed record ColumnType(string DataType, string Written, bool Serial = false, int? Length = null, int? Scale = null, IReadOnlyList<string>? Members = null,
        bool Unsigned = false, bool Zerofill = false, string? Charset = null, string? Collation = null)
    {
        public bool IsString => StringTypes.Contains(DataType);

        public ColumnDefinition Column(string name, bool nullable, bool autoIncrement, bool computed, bool hasDefault, string? defaultValue, string? comment, string? charset)
        {
            var unsigned = Unsigned || Serial;
            var (precision, scale, datetimePrecision, length) = DataType switch
            {
                "decimal" => (Length ?? 10, Scale ?? 0, (int?)null, (long?)null),
                "float" or "double" => (Length, Scale, null, null),
                "bit" => (Length ?? 1, null, null, null),
                "time" or "datetime" or "timestamp" => (null, null, Length ?? 0, null),
                "char" or "binary" => (null, null, null, Length ?? 1),
                "varchar" or "varbinary" => ((int?)null, (int?)null, (int?)null, (long?)Length),
                _ => (null, null, null, null),
            };
            var typeLength = DataType switch
            {
                "decimal" => Length ?? 10,
                "char" or "binary" or "bit" => Length ?? 1,
                "enum" => Members?.Count > 0 ? Members.Max(m => m.Length) : 0,
                "set" => Members?.Count > 0 ? Members.Sum(m => m.Length) + Members.Count - 1 : 0,
                _ => Length,
            };
            var typeScale = DataType == "decimal" ? Scale ?? 0 : Scale;
            var membersText = Members is null ? "" : "(" + string.Join(",", Members.Select(m => "'" + m.Replace("'", "''", StringComparison.Ordinal) + "'")) + ")";
            var parameters = Members is not null ? membersText : Length is null ? "" : Scale is null ? $"({Length})" : $"({Length},{Scale})";
            var columnType = DataType + parameters + (unsigned ? " unsigned" : "") + (Zerofill ? " zerofill" : "");
            var typeName = Written == "SERIAL" ? "BIGINT UNSIGNED" : Written + (unsigned && !Serial ? " UNSIGNED" : "") + (Zerofill ? " ZEROFILL" : "");
            return new ColumnDefinition(name, 0, DataType, columnType, nullable, precision, scale, datetimePrecision, charset, length, autoIncrement)
            {
                TypeName = typeName,
                TypeExpression = Members is null ? typeName : Written + membersText,
                TypeLength = typeLength,
                TypeScale = typeScale,
                HasDefault = hasDefault,
                DefaultValue = defaultValue,
                Comment = comment,
                Generated = autoIncrement || computed,
            };
        }
    }

    /// <summary>A table definition being edited by CREATE or ALTER: columns in order, the key, the indexes, table charset and comment.</summary>
    private sealed class TableBuilder(string database, string table, string? charset, List<ColumnDefinition> columns, List<string> primaryKey)
    {
        private readonly List<TableIndex> _indexes = [];

        public string Database { get; } = database;

        public string? Charset { get; set; } = charset;

        public string? Collation { get; set; }

        public string? Comment { get; set; }

        public List<string> PrimaryKey { get; set; } = primaryKey;

        /// <summary>Columns whose definition said UNIQUE (or SERIAL): their index is added once the column is in place.</summary>
        public List<string> PendingUniqueColumns { get; } = [];

        public static TableBuilder From(TableDefinition definition)
        {
            var builder = new TableBuilder(definition.Database, definition.Table, definition.DefaultCharset, [.. definition.Columns], [.. definition.PrimaryKey])
            {
                Comment = definition.Comment,
            };
            builder._indexes.AddRange(definition.Indexes);
            return builder;
        }

        /// <summary>
        /// Adds an index; <paramref name="name"/> null names it as the server does: after its first column (a functional
        /// index <c>functional_index</c>), with <c>_2</c>, <c>_3</c>… appended while the name is taken or is PRIMARY.
        /// </summary>
        public void AddIndex(string? name, IReadOnlyList<string> keyColumns, bool unique, bool functional)
        {
            if (name is null)
            {
                var stem = keyColumns.Count > 0 ? keyColumns[0] : "functional_index";
                name = stem;
                for (var suffix = 2; IsIndexName(name); suffix++)
                {
                    name = stem + "_" + suffix.ToString(CultureInfo.InvariantCulture);
                }
            }
            _indexes.RemoveAll(i => i.Name.Equals(name, StringComparison.OrdinalIgnoreCase)); // CREATE OR REPLACE INDEX, or a repeated name the server refused anyway
            _indexes.Add(new TableIndex(name, [.. keyColumns.Select(k => columns.Find(c => c.Name.Equals(k, StringComparison.OrdinalIgnoreCase))?.Name ?? k)], unique, functional));
        }

        private bool IsIndexName(string name) =>
            name.Equals("PRIMARY", StringComparison.OrdinalIgnoreCase) || _indexes.Exists(i => i.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

        /// <summary>DROP INDEX / DROP KEY / DROP CONSTRAINT: forgets the index of that name, if one is tracked.</summary>
        public void DropIndex(string name) => _indexes.RemoveAll(i => i.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

        public void RenameIndex(string old, string name)
        {
            var index = _indexes.FindIndex(i => i.Name.Equals(old, StringComparison.OrdinalIgnoreCase));
            if (index >= 0)
            {
                _indexes[index] = _indexes[index] with { Name = name };
            }
        }

        private void AddPendingUniqueIndexes()
        {
            foreach (var column in PendingUniqueColumns)
            {
                AddIndex(null, [column], unique: true, functional: false);
            }
            PendingUniqueColumns.Clear();
        }

        private string? TableCharset(TableSchemas schemas) => Charset ?? CharsetOfCollation(Collation) ?? schemas.DatabaseCharset(Database);

        /// <summary>A string column's charset: its own, its collation's, else the table's (binary types and numbers have none).</summary>
        public string? CharsetFor(ColumnType type, TableSchemas schemas) =>
            type.IsString ? type.Charset ?? CharsetOfCollation(type.Collation) ?? TableCharset(schemas) : null;

        private int Find(string name)
        {
            var index = columns.FindIndex(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
            return index >= 0 ? index : throw new DdlParseException($"table {Database}.{table} has no column {name}");
        }

        /// <summary>Adds <paramref name="column"/> at <paramref name="after"/> ("" = first, null = last).</summary>
        public void Add(ColumnDefinition column, string? after)
        {
            if (columns.Exists(c => c.Name.Equals(column.Name, StringComparison.OrdinalIgnoreCase)))
            {
                throw new DdlParseException($"table {Database}.{table} already has a column {column.Name}");
            }
            var index = after switch
            {
                null => columns.Count,
                "" => 0,
                _ => Find(after) + 1,
            };
            columns.Insert(index, column);
            AddPendingUniqueIndexes();
        }

        /// <summary>Drops a column, and with it its part of every index (an index left without parts is dropped, as the server does).</summary>
        public void Drop(string name)
        {
            var column = columns[Find(name)];
            columns.Remove(column);
            PrimaryKey = [.. PrimaryKey.Where(k => !k.Equals(column.Name, StringComparison.OrdinalIgnoreCase))];
            for (var i = _indexes.Count - 1; i >= 0; i--)
            {
                var parts = _indexes[i].Columns.Where(k => !k.Equals(column.Name, StringComparison.OrdinalIgnoreCase)).ToList();
                if (parts.Count == 0 && !_indexes[i].Functional)
                {
                    _indexes.RemoveAt(i);
                }
                else if (parts.Count != _indexes[i].Columns.Count)
                {
                    _indexes[i] = _indexes[i] with { Columns = parts };
                }
            }
        }

        /// <summary>MODIFY/CHANGE: <paramref name="old"/> becomes <paramref name="column"/>, in place or moved.</summary>
        public void Replace(string old, ColumnDefinition column, string? after)
        {
            var index = Find(old);
            var previous = columns[index];
            if (after is null)
            {
                columns[index] = column;
            }
            else
            {
                columns.RemoveAt(index);
                Add(column, after);
            }
            PrimaryKey = [.. PrimaryKey.Select(k => k.Equals(previous.Name, StringComparison.OrdinalIgnoreCase) ? column.Name : k)];
            for (var i = 0; i < _indexes.Count; i++)
            {
                if (_indexes[i].Columns.Any(k => k.Equals(previous.Name, StringComparison.OrdinalIgnoreCase)))
                {
                    _indexes[i] = _indexes[i] with { Columns = [.. _indexes[i].Columns.Select(k => k.Equals(previous.Name, StringComparison.OrdinalIgnoreCase) ? column.Name : k)] };
                }
            }
            AddPendingUniqueIndexes();
        }

        public void Rename(string old, string name)
        {
            var index = Find(old);
            Replace(old, columns[index] with { Name = name }, null);
        }

        public void Edit(string name, Func<ColumnDefinition, ColumnDefinition> edit)
        {
            var index = Find(name);
            columns[index] = edit(columns[index]);
        }

        /// <summary>CONVERT TO CHARACTER SET: every string column takes the charset.</summary>
        public void ConvertTo(string? charset)
        {
            for (var i = 0; i < columns.Count; i++)
            {
                if (StringTypes.Contains(columns[i].DataType))
                {
                    columns[i] = columns[i] with { Charset = charset };
                }
            }
        }

        public TableDefinition Build(TableSchemas schemas)
        {
            foreach (var key in PrimaryKey)
            {
                var index = Find(key);
                columns[index] = columns[index] with { Nullable = false };
            }
            var positioned = columns.Select((c, i) => c with { Position = i + 1 }).ToList();
            var keyNames = PrimaryKey.Select(k => columns[Find(k)].Name).ToList();
            return new TableDefinition(Database, table, positioned, keyNames, TableCharset(schemas)) { Comment = Comment, Indexes = [.. _indexes] };
        }
    }
}
