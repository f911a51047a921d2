using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Tributary.Athena.Engine;
using Tributary.Glue.Catalog;
using Tributary.ObjectStores;

namespace Tributary.Athena.Tests;

/// <summary>The engine in-process: catalog tables over objects in a local object directory, run on embedded DuckDB.</summary>
public sealed class QueryEngineTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "tributary-athena-" + Guid.NewGuid().ToString("N"));
    private readonly DataCatalog _catalog = DataCatalog.Open(null);
    private readonly QueryEngine _engine;

    public QueryEngineTests()
    {
        var store = new LocalDirectoryStore(Path.Combine(_root, "objects"));
        _engine = new QueryEngine(_catalog, new ObjectFiles(store, Path.Combine(_root, "cache")));
        _catalog.CreateDatabase(new JsonObject { ["Name"] = "lake" });
    }

    public void Dispose()
    {
        _engine.Dispose();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private void Put(string bucketAndKey, byte[] bytes)
    {
        var path = Path.Combine(_root, "objects", bucketAndKey);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
    }

    private static byte[] Gzip(string text)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }
        return output.ToArray();
    }

    private void CreateTable(string name, string location, string classification, string serde, string columns, string? partitionKeys = null)
    {
        var input = JsonNode.Parse(
            "{\"Name\":\"" + name + "\",\"Parameters\":{\"classification\":\"" + classification + "\"}," +
            "\"StorageDescriptor\":{\"Columns\":[" + columns + "],\"Location\":\"" + location + "\"," +
            "\"SerdeInfo\":{\"SerializationLibrary\":\"" + serde + "\",\"Parameters\":{\"field.delim\":\",\"}}}," +
            "\"PartitionKeys\":[" + (partitionKeys ?? "") + "]}")!.AsObject();
        _catalog.CreateTable("lake", input);
    }

    private void AddPartition(string table, string location, params string[] values)
    {
        var input = new JsonObject { ["Values"] = new JsonArray([.. values.Select(v => (JsonNode)JsonValue.Create(v))]), ["StorageDescriptor"] = new JsonObject { ["Location"] = location } };
        Assert.Empty(_catalog.CreatePartitions("lake", table, [input]));
    }

    private static void AssertRow(string?[] expected, string?[] actual) =>
        Assert.Equal(string.Join(" | ", expected.Select(v => v ?? "<null>")), string.Join(" | ", actual.Select(v => v ?? "<null>")));

    private Task<QueryResult> Run(string sql, string? database = "lake") => _engine.RunAsync(sql, database, CancellationToken.None);

    [Fact]
    public async Task Json_lines_plain_and_gzip_group_by_with_partition_columns()
    {
        CreateTable("events", "s3://lake/events/", "json", "org.openx.data.jsonserde.JsonSerDe",
            """{"Name":"id","Type":"bigint"},{"Name":"kind","Type":"string"},{"Name":"amount","Type":"double"}""",
            """{"Name":"dt","Type":"string"}""");
        Put("lake/events/dt=2024-01-01/part-0.json", Encoding.UTF8.GetBytes("{\"id\":1,\"kind\":\"a\",\"amount\":1.5}\n{\"id\":2,\"kind\":\"b\",\"amount\":2}\n"));
        // Firehose's GZIP objects carry no extension: the engine looks at the bytes.
        Put("lake/events/dt=2024-01-02/firehose-object", Gzip("{\"id\":3,\"kind\":\"a\",\"amount\":3}\n{\"id\":4,\"kind\":\"a\"}\n"));
        Put("lake/events/dt=2024-01-02/_SUCCESS", Encoding.UTF8.GetBytes("not data"));
        AddPartition("events", "s3://lake/events/dt=2024-01-01/", "2024-01-01");
        AddPartition("events", "s3://lake/events/dt=2024-01-02/", "2024-01-02");

        var result = await Run("SELECT kind, count(*) AS n, sum(amount) AS total, max(dt) AS last FROM events GROUP BY kind ORDER BY kind");
        Assert.Equal(["kind", "n", "total", "last"], result.Columns.Select(c => c.Name));
        Assert.Equal(["varchar", "bigint", "double", "varchar"], result.Columns.Select(c => c.Type));
        AssertRow(["a", "3", "4.5", "2024-01-02"], result.Rows[0]);
        AssertRow(["b", "1", "2.0", "2024-01-01"], result.Rows[1]);
        Assert.True(result.DataScannedBytes > 0);

        var qualified = await Run("SELECT count(*) FROM awsdatacatalog.lake.events WHERE amount IS NULL", database: null);
        Assert.Equal("1", qualified.Rows[0][0]);
    }

    [Fact]
    public async Task A_database_lent_again_keeps_the_macros_and_its_views_only_while_they_describe_the_catalog_and_files()
    {
        CreateTable("one", "s3://lake/one/", "json", "org.openx.data.jsonserde.JsonSerDe", """{"Name":"v","Type":"bigint"}""");
        CreateTable("two", "s3://lake/two/", "json", "org.openx.data.jsonserde.JsonSerDe", """{"Name":"w","Type":"bigint"}""");
        Put("lake/one/a.json", Encoding.UTF8.GetBytes("{\"v\":7}\n"));
        Put("lake/two/a.json", Encoding.UTF8.GetBytes("{\"w\":1}\n"));

        // Queries run one after another here, so each gets the same database and its views.
        Assert.Equal("7", (await Run("SELECT v FROM one")).Rows[0][0]);
        Assert.Equal("7", (await Run("SELECT sum(v) FROM one")).Rows[0][0]);
        // A new object under the table's location, a rewritten one, and a changed schema are seen by the next query.
        Put("lake/one/b.json", Encoding.UTF8.GetBytes("{\"v\":5,\"x\":\"new\"}\n"));
        Assert.Equal("12", (await Run("SELECT sum(v) FROM one")).Rows[0][0]);
        Put("lake/one/a.json", Encoding.UTF8.GetBytes("{\"v\":8}\n"));
        Assert.Equal("13", (await Run("SELECT sum(v) FROM one")).Rows[0][0]);
        var table = _catalog.GetTable("lake", "one");
        ((JsonArray)table["StorageDescriptor"]!["Columns"]!).Add(new JsonObject { ["Name"] = "x", ["Type"] = "string" });
        _catalog.UpdateTable("lake", table, skipArchive: false, expectedVersionId: null);
        AssertRow(["8", null, "5", "new"], [.. (await Run("SELECT v, x FROM one ORDER BY v DESC")).Rows.SelectMany(r => r)]);
        // Another table's view beside it; then the first again.
        Assert.Equal("1", (await Run("SELECT w FROM two")).Rows[0][0]);
        Assert.Equal("2", (await Run("SELECT count(*) FROM one")).Rows[0][0]);
        // A table deleted from the catalog is unknown: its view does not outlive it.
        _catalog.DeleteTable("lake", "one");
        var unknown = await Assert.ThrowsAsync<QueryFailure>(() => Run("SELECT count(*) FROM lake.one"));
        Assert.Contains("one", unknown.Message, StringComparison.Ordinal);
        Assert.Equal(QueryFailure.UserError, (unknown.ErrorCategory, unknown.ErrorType));
        // After a failure (its database closed, not lent again) a new database has the macros too.
        Assert.Equal("true", (await Run("SELECT regexp_like('abc', '^a') AND arbitrary(x) = 1 FROM (VALUES (1)) t(x)")).Rows[0][0]);
        Assert.Equal("true", (await Run("SELECT from_iso8601_date('2024-01-02') = DATE '2024-01-02'")).Rows[0][0]);
    }

    [Fact]
    public async Task Partitions_filtered_out_are_never_read()
    {
        CreateTable("logs", "s3://lake/logs/", "json", "org.openx.data.jsonserde.JsonSerDe", """{"Name":"msg","Type":"string"}""",
            """{"Name":"year","Type":"int"},{"Name":"month","Type":"string"}""");
        Put("lake/logs/2024/01/a.json", Encoding.UTF8.GetBytes("{\"msg\":\"ok\"}\n"));
        Put("lake/logs/2023/12/a.json", Encoding.UTF8.GetBytes("this is not json at all\n"));
        AddPartition("logs", "s3://lake/logs/2024/01/", "2024", "01");
        AddPartition("logs", "s3://lake/logs/2023/12/", "2023", "12");

        var pruned = await Run("SELECT msg, year, month FROM lake.logs WHERE year = 2024 AND month = '01'");
        AssertRow(["ok", "2024", "01"], Assert.Single(pruned.Rows));
        Assert.Equal("integer", pruned.Columns[1].Type);

        var failure = await Assert.ThrowsAsync<QueryFailure>(() => Run("SELECT count(*) FROM logs"));
        Assert.Equal((2, 1001), (failure.ErrorCategory, failure.ErrorType));
    }

    [Fact]
    public async Task Parquet_and_csv_tables()
    {
        Directory.CreateDirectory(Path.Combine(_root, "objects", "lake", "sales"));
        using (var duck = new DuckDB.NET.Data.DuckDBConnection("DataSource=:memory:"))
        {
            duck.Open();
            using var command = duck.CreateCommand();
            command.CommandText = $"COPY (SELECT range AS id, 'item' || (range % 3) AS item, CAST(range AS DECIMAL(10,2)) AS price FROM range(30)) TO '{Path.Combine(_root, "objects", "lake", "sales", "part-0.parquet")}' (FORMAT parquet)";
            command.ExecuteNonQuery();
        }
        CreateTable("sales", "s3://lake/sales/", "parquet", "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
            """{"Name":"id","Type":"bigint"},{"Name":"item","Type":"string"},{"Name":"price","Type":"decimal(10,2)"}""");
        var sales = await Run("SELECT item, count(*), sum(price) FROM sales GROUP BY item ORDER BY item");
        AssertRow(["item0", "10", "135.00"], sales.Rows[0]);
        Assert.Equal(("decimal", 38, 2), (sales.Columns[2].Type, sales.Columns[2].Precision, sales.Columns[2].Scale));

        Put("lake/people/people.csv", Encoding.UTF8.GetBytes("ann,31\nbob,45\n"));
        CreateTable("people", "s3://lake/people/", "csv", "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
            """{"Name":"name","Type":"string"},{"Name":"age","Type":"int"}""");
        var people = await Run("SELECT name FROM people WHERE age > 40");
        Assert.Equal("bob", Assert.Single(people.Rows)[0]);
    }

    [Fact]
    public async Task Trino_functions_are_translated()
    {
        var result = await Run("""
            SELECT date_format(date_parse('2024-03-05 07:08:09', '%Y-%m-%d %H:%i:%s'), '%Y/%m/%d %H.%i.%s'),
                   to_unixtime(from_iso8601_timestamp('2024-01-01T00:00:10Z')),
                   approx_distinct(x), arbitrary(x) IS NOT NULL, json_extract_scalar('{"a":{"b":"c"}}', '$.a.b'),
                   regexp_like('abc', 'b'), from_iso8601_date('2024-02-29'), NULL
            FROM (VALUES (1), (2), (2)) AS t(x)
            """);
        AssertRow(["2024/03/05 07.08.09", "1.70406721E9", "2", "true", "c", "true", "2024-02-29", null], Assert.Single(result.Rows));
    }

    [Theory]
    [InlineData("SELECT 1 FROM", "Parser Error")]
    [InlineData("SELECT * FROM nope", "nope")]
    [InlineData("SELECT * FROM otherdb.events", "events")]
    [InlineData("SELECT missing_column FROM (VALUES (1)) AS t(x)", "missing_column")]
    [InlineData("DROP TABLE lake.events", "line 1:1: DROP statements are not supported")]
    [InlineData("", "line 1:1:")]
    public async Task Bad_queries_fail_as_user_errors(string sql, string text)
    {
        var failure = await Assert.ThrowsAsync<QueryFailure>(() => Run(sql));
        Assert.Contains(text, failure.Message, StringComparison.Ordinal);
        Assert.Equal((2, 1000), (failure.ErrorCategory, failure.ErrorType));
    }

    [Fact]
    public void Table_references_skip_strings_and_comments()
    {
        var chains = TableReferences.Find("SELECT a.x, 'lake.fake' FROM awsdatacatalog.Lake.\"Events\" e -- lake.comment\nJOIN t2 ON /* x.y */ e.id = t2.id");
        var names = chains.Select(c => string.Join('.', c)).ToList();
        Assert.Contains("awsdatacatalog.lake.events", names);
        Assert.Contains("t2", names);
        Assert.DoesNotContain("lake.fake", names);
        Assert.DoesNotContain("lake.comment", names);
        Assert.DoesNotContain("x.y", names);
    }
}
