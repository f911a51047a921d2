using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tributary.Cdc.MySql.Tests;

/// <summary>
/// The Debezium-style pipeline of issue 20, every part real and separate: MariaDB (Debian's, in a temp dir) → the
/// MySQL CDC source on `tributary serve`'s embedded Connect worker with <c>io.confluent.connect.avro.AvroConverter</c>
/// against serve's schema registry → the topic → the S3 sink (<c>ParquetFormat</c>, AvroConverter again) writing
/// objects to a local bucket → DuckDB (@duckdb/node-api, a node process) reading the Parquet object: the rows (two
/// snapshot reads and one binlog insert) and the
/// column types the table's columns map to (VARCHAR, DECIMAL(6,2) from the Avro decimal, BIGINT from Debezium's
/// millisecond Timestamp), and the registry holding the envelope's Avro schema under the topic's value subject.
/// </summary>
[Trait("Category", "process")]
public sealed class AvroParquetPipelineTests : IAsyncLifetime
{
    private const string Topic = "shop-server.shop.orders";
    private readonly TempDirectory _directory = new();
    private TributaryProcess _server = null!;
    private MariaDbServer _database = null!;

    public async Task InitializeAsync()
    {
        _database = await MariaDbServer.StartAsync();
        await _database.ExecuteAsync(ScenarioBTests.CdcUser);
        _server = new TributaryProcess(_directory.File("data"), () => ["connect.rest.port=0", "registry.port=0", "num.partitions=1"]);
        await _server.StartAsync();
        Assert.True(_server.Ports.Registry > 0 && _server.Ports.Connect > 0, "serve did not name its registry and Connect ports: " + _server.ServingLine);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _database.DisposeAsync();
        _directory.Dispose();
    }

    private string Objects => _directory.File("objects");

    private string RegistryUrl => $"http://127.0.0.1:{_server.Ports.Registry}";

    [Fact]
    public async Task MySql_changes_through_AvroConverter_land_as_Parquet_that_DuckDB_reads_with_the_column_types()
    {
        var duckdb = Path.Combine(InteropPaths.RepositoryRoot, "tests", "interop", "formats-node");
        Assert.True(Directory.Exists(Path.Combine(duckdb, "node_modules", "@duckdb", "node-api")), "DuckDB is not installed: run ./test.sh (npm ci in tests/interop/formats-node)");
        await _database.ExecuteAsync("CREATE DATABASE shop");
        await _database.ExecuteAsync("""
            CREATE TABLE orders (order_id VARCHAR(20) PRIMARY KEY, price DECIMAL(6,2) NOT NULL, ordered_at DATETIME NOT NULL, note VARCHAR(40));
            INSERT INTO orders VALUES ('o-1', 50.00, '2021-08-16 10:11:12', 'keyboard');
            INSERT INTO orders VALUES ('o-2', 500.25, '2021-08-16 11:12:13', NULL);
            """, "shop");

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_server.Ports.Connect}"), Timeout = TimeSpan.FromSeconds(60) };
        var avro = new Dictionary<string, string>
        {
            ["key.converter"] = "io.confluent.connect.avro.AvroConverter",
            ["key.converter.schema.registry.url"] = RegistryUrl,
            ["value.converter"] = "io.confluent.connect.avro.AvroConverter",
            ["value.converter.schema.registry.url"] = RegistryUrl,
        };
        var source = new Dictionary<string, string>(avro)
        {
            ["connector.class"] = "io.debezium.connector.mysql.MySqlConnector",
            ["tasks.max"] = "1",
            ["database.hostname"] = "127.0.0.1",
            ["database.port"] = _database.Port.ToString(CultureInfo.InvariantCulture),
            ["database.user"] = "my-database-user",
            ["database.password"] = "my-secret-password",
            ["database.server.id"] = "223344",
            ["database.server.name"] = "shop-server",
            ["database.include.list"] = "shop",
            ["database.history.kafka.topic"] = "dbhistory.shop",
            ["database.history.kafka.bootstrap.servers"] = $"127.0.0.1:{_server.Ports.Kafka}",
            ["include.schema.changes"] = "false",
        };
        var sink = new Dictionary<string, string>(avro)
        {
            ["connector.class"] = "io.confluent.connect.s3.S3SinkConnector",
            ["tasks.max"] = "1",
            ["topics"] = Topic,
            ["s3.bucket.name"] = "bucket",
            ["store.url"] = new Uri(Objects).AbsoluteUri,
            ["storage.class"] = "io.confluent.connect.s3.storage.S3Storage",
            ["format.class"] = "io.confluent.connect.s3.format.parquet.ParquetFormat",
            ["flush.size"] = "3",
            ["consumer.override.auto.offset.reset"] = "earliest",
            ["tributary.state.dir"] = _directory.File("sink-state"),
        };
        Assert.Equal(201, (int)(await http.PostAsJsonAsync("/connectors", new { name = "shop-cdc", config = source })).StatusCode);
        Assert.Equal(201, (int)(await http.PostAsJsonAsync("/connectors", new { name = "shop-s3", config = sink })).StatusCode);

        // The snapshot's rows are reads (op r); once the source has registered its value schema (it converted a snapshot
        // row, so the table was read), a new row is a binlog change (op c).
        using var registry = new HttpClient { BaseAddress = new Uri(RegistryUrl) };
        await Eventually.HoldsAsync(async () => (await registry.GetAsync($"/subjects/{Topic}-value/versions/latest")).IsSuccessStatusCode,
            () => "the source registered its value schema\n" + _server.Output, TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(500));
        await _database.ExecuteAsync("INSERT INTO orders VALUES ('o-3', 1.05, '2021-08-16 12:13:14', 'microphone')", "shop");

        var root = Path.Combine(Objects, "bucket", "topics", Topic);
        string[] Files() => Directory.Exists(root) ? [.. Directory.EnumerateFiles(root, "*.parquet", SearchOption.AllDirectories).Where(f => !f.Contains(".tributary-tmp", StringComparison.Ordinal)).Order(StringComparer.Ordinal)] : [];
        await Eventually.HoldsAsync(() => Files().Length == 1, () => $"one Parquet object under {root}; have [{string.Join(", ", Files())}]\n" + _server.Output, TimeSpan.FromSeconds(120), TimeSpan.FromMilliseconds(500));
        var file = Files()[0];
        Assert.EndsWith($"topics/{Topic}/partition=0/{Topic}+0+0000000000.snappy.parquet", file.Replace('\\', '/'), StringComparison.Ordinal);

        var query = $"""
            SELECT after.order_id AS id, CAST(after.price AS VARCHAR) AS price, after.ordered_at AS ordered_at, after.note AS note, op,
                   typeof(after.order_id) AS id_type, typeof(after.price) AS price_type, typeof(after.ordered_at) AS time_type, typeof(after.note) AS note_type, before IS NULL AS no_before
            FROM read_parquet('{file.Replace("'", "''")}') ORDER BY id
            """;
        var read = await ClientProcess.RunAsync("node", ["duckdb_read.mjs", "sql", query], TimeSpan.FromSeconds(60), workingDirectory: duckdb);
        read.EnsureSuccess();
        var rows = read.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToArray();
        Assert.Equal(3, rows.Length);
        string Row(JsonObject r) => string.Join('|', new[] { "id", "price", "ordered_at", "note", "op", "no_before" }.Select(k => r[k]?.ToString() ?? "null"));
        Assert.Equal("o-1|50.00|1629108672000|keyboard|r|true", Row(rows[0]));
        Assert.Equal("o-2|500.25|1629112333000|null|r|true", Row(rows[1]));
        Assert.Equal("o-3|1.05|1629115994000|microphone|c|true", Row(rows[2]));
        foreach (var row in rows)
        {
            Assert.Equal("VARCHAR|DECIMAL(6,2)|BIGINT|VARCHAR", $"{row["id_type"]}|{row["price_type"]}|{row["time_type"]}|{row["note_type"]}");
        }

        // The registry holds the envelope the source registered (and the sink read by id): before and after share one
        // Value record, defined once and then referenced by name.
        var latest = JsonNode.Parse(await registry.GetStringAsync($"/subjects/{Topic}-value/versions/latest"))!;
        var schema = JsonDocument.Parse((string)latest["schema"]!).RootElement;
        Assert.Equal("Envelope", schema.GetProperty("name").GetString());
        var fields = schema.GetProperty("fields").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("type"));
        Assert.Equal("Value", fields["before"][1].GetProperty("name").GetString());
        Assert.Equal(Topic + ".Value", fields["after"][1].GetString());
        Assert.Contains(Topic + "-key", JsonSerializer.Deserialize<string[]>(await registry.GetStringAsync("/subjects"))!);
    }
}
