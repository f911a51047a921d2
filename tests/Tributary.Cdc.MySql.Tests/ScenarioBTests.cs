using System.Text.Json;

namespace Tributary.Cdc.MySql.Tests;

/// <summary>Scenario B (user-scenarios.md) end to end: its Debezium 1.6 configuration as written, against MariaDB, read back with kcat.</summary>
[Trait("Category", "process")]
public sealed class ScenarioBTests
{
    internal static Dictionary<string, string> ScenarioConfig(MariaDbServer server, string bootstrap) => new()
    {
        ["connector.class"] = "io.debezium.connector.mysql.MySqlConnector",
        ["tasks.max"] = "1",
        ["database.hostname"] = "127.0.0.1",
        ["database.port"] = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["database.user"] = "my-database-user",
        ["database.password"] = "my-secret-password",
        ["database.server.id"] = "123456",
        ["database.server.name"] = "ecommerce-server",
        ["database.include.list"] = "ecommerce",
        ["database.history.kafka.topic"] = "dbhistory.ecommerce",
        ["database.history.kafka.bootstrap.servers"] = bootstrap,
        ["include.schema.changes"] = "true",
        ["poll.interval.ms"] = "100",
    };

    internal const string CdcUser = """
        CREATE USER 'my-database-user'@'%' IDENTIFIED BY 'my-secret-password';
        GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT, LOCK TABLES ON *.* TO 'my-database-user'@'%';
        """;

    [Fact]
    public async Task Scenario_B_configuration_as_written_gives_the_DDL_and_three_create_events()
    {
        await using var kafka = await InProcessKafka.StartAsync();
        await using var server = await MariaDbServer.StartAsync();
        await server.ExecuteAsync(CdcUser);
        var offsets = new MemoryOffsetStore();
        await using var driver = await TaskDriver.StartAsync(ScenarioConfig(server, kafka.Bootstrap), kafka.Bootstrap, offsets);

        await Eventually.HoldsAsync(() => driver.Failure is not null || server.ReplicaRegisteredAsync(123456).Result, "the connector streaming", TimeSpan.FromSeconds(30));
        Assert.Null(driver.Failure);
        await server.ExecuteAsync("CREATE DATABASE ecommerce");
        await server.ExecuteAsync("""
            CREATE TABLE orders (
                   order_id VARCHAR(255),
                   customer_id VARCHAR(255),
                   item_description VARCHAR(255),
                   price DECIMAL(6,2),
                   order_date DATETIME DEFAULT CURRENT_TIMESTAMP
            );
            INSERT INTO orders VALUES ("123456", "123", "A super noisy mechanical keyboard", "50.00", "2021-08-16 10:11:12");
            INSERT INTO orders VALUES ("123457", "123", "An extremely wide monitor", "500.00", "2021-08-16 11:12:13");
            INSERT INTO orders VALUES ("123458", "123", "A too sensible microphone", "150.00", "2021-08-16 12:13:14");
            """, "ecommerce");

        await Eventually.HoldsAsync(() => driver.Failure is not null || Interlocked.Read(ref driver.Produced) >= 5, () => $"5 records produced, have {driver.Produced}", TimeSpan.FromSeconds(30));
        Assert.Null(driver.Failure);

        var events = await Kcat.ReadAllAsync(kafka.Bootstrap, "ecommerce-server.ecommerce.orders");
        Assert.Equal(3, events.Count);
        var first = JsonDocument.Parse(events[0].Value!).RootElement;
        Assert.Null(events[0].Key); // orders has no primary key
        var payload = first.GetProperty("payload");
        Assert.Equal("c", payload.GetProperty("op").GetString());
        var after = payload.GetProperty("after");
        Assert.Equal("123456", after.GetProperty("order_id").GetString());
        Assert.Equal("123", after.GetProperty("customer_id").GetString());
        Assert.Equal("A super noisy mechanical keyboard", after.GetProperty("item_description").GetString());
        Assert.Equal(Convert.ToBase64String([0x13, 0x88]), after.GetProperty("price").GetString()); // 5000 unscaled, scale 2 = 50.00
        Assert.Equal(1629108672000, after.GetProperty("order_date").GetInt64());
        var source = payload.GetProperty("source");
        Assert.Equal("mysql", source.GetProperty("connector").GetString());
        Assert.Equal("ecommerce-server", source.GetProperty("name").GetString());
        Assert.Equal("ecommerce", source.GetProperty("db").GetString());
        Assert.Equal("orders", source.GetProperty("table").GetString());
        Assert.Equal("false", source.GetProperty("snapshot").GetString());
        Assert.Equal(1, source.GetProperty("server_id").GetInt64());
        Assert.StartsWith("mysql-bin.", source.GetProperty("file").GetString());
        Assert.True(source.GetProperty("pos").GetInt64() > 4);
        Assert.Equal(0, source.GetProperty("row").GetInt32());
        Assert.Matches("^0-1-[0-9]+$", source.GetProperty("gtid").GetString());
        var schema = first.GetProperty("schema");
        Assert.Equal("ecommerce-server.ecommerce.orders.Envelope", schema.GetProperty("name").GetString());
        Assert.Equal(2, schema.GetProperty("version").GetInt32());
        var fieldNames = schema.GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("field").GetString()!).ToArray();
        Assert.Equal(["before", "after", "source", "transaction", "op", "ts_ms", "ts_us", "ts_ns"], fieldNames);
        var priceSchema = schema.GetProperty("fields")[1].GetProperty("fields").EnumerateArray().Single(f => f.GetProperty("field").GetString() == "price");
        Assert.Equal("""{"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2","connect.decimal.precision":"6"},"field":"price"}""", priceSchema.GetRawText());
        Assert.Equal(["50.00", "500.00", "150.00"], events.Select(e => DecimalOf(JsonDocument.Parse(e.Value!).RootElement.GetProperty("payload").GetProperty("after").GetProperty("price").GetString()!)));

        var ddl = await Kcat.ReadAllAsync(kafka.Bootstrap, "ecommerce-server");
        var create = ddl.Select(d => JsonDocument.Parse(d.Value!).RootElement.GetProperty("payload")).Single(p => p.GetProperty("ddl").GetString()!.Contains("CREATE TABLE"));
        Assert.Equal("ecommerce", create.GetProperty("databaseName").GetString());
        var change = create.GetProperty("tableChanges")[0];
        Assert.Equal("CREATE", change.GetProperty("type").GetString());
        Assert.Equal("\"ecommerce\".\"orders\"", change.GetProperty("id").GetString());
        var columns = change.GetProperty("table").GetProperty("columns");
        Assert.Equal(["order_id", "customer_id", "item_description", "price", "order_date"], columns.EnumerateArray().Select(c => c.GetProperty("name").GetString()!));
        Assert.Equal(3, columns[3].GetProperty("jdbcType").GetInt32());
        Assert.Equal(6, columns[3].GetProperty("length").GetInt32());
        Assert.Equal(2, columns[3].GetProperty("scale").GetInt32());
        Assert.Equal(0, change.GetProperty("table").GetProperty("primaryKeyColumnNames").GetArrayLength());
        Assert.Contains(ddl, d => JsonDocument.Parse(d.Value!).RootElement.GetProperty("payload").GetProperty("ddl").GetString() == "CREATE DATABASE ecommerce");
    }

    private static string DecimalOf(string base64)
    {
        var unscaled = new System.Numerics.BigInteger(Convert.FromBase64String(base64), isUnsigned: false, isBigEndian: true);
        return (unscaled / 100) + "." + (unscaled % 100).ToString("D2", System.Globalization.CultureInfo.InvariantCulture);
    }
}
