using Tributary.Connect.Data;

namespace Tributary.Cdc.MySql.Schema;

/// <summary>
/// The schema change topic's records (Debezium 2.0+): key <c>io.debezium.connector.mysql.SchemaChangeKey</c>
/// {databaseName}; value <c>io.debezium.connector.mysql.SchemaChangeValue</c> {source, ts_ms, databaseName,
/// schemaName, ddl, tableChanges[]} with <c>io.debezium.connector.schema.Change</c> {type, id, table} and its
/// <c>Table</c>/<c>Column</c> structs. Column types follow Debezium's MySQL DDL parser (java.sql.Types codes).
/// </summary>
public static class SchemaChangeEvents
{
    public static Connect.Data.Schema KeySchema { get; } = SchemaBuilder.Struct().Name("io.debezium.connector.mysql.SchemaChangeKey").Version(1)
        .Field("databaseName", SchemaBuilder.String().Build()).Build();

    private static readonly Connect.Data.Schema OptionalString = SchemaBuilder.String().Optional().Build();
    private static readonly Connect.Data.Schema OptionalInt32 = SchemaBuilder.Int32().Optional().Build();
    private static readonly Connect.Data.Schema OptionalBool = SchemaBuilder.Bool().Optional().Build();

    public static Connect.Data.Schema ColumnSchema { get; } = SchemaBuilder.Struct().Name("io.debezium.connector.schema.Column").Version(1)
        .Field("name", SchemaBuilder.String().Build())
        .Field("jdbcType", SchemaBuilder.Int32().Build())
        .Field("nativeType", OptionalInt32)
        .Field("typeName", SchemaBuilder.String().Build())
        .Field("typeExpression", OptionalString)
        .Field("charsetName", OptionalString)
        .Field("length", OptionalInt32)
        .Field("scale", OptionalInt32)
        .Field("position", SchemaBuilder.Int32().Build())
        .Field("optional", OptionalBool)
        .Field("autoIncremented", OptionalBool)
        .Field("generated", OptionalBool)
        .Field("comment", OptionalString)
        .Field("defaultValueExpression", OptionalString)
        .Field("enumValues", SchemaBuilder.Array(SchemaBuilder.String().Build()).Optional().Build())
        .Build();

    public static Connect.Data.Schema TableSchema { get; } = SchemaBuilder.Struct().Name("io.debezium.connector.schema.Table").Version(1)
        .Field("defaultCharsetName", OptionalString)
        .Field("primaryKeyColumnNames", SchemaBuilder.Array(SchemaBuilder.String().Build()).Optional().Build())
        .Field("columns", SchemaBuilder.Array(ColumnSchema).Build())
        .Field("comment", OptionalString)
        .Optional()
        .Build();

    public static Connect.Data.Schema ChangeSchema { get; } = SchemaBuilder.Struct().Name("io.debezium.connector.schema.Change").Version(1)
        .Field("type", SchemaBuilder.String().Build())
        .Field("id", SchemaBuilder.String().Build())
        .Field("table", TableSchema)
        .Build();

    public static Connect.Data.Schema ValueSchema { get; } = SchemaBuilder.Struct().Name("io.debezium.connector.mysql.SchemaChangeValue").Version(1)
        .Field("source", MySqlSource.Schema)
        .Field("ts_ms", SchemaBuilder.Int64().Build())
        .Field("databaseName", SchemaBuilder.String().Optional().Build())
        .Field("schemaName", SchemaBuilder.String().Optional().Build())
        .Field("ddl", SchemaBuilder.String().Optional().Build())
        .Field("tableChanges", SchemaBuilder.Array(ChangeSchema).Build())
        .Build();

    public static Struct Key(string database) => new Struct(KeySchema).Put("databaseName", database);

    /// <param name="changes">The tables the DDL changed, each with its definition after the change (the last one for a DROP).</param>
    public static Struct Value(Struct source, DateTimeOffset now, string database, string ddl, IEnumerable<TableChange> changes) =>
        new Struct(ValueSchema)
            .Put("source", source)
            .Put("ts_ms", now.ToUnixTimeMilliseconds())
            .Put("databaseName", database)
            .Put("ddl", ddl)
            .Put("tableChanges", changes.Select(c => (object?)new Struct(ChangeSchema)
                .Put("type", c.Type)
                .Put("id", TableId(c.Database, c.Table))
                .Put("table", Table(c.Definition))).ToList());

    /// <summary>Debezium's table id text, <c>"db"."table"</c>.</summary>
    public static string TableId(string database, string table) => $"\"{database}\".\"{table}\"";

    private static Struct Table(TableDefinition definition) => new Struct(TableSchema)
        .Put("defaultCharsetName", definition.DefaultCharset)
        .Put("primaryKeyColumnNames", definition.KeyColumns.Cast<object?>().ToList())
        .Put("columns", definition.Columns.Select(c => (object?)Column(c)).ToList())
        .Put("comment", definition.Comment);

    private static Struct Column(ColumnDefinition column) => new Struct(ColumnSchema)
        .Put("name", column.Name)
        .Put("jdbcType", JdbcType(column))
        .Put("typeName", column.TypeName)
        .Put("typeExpression", column.TypeExpression ?? column.TypeName)
        .Put("charsetName", column.Charset)
        .Put("length", column.TypeLength)
        .Put("scale", column.TypeScale)
        .Put("position", column.Position)
        .Put("optional", column.Nullable)
        .Put("autoIncremented", column.AutoIncrement)
        .Put("generated", column.Generated)
        .Put("comment", column.Comment)
        .Put("defaultValueExpression", column.DefaultValue)
        .Put("enumValues", column.DataType is "enum" or "set" ? column.Members().Cast<object?>().ToList() : null);

    /// <summary>java.sql.Types as Debezium's MySQL DDL parser assigns them.</summary>
    public static int JdbcType(ColumnDefinition column) => column.DataType switch
    {
        _ when column.TypeName is "BOOL" or "BOOLEAN" => 16,
        "bit" => -7,
        "tinyint" => -6,
        "smallint" => 5,
        "mediumint" or "int" or "integer" or "year" => 4,
        "bigint" => -5,
        "float" => 6,
        "double" or "real" => 8,
        "decimal" => 3,
        "numeric" => 2,
        "char" or "enum" or "set" => 1,
        "varchar" or "tinytext" or "text" or "mediumtext" or "longtext" => 12,
        "binary" => -2,
        "varbinary" => -3,
        "tinyblob" or "blob" or "mediumblob" or "longblob" => 2004,
        "date" => 91,
        "time" => 92,
        "datetime" => 93,
        "timestamp" => 2014,
        _ => 1111,
    };
}
