using Tributary.Cdc.MySql.Schema;

namespace Tributary.Cdc.MySql.Tests;

/// <summary>The DDL parser on its own: statements as users write them and as MariaDB's SHOW CREATE TABLE prints them.</summary>
public sealed class DdlParserTests
{
    private static TableSchemas Schemas() => new() { ServerCharset = "latin1" };

    private static TableDefinition Create(TableSchemas schemas, string sql, string database = "db")
    {
        var result = DdlParser.Apply(sql, database, schemas);
        Assert.True(result.ChangesSchema);
        var change = Assert.Single(result.Changes);
        Assert.Equal("CREATE", change.Type);
        return change.Definition;
    }

    private static string Names(TableDefinition table) => string.Join(",", table.Columns.Select(c => c.Name));

    [Fact]
    public void Create_table_reads_columns_types_keys_defaults_comments_and_charsets()
    {
        var schemas = Schemas();
        schemas.PutDatabase("shop", "utf8mb4");
        var table = Create(schemas, """
            CREATE TABLE IF NOT EXISTS shop.`orders` (
              `id` INT(11) UNSIGNED NOT NULL AUTO_INCREMENT COMMENT 'the id',
              customer VARCHAR(255) CHARACTER SET latin1 NOT NULL DEFAULT 'nobody',
              price DECIMAL(6,2) DEFAULT '0.00',
              status ENUM('new','paid','it''s shipped') NOT NULL DEFAULT 'new',
              tags SET('a','bb') NULL,
              created DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
              flag BIT, ok BOOLEAN, amount NUMERIC, note TEXT COLLATE utf8mb4_bin, raw VARBINARY(16),
              total DOUBLE PRECISION AS (price * 2) VIRTUAL,
              PRIMARY KEY (`id`),
              UNIQUE KEY uq (customer(10)),
              KEY idx_created (created DESC),
              CONSTRAINT fk FOREIGN KEY (customer) REFERENCES people (name) ON DELETE CASCADE,
              CHECK (price >= 0)
            ) ENGINE=InnoDB AUTO_INCREMENT=5 COMMENT='all orders' /*!50100 PARTITION BY HASH (id) PARTITIONS 4 */
            """);
        Assert.Equal("shop", table.Database);
        Assert.Equal("orders", table.Table);
        Assert.Equal("id,customer,price,status,tags,created,flag,ok,amount,note,raw,total", Names(table));
        Assert.Equal(["id"], table.PrimaryKey);
        Assert.Equal("utf8mb4", table.DefaultCharset);
        Assert.Equal("all orders", table.Comment);

        var id = table.Columns[0];
        Assert.Equal(("int", "INT UNSIGNED", 11, false, true, true, "the id", 1), (id.DataType, id.TypeName, id.TypeLength, id.Nullable, id.AutoIncrement, id.Generated, id.Comment, id.Position));
        Assert.True(id.Unsigned);
        Assert.Null(id.Charset);

        var customer = table.Columns[1];
        Assert.Equal(("varchar", "VARCHAR", 255, 255L, "latin1", false, true, "nobody"), (customer.DataType, customer.TypeName, customer.TypeLength, customer.Length, customer.Charset, customer.Nullable, customer.HasDefault, customer.DefaultValue));

        var price = table.Columns[2];
        Assert.Equal(("decimal", 6, 2, 6, 2, "0.00"), (price.DataType, price.Precision, price.Scale, price.TypeLength, price.TypeScale, price.DefaultValue));

        var status = table.Columns[3];
        Assert.Equal(["new", "paid", "it's shipped"], status.Members());
        Assert.Equal("ENUM('new','paid','it''s shipped')", status.TypeExpression);
        Assert.Equal("utf8mb4", status.Charset);
        Assert.Equal(12, status.TypeLength);
        Assert.Equal(["a", "bb"], table.Columns[4].Members());

        var created = table.Columns[5];
        Assert.Equal(("datetime", 6, 6, "CURRENT_TIMESTAMP(6)"), (created.DataType, created.DatetimePrecision, created.TypeLength, created.DefaultValue));
        Assert.Equal(("bit", 1), (table.Columns[6].DataType, table.Columns[6].Precision));
        Assert.Equal(("tinyint", "BOOLEAN", 16), (table.Columns[7].DataType, table.Columns[7].TypeName, SchemaChangeEvents.JdbcType(table.Columns[7])));
        Assert.Equal(("decimal", 10, 0), (table.Columns[8].DataType, table.Columns[8].Precision, table.Columns[8].Scale));
        Assert.Equal(("text", "utf8mb4"), (table.Columns[9].DataType, table.Columns[9].Charset));
        Assert.Equal(("varbinary", 16L, (string?)null), (table.Columns[10].DataType, table.Columns[10].Length, table.Columns[10].Charset));
        Assert.Equal(("double", true), (table.Columns[11].DataType, table.Columns[11].Generated));
        Assert.Same(table, schemas.Find("shop", "orders"));
    }

    [Fact]
    public void Show_create_table_output_of_MariaDB_parses()
    {
        var table = Create(Schemas(), """
            CREATE TABLE `all_types` (
              `id` int(11) NOT NULL,
              `utiny` tinyint(3) unsigned DEFAULT NULL,
              `ubig` bigint(20) unsigned DEFAULT NULL,
              `f` float DEFAULT NULL,
              `dec2` decimal(20,5) DEFAULT NULL,
              `b10` bit(10) DEFAULT NULL,
              `ch` char(3) DEFAULT NULL,
              `bin` binary(4) DEFAULT NULL,
              `blb` blob DEFAULT NULL,
              `y` year(4) DEFAULT NULL,
              `tm` time(3) DEFAULT NULL,
              `ts` timestamp(3) NULL DEFAULT NULL,
              `j` longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL CHECK (json_valid(`j`)),
              `d` date DEFAULT curdate(),
              `u` timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),
              PRIMARY KEY (`id`)
            ) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci
            """);
        Assert.Equal("id,utiny,ubig,f,dec2,b10,ch,bin,blb,y,tm,ts,j,d,u", Names(table));
        Assert.Equal("latin1", table.DefaultCharset);
        Assert.True(table.Columns[1].Unsigned);
        Assert.Equal(("tinyint", "TINYINT UNSIGNED", 3), (table.Columns[1].DataType, table.Columns[1].TypeName, table.Columns[1].TypeLength));
        Assert.Equal(10, table.Columns[5].Precision);
        Assert.Equal(("char", 3L, "latin1"), (table.Columns[6].DataType, table.Columns[6].Length, table.Columns[6].Charset));
        Assert.Equal(4L, table.Columns[7].Length);
        Assert.Equal(3, table.Columns[10].DatetimePrecision);
        Assert.True(table.Columns[11].Nullable);
        Assert.Equal(("longtext", "utf8mb4"), (table.Columns[12].DataType, table.Columns[12].Charset));
        Assert.Equal("curdate()", table.Columns[13].DefaultValue);
        Assert.False(table.Columns[14].Nullable);
        Assert.Equal("current_timestamp()", table.Columns[14].DefaultValue);
        Assert.False(table.Columns[0].Nullable);
    }

    [Fact]
    public void Alter_table_adds_drops_modifies_changes_renames_and_moves_columns()
    {
        var schemas = Schemas();
        Create(schemas, "CREATE TABLE t (a INT PRIMARY KEY, b VARCHAR(10), c INT)");
        DdlResult Alter(string sql) => DdlParser.Apply(sql, "db", schemas);

        var result = Alter("ALTER TABLE t ADD COLUMN d INT NOT NULL DEFAULT 7 AFTER a, ADD e DATE FIRST");
        var change = Assert.Single(result.Changes);
        Assert.Equal("ALTER", change.Type);
        Assert.Equal("e,a,d,b,c", Names(change.Definition));
        Assert.Equal([1, 2, 3, 4, 5], change.Definition.Columns.Select(c => c.Position));
        Assert.Equal("7", change.Definition.Columns[2].DefaultValue);

        Assert.Equal("e,a,d,c", Names(Alter("ALTER TABLE db.t DROP COLUMN b").Changes[0].Definition));
        Assert.Equal("e,a,d,c", Names(Alter("ALTER TABLE t MODIFY c BIGINT UNSIGNED NOT NULL").Changes[0].Definition));
        Assert.Equal("bigint", schemas.Find("db", "t")!.Columns[3].DataType);
        var changed = Alter("ALTER TABLE t CHANGE COLUMN a id BIGINT NOT NULL AUTO_INCREMENT FIRST").Changes[0].Definition;
        Assert.Equal("id,e,d,c", Names(changed));
        Assert.Equal(["id"], changed.PrimaryKey);
        Assert.Equal("id,e,days,c", Names(Alter("ALTER TABLE t RENAME COLUMN d TO days").Changes[0].Definition));
        Assert.Equal("x", Alter("ALTER TABLE t ALTER COLUMN days SET DEFAULT 'x'").Changes[0].Definition.Columns[2].DefaultValue);
        Assert.False(Alter("ALTER TABLE t ALTER days DROP DEFAULT").Changes[0].Definition.Columns[2].HasDefault);
        Assert.Equal("id,e,days,c,f,g", Names(Alter("ALTER TABLE t ADD (f INT, g INT), ALGORITHM=INPLACE, LOCK=NONE").Changes[0].Definition));
        Assert.Equal("id,e,days,c,f,g", Names(Alter("ALTER TABLE t ADD INDEX ix (f), ADD UNIQUE KEY (g), ENGINE=InnoDB, DROP INDEX ix").Changes[0].Definition));
    }

    [Fact]
    public void Primary_keys_charsets_and_renames_follow_the_statements()
    {
        var schemas = Schemas();
        Create(schemas, "CREATE TABLE t (a INT, b INT, s VARCHAR(5)) DEFAULT CHARSET=utf8mb4");
        Assert.Empty(schemas.Find("db", "t")!.PrimaryKey);
        var keyed = DdlParser.Apply("ALTER TABLE t ADD CONSTRAINT pk PRIMARY KEY (b, a)", "db", schemas).Changes[0].Definition;
        Assert.Equal(["b", "a"], keyed.PrimaryKey);
        Assert.False(keyed.Columns[0].Nullable);
        Assert.Equal(["b"], DdlParser.Apply("ALTER TABLE t DROP COLUMN a", "db", schemas).Changes[0].Definition.PrimaryKey);
        Assert.Empty(DdlParser.Apply("ALTER TABLE t DROP PRIMARY KEY", "db", schemas).Changes[0].Definition.PrimaryKey);
        var converted = DdlParser.Apply("ALTER TABLE t CONVERT TO CHARACTER SET latin1 COLLATE latin1_bin", "db", schemas).Changes[0].Definition;
        Assert.Equal(("latin1", "latin1"), (converted.DefaultCharset, converted.Columns[1].Charset));

        var renamed = DdlParser.Apply("RENAME TABLE t TO other.u", "db", schemas);
        Assert.Equal(("ALTER", "other", "u"), (renamed.Changes[0].Type, renamed.Changes[0].Database, renamed.Changes[0].Table));
        Assert.Null(schemas.Find("db", "t"));
        Assert.NotNull(schemas.Find("other", "u"));
        // An unqualified new name is in the statement's default database, as MySQL moves it.
        Assert.Equal("v", DdlParser.Apply("ALTER TABLE other.u RENAME TO v", "db", schemas).Changes[0].Table);
        Assert.NotNull(schemas.Find("db", "v"));
    }

    [Fact]
    public void Create_like_drop_and_database_statements_keep_the_schemas()
    {
        var schemas = Schemas();
        Assert.True(DdlParser.Apply("CREATE DATABASE IF NOT EXISTS shop DEFAULT CHARACTER SET = utf8mb4", null, schemas).ChangesSchema);
        Assert.Equal("utf8mb4", schemas.DatabaseCharset("shop"));
        DdlParser.Apply("ALTER DATABASE shop COLLATE = cp1251_general_ci", null, schemas);
        Assert.Equal("cp1251", schemas.DatabaseCharset("shop"));
        Create(schemas, "CREATE TABLE a (id INT PRIMARY KEY, n CHAR(2))", "shop");
        Assert.Equal("cp1251", schemas.Find("shop", "a")!.Columns[1].Charset);
        var like = Create(schemas, "CREATE TABLE b LIKE a", "shop");
        Assert.Equal(("b", "id,n"), (like.Table, Names(like)));
        var dropped = DdlParser.Apply("DROP TABLE IF EXISTS `a` /* generated by server */", "shop", schemas);
        Assert.Equal(("DROP", "a"), (dropped.Changes[0].Type, dropped.Changes[0].Table));
        Assert.Null(schemas.Find("shop", "a"));
        var database = DdlParser.Apply("DROP DATABASE shop", null, schemas);
        Assert.Equal(["b"], database.Changes.Select(c => c.Table));
        Assert.Null(schemas.Find("shop", "b"));
    }

    [Theory]
    [InlineData("GRANT SELECT ON *.* TO 'x'@'%'")]
    [InlineData("CREATE USER 'x'@'%' IDENTIFIED BY 'y'")]
    [InlineData("CREATE VIEW v AS SELECT 1")]
    [InlineData("CREATE TEMPORARY TABLE tmp (a INT)")]
    [InlineData("FLUSH PRIVILEGES")]
    [InlineData("SET GLOBAL x = 1")]
    [InlineData("TRUNCATE TABLE t")]
    [InlineData("# just a comment")]
    public void Statements_that_change_no_table_are_not_schema_changes(string sql) =>
        Assert.False(DdlParser.Apply(sql, "db", Schemas()).ChangesSchema);

    [Theory]
    [InlineData("CREATE TABLE t (a INT) WITH SYSTEM VERSIONING", "system-versioned")]
    [InlineData("CREATE TABLE t (a FROBNICATOR)", "unknown data type 'FROBNICATOR'")]
    [InlineData("CREATE TABLE t (a INT NOT WHAT)", "expected NULL")]
    [InlineData("CREATE TABLE t (a INT", "statement ended")]
    [InlineData("CREATE TABLE t AS SELECT 1", "column definitions")]
    [InlineData("ALTER TABLE known ADD SYSTEM VERSIONING", "system versioning")]
    [InlineData("ALTER TABLE known DROP COLUMN missing", "no column missing")]
    [InlineData("ALTER TABLE known FROB x", "ALTER TABLE specification")]
    public void Statements_it_cannot_read_raise_a_parse_error_saying_why(string sql, string reason)
    {
        var schemas = Schemas();
        Create(schemas, "CREATE TABLE known (a INT)");
        var error = Assert.Throws<DdlParseException>(() => DdlParser.Apply(sql, "db", schemas));
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void A_table_without_a_primary_key_is_keyed_by_its_first_unique_index_of_not_null_columns()
    {
        var schemas = Schemas();
        // The nullable unique key comes first and is passed over; the prefix key and the two-column key qualify.
        var table = Create(schemas, """
            CREATE TABLE people (
              email VARCHAR(50), code CHAR(3) NOT NULL, region INT NOT NULL, nick VARCHAR(9) NOT NULL,
              UNIQUE KEY by_email (email),
              UNIQUE INDEX (region, code),
              CONSTRAINT nick_once UNIQUE (nick(4)),
              KEY (region)
            )
            """);
        Assert.Empty(table.PrimaryKey);
        Assert.Equal(["region", "code"], table.KeyColumns);
        Assert.Equal(
            ["by_email:email:True", "region:region,code:True", "nick_once:nick:True", "region_2:region:False"],
            table.Indexes.Select(i => $"{i.Name}:{string.Join(",", i.Columns)}:{i.Unique}"));

        // A primary key wins over any unique index; without a qualifying unique index there is no key.
        Assert.Equal(["id"], Create(schemas, "CREATE TABLE p (id INT, u INT NOT NULL UNIQUE, PRIMARY KEY (id))").KeyColumns);
        Assert.Empty(Create(schemas, "CREATE TABLE n (u INT UNIQUE, v INT NOT NULL, UNIQUE ((v + 1)))").KeyColumns);
        // A column-level UNIQUE and SERIAL (BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE) each add an index named after the column.
        Assert.Equal(["s"], Create(schemas, "CREATE TABLE s (s SERIAL, t INT NOT NULL UNIQUE KEY)").KeyColumns);
        Assert.Equal(["t"], Create(schemas, "CREATE TABLE t2 (s INT, t INT NOT NULL UNIQUE KEY)").KeyColumns);

        // MariaDB's SHOW CREATE TABLE form.
        var shown = Create(schemas, """
            CREATE TABLE `accounts` (
              `login` varchar(20) NOT NULL,
              `email` varchar(50) DEFAULT NULL,
              UNIQUE KEY `login` (`login`) USING BTREE,
              UNIQUE KEY `email` (`email`)
            ) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci
            """);
        Assert.Equal(["login"], shown.KeyColumns);
    }

    [Fact]
    public void Unique_index_statements_change_the_key_and_report_an_alter_only_when_the_key_changed()
    {
        var schemas = Schemas();
        Create(schemas, "CREATE TABLE t (a INT NOT NULL, b INT NOT NULL, c INT)");
        Assert.Empty(schemas.Find("db", "t")!.KeyColumns);

        var created = DdlParser.Apply("CREATE UNIQUE INDEX ua USING BTREE ON t (a)", "db", schemas);
        Assert.True(created.ChangesSchema);
        Assert.Equal(["a"], Assert.Single(created.Changes).Definition.KeyColumns);

        // A second unique index, a plain index and one on a nullable column leave the key alone: no change reported.
        foreach (var sql in new[] { "CREATE UNIQUE INDEX ub ON db.t (b)", "CREATE INDEX ix ON t (c)", "ALTER TABLE t ADD UNIQUE KEY uc (c)" })
        {
            var result = DdlParser.Apply(sql, "db", schemas);
            Assert.Equal(sql.StartsWith("ALTER", StringComparison.Ordinal) ? 1 : 0, result.Changes.Count);
            Assert.Equal(["a"], schemas.Find("db", "t")!.KeyColumns);
        }

        // Dropping the key's index hands the key to the next qualifying unique index.
        Assert.Equal(["b"], Assert.Single(DdlParser.Apply("DROP INDEX ua ON t", "db", schemas).Changes).Definition.KeyColumns);
        Assert.Equal(["b"], schemas.Find("db", "t")!.KeyColumns);
        Assert.Empty(DdlParser.Apply("DROP INDEX ix ON t", "db", schemas).Changes);

        // Making c NOT NULL lets uc qualify, but ub was first; renaming b carries the key along; a dropped column leaves its indexes.
        DdlParser.Apply("ALTER TABLE t MODIFY c INT NOT NULL", "db", schemas);
        DdlParser.Apply("ALTER TABLE t CHANGE b bb INT NOT NULL", "db", schemas);
        Assert.Equal(["bb"], schemas.Find("db", "t")!.KeyColumns);
        DdlParser.Apply("ALTER TABLE t RENAME INDEX ub TO ub2", "db", schemas);
        DdlParser.Apply("ALTER TABLE t DROP KEY ub2", "db", schemas);
        Assert.Equal(["c"], schemas.Find("db", "t")!.KeyColumns);
        DdlParser.Apply("ALTER TABLE t DROP COLUMN c", "db", schemas);
        Assert.Empty(schemas.Find("db", "t")!.KeyColumns);
        Assert.DoesNotContain(schemas.Find("db", "t")!.Indexes, i => i.Name == "uc");

        // ADD CONSTRAINT … UNIQUE takes the symbol as its name; DROP CONSTRAINT removes it; a primary key overrides.
        DdlParser.Apply("ALTER TABLE t ADD CONSTRAINT one_a UNIQUE (a)", "db", schemas);
        Assert.Equal(["a"], schemas.Find("db", "t")!.KeyColumns);
        DdlParser.Apply("ALTER TABLE t ADD PRIMARY KEY (bb)", "db", schemas);
        Assert.Equal(["bb"], schemas.Find("db", "t")!.KeyColumns);
        DdlParser.Apply("ALTER TABLE t DROP PRIMARY KEY, DROP CONSTRAINT one_a", "db", schemas);
        Assert.Empty(schemas.Find("db", "t")!.KeyColumns);
    }

    [Fact]
    public void Truncate_names_the_table_and_changes_no_definition()
    {
        var schemas = Schemas();
        Create(schemas, "CREATE TABLE t (a INT PRIMARY KEY)");
        foreach (var sql in new[] { "TRUNCATE TABLE t", "TRUNCATE db.t", "truncate table `db`.`t`;" })
        {
            var result = DdlParser.Apply(sql, "db", schemas);
            Assert.False(result.ChangesSchema);
            Assert.Equal(("db", "t"), result.Truncated);
        }
    }

    [Fact]
    public void Alter_of_an_unknown_table_changes_nothing() =>
        Assert.Empty(DdlParser.Apply("ALTER TABLE nowhere ADD COLUMN x INT", "db", Schemas()).Changes);

    [Fact]
    public void History_positions_compare_by_file_number_then_position_event_and_row()
    {
        var at = new MySqlOffset("mysql-bin.000009", 500, 1, 2);
        Assert.True(new MySqlOffset("mysql-bin.000009", 500, 1, 2).IsAtOrBefore(at));
        Assert.True(new MySqlOffset("mysql-bin.000009", 499).IsAtOrBefore(at));
        Assert.False(new MySqlOffset("mysql-bin.000009", 500, 1, 3).IsAtOrBefore(at));
        Assert.True(new MySqlOffset("mysql-bin.000008", 90000).IsAtOrBefore(at));
        Assert.False(new MySqlOffset("mysql-bin.000010", 4).IsAtOrBefore(at));
    }

    [Fact]
    public void History_records_are_Debezium_JSON_and_read_back()
    {
        var schemas = Schemas();
        var sql = "CREATE TABLE t (id INT PRIMARY KEY, e ENUM('x','y') DEFAULT 'x')";
        var result = DdlParser.Apply(sql, "db", schemas);
        var record = new SchemaHistoryRecord("srv", new MySqlOffset("mysql-bin.000001", 1234, TsSec: 5, ServerId: 1), 99, "db", sql, result.Changes);
        var json = System.Text.Encoding.UTF8.GetString(record.ToJson());
        Assert.Equal(
            """{"source":{"server":"srv"},"position":{"server_id":1,"file":"mysql-bin.000001","pos":1234,"ts_sec":5},"ts_ms":99,"databaseName":"db","ddl":"CREATE TABLE t (id INT PRIMARY KEY, e ENUM('x','y') DEFAULT 'x')","tableChanges":[{"type":"CREATE","id":"\"db\".\"t\"","table":{"defaultCharsetName":"latin1","primaryKeyColumnNames":["id"],"columns":[{"name":"id","jdbcType":4,"typeName":"INT","typeExpression":"INT","position":1,"optional":false,"autoIncremented":false,"generated":false,"hasDefaultValue":false},{"name":"e","jdbcType":1,"typeName":"ENUM","typeExpression":"ENUM('x','y')","charsetName":"latin1","length":1,"position":2,"optional":true,"autoIncremented":false,"generated":false,"hasDefaultValue":true,"defaultValueExpression":"x","enumValues":["x","y"]}],"attributes":[]},"comment":null}]}""",
            json);
        var read = SchemaHistoryRecord.Read(record.ToJson())!.Value;
        Assert.Equal((new MySqlOffset("mysql-bin.000001", 1234, TsSec: 5, ServerId: 1), "db", sql), (read.Position, read.Database, read.Ddl));
    }
}
