using System.Text.Json;

namespace Tributary.Cdc.MySql.Tests;

/// <summary>
/// Record keys against real MariaDB beyond the primary key: a table without one keyed by its first UNIQUE index of NOT
/// NULL columns (snapshot and binlog, schemas on and off, key changes), <c>message.key.columns</c>, the key rebuilt
/// from the schema history after a restart, and TRUNCATE under <c>skipped.operations</c>.
/// </summary>
[Trait("Category", "process")]
public sealed class UniqueKeyTests
{
    private static Dictionary<string, string> Config(MariaDbServer server, string bootstrap, string prefix, string database)
    {
        var config = ChangeEventTests.Config(server, prefix, database);
        config["schema.history.internal.kafka.bootstrap.servers"] = bootstrap;
        return config;
    }

    private static JsonElement Payload(Kcat.Message message) => JsonDocument.Parse(message.Value!).RootElement.GetProperty("payload");

    private static async Task StreamingAsync(MariaDbServer server, TaskDriver driver, uint serverId = 5400) =>
        await Eventually.HoldsAsync(() => driver.Failure is not null || server.ReplicaRegisteredAsync(serverId).Result, "the connector streaming", TimeSpan.FromSeconds(60));

    private static async Task ProducedAsync(TaskDriver driver, long count, string what) =>
        await Eventually.HoldsAsync(() => driver.Failure is not null || Interlocked.Read(ref driver.Produced) >= count, () => $"{what}: {count} records, have {driver.Produced}",
            TimeSpan.FromSeconds(60));

    /// <summary>The key text Kafka's JsonConverter writes for a one-field string key.</summary>
    private static string StringKey(bool schemas, string schemaName, string field, string? value, bool optional = false)
    {
        var payload = value is null ? $$"""{"{{field}}":null}""" : $$"""{"{{field}}":"{{value}}"}""";
        return schemas
            ? $$"""{"schema":{"type":"struct","fields":[{"type":"string","optional":{{(optional ? "true" : "false")}},"field":"{{field}}"}],"optional":false,"name":"{{schemaName}}"},"payload":{{payload}}}"""
            : payload;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_table_without_a_primary_key_is_keyed_by_its_first_unique_index_of_not_null_columns(bool schemas)
    {
        await using var kafka = await InProcessKafka.StartAsync();
        await using var server = await MariaDbServer.StartAsync();
        // by_email comes first but its column is nullable: by_login keys the table.
        await server.ExecuteAsync(ChangeEventTests.CdcUser + """
            CREATE DATABASE app;
            CREATE TABLE app.members (email VARCHAR(50), login VARCHAR(20) NOT NULL, name VARCHAR(20),
                                      UNIQUE KEY by_email (email), UNIQUE KEY by_login (login));
            INSERT INTO app.members VALUES ('ann@x', 'ann', 'Ann');
            """);
        await using var driver = await TaskDriver.StartAsync(Config(server, kafka.Bootstrap, "uk", "app"), kafka.Bootstrap, new MemoryOffsetStore(), schemas);
        await StreamingAsync(server, driver);
        await server.ExecuteAsync("""
            INSERT INTO members VALUES ('bob@x', 'bob', 'Bob');
            UPDATE members SET name = 'Robert' WHERE login = 'bob';
            UPDATE members SET login = 'rob' WHERE login = 'bob';
            DELETE FROM members WHERE login = 'ann';
            """, "app");
        // The snapshot's CREATE TABLE and row; create; update; key change (delete, tombstone, create); delete and tombstone.
        await ProducedAsync(driver, 9, "snapshot and changes");
        Assert.Null(driver.Failure);

        var records = await Kcat.ReadAllAsync(kafka.Bootstrap, "uk.app.members");
        Assert.Equal(
            ["ann", "bob", "bob", "bob", "bob", "rob", "ann", "ann"],
            records.Select(r => (schemas ? JsonDocument.Parse(r.Key!).RootElement.GetProperty("payload") : JsonDocument.Parse(r.Key!).RootElement).GetProperty("login").GetString()));
        Assert.Equal(StringKey(schemas, "uk.app.members.Key", "login", "ann"), records[0].Key);
        Assert.Equal(StringKey(schemas, "uk.app.members.Key", "login", "rob"), records[5].Key);
        Assert.Equal(["r", "c", "u", "d", null, "c", "d", null],
            records.Select(r => r.Value is null ? null : (schemas ? Payload(r) : JsonDocument.Parse(r.Value).RootElement).GetProperty("op").GetString()));

        // Debezium's primaryKeyColumnNames names the unique index's columns.
        var create = Assert.Single(await Kcat.ReadAllAsync(kafka.Bootstrap, "uk"));
        var table = (schemas ? Payload(create) : JsonDocument.Parse(create.Value!).RootElement).GetProperty("tableChanges")[0].GetProperty("table");
        Assert.Equal(["login"], table.GetProperty("primaryKeyColumnNames").EnumerateArray().Select(k => k.GetString()!));
    }

    [Fact]
    public async Task Message_key_columns_key_the_tables_they_name_in_the_order_written()
    {
        await using var kafka = await InProcessKafka.StartAsync();
        await using var server = await MariaDbServer.StartAsync();
        await server.ExecuteAsync(ChangeEventTests.CdcUser + """
            CREATE DATABASE app;
            CREATE TABLE app.members (login VARCHAR(20) NOT NULL UNIQUE, name VARCHAR(20));
            CREATE TABLE app.orders (id INT PRIMARY KEY, code CHAR(2) NOT NULL, region VARCHAR(5) NOT NULL);
            CREATE TABLE app.others (id INT PRIMARY KEY, code CHAR(2));
            """);
        var config = Config(server, kafka.Bootstrap, "mk", "app");
        // Table names are regular expressions matched without case; columns follow the order written, not the table's.
        config["message.key.columns"] = "app.MEMBERS:name; app\\.ord.*:region,code";
        await using var driver = await TaskDriver.StartAsync(config, kafka.Bootstrap, new MemoryOffsetStore());
        await StreamingAsync(server, driver);
        await server.ExecuteAsync("""
            INSERT INTO members VALUES ('ann', 'Ann'), ('bob', NULL);
            INSERT INTO orders VALUES (1, 'aa', 'north');
            INSERT INTO others VALUES (7, 'zz');
            """, "app");
        await ProducedAsync(driver, 3 + 4, "three CREATE TABLE and four rows");
        Assert.Null(driver.Failure);

        var members = await Kcat.ReadAllAsync(kafka.Bootstrap, "mk.app.members");
        // name is nullable: its key field is optional, and a null name is a null field.
        Assert.Equal(StringKey(true, "mk.app.members.Key", "name", "Ann", optional: true), members[0].Key);
        Assert.Equal(StringKey(true, "mk.app.members.Key", "name", null, optional: true), members[1].Key);
        var order = Assert.Single(await Kcat.ReadAllAsync(kafka.Bootstrap, "mk.app.orders"));
        Assert.Equal(
            """{"schema":{"type":"struct","fields":[{"type":"string","optional":false,"field":"region"},{"type":"string","optional":false,"field":"code"}],"optional":false,"name":"mk.app.orders.Key"},"payload":{"region":"north","code":"aa"}}""",
            order.Key);
        var other = Assert.Single(await Kcat.ReadAllAsync(kafka.Bootstrap, "mk.app.others"));
        Assert.Equal(
            """{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"}],"optional":false,"name":"mk.app.others.Key"},"payload":{"id":7}}""",
            other.Key);
    }

    [Fact]
    public async Task A_restart_rebuilds_the_unique_key_from_the_schema_history_at_the_stored_position()
    {
        await using var kafka = await InProcessKafka.StartAsync();
        await using var server = await MariaDbServer.StartAsync();
        await server.ExecuteAsync(ChangeEventTests.CdcUser + "CREATE DATABASE app; CREATE TABLE app.t (login VARCHAR(20) NOT NULL, v INT);");
        var config = Config(server, kafka.Bootstrap, "rk", "app");
        var offsets = new MemoryOffsetStore();

        var first = await TaskDriver.StartAsync(config, kafka.Bootstrap, offsets, schemas: false);
        await StreamingAsync(server, first);
        await server.ExecuteAsync("CREATE UNIQUE INDEX by_login ON app.t (login)");
        await server.ExecuteAsync("INSERT INTO t VALUES ('ann', 1)", "app");
        // The snapshot's CREATE TABLE, the index (an ALTER: it made the key), the row.
        await ProducedAsync(first, 3, "the first row");
        await first.DisposeAsync();
        Assert.Null(first.Failure);

        // Written while the connector is stopped: the server's table has no unique index any more when it restarts,
        // so only the history can say that 'bob' was keyed by login.
        await server.ExecuteAsync("INSERT INTO t VALUES ('bob', 2)", "app");
        await server.ExecuteAsync("DROP INDEX by_login ON t", "app");
        await server.ExecuteAsync("INSERT INTO t VALUES ('cy', 3)", "app");

        var second = await TaskDriver.StartAsync(config, kafka.Bootstrap, offsets, schemas: false);
        await ProducedAsync(second, 3, "bob, the DROP INDEX, cy");
        await second.DisposeAsync();
        Assert.Null(second.Failure);

        var rows = await Kcat.ReadAllAsync(kafka.Bootstrap, "rk.app.t");
        Assert.Equal(["""{"login":"ann"}""", """{"login":"bob"}""", null], rows.Select(r => r.Key));
        Assert.Equal(["ann", "bob", "cy"], rows.Select(r => JsonDocument.Parse(r.Value!).RootElement.GetProperty("after").GetProperty("login").GetString()));
        var changes = (await Kcat.ReadAllAsync(kafka.Bootstrap, "rk")).Select(c => JsonDocument.Parse(c.Value!).RootElement).ToList();
        Assert.Equal(["CREATE TABLE", "CREATE UNIQUE INDEX by_login ON app.t (login)", "DROP INDEX by_login ON t"],
            changes.Select(c => c.GetProperty("ddl").GetString()!.StartsWith("CREATE TABLE", StringComparison.Ordinal) ? "CREATE TABLE" : c.GetProperty("ddl").GetString()!));
        Assert.Equal(["", "login", ""],
            changes.Select(c => string.Join(",", c.GetProperty("tableChanges")[0].GetProperty("table").GetProperty("primaryKeyColumnNames").EnumerateArray().Select(k => k.GetString()))));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("none")]
    public async Task Truncate_is_an_op_t_event_only_when_skipped_operations_does_not_hold_t(string? skipped)
    {
        await using var kafka = await InProcessKafka.StartAsync();
        await using var server = await MariaDbServer.StartAsync();
        await server.ExecuteAsync(ChangeEventTests.CdcUser + "CREATE DATABASE app; CREATE TABLE app.t (id INT PRIMARY KEY);");
        var config = Config(server, kafka.Bootstrap, "tr", "app");
        if (skipped is not null)
        {
            config["skipped.operations"] = skipped;
        }
        await using var driver = await TaskDriver.StartAsync(config, kafka.Bootstrap, new MemoryOffsetStore());
        await StreamingAsync(server, driver);
        await server.ExecuteAsync("INSERT INTO t VALUES (1)", "app");
        await server.ExecuteAsync("TRUNCATE TABLE t", "app");
        await server.ExecuteAsync("INSERT INTO t VALUES (2)", "app");
        // The snapshot's CREATE TABLE, two creates, and the truncate when it is not skipped; the second create comes
        // after the TRUNCATE in the binlog, so once it is in, the truncate had its chance.
        await ProducedAsync(driver, skipped is null ? 3 : 4, "the rows around the TRUNCATE");
        Assert.Null(driver.Failure);

        var events = await Kcat.ReadAllAsync(kafka.Bootstrap, "tr.app.t");
        Assert.Equal(skipped is null ? ["c", "c"] : ["c", "t", "c"], events.Select(e => Payload(e).GetProperty("op").GetString()));
        if (skipped is not null)
        {
            var truncate = events[1];
            Assert.Null(truncate.Key);
            var payload = Payload(truncate);
            Assert.Equal(JsonValueKind.Null, payload.GetProperty("before").ValueKind);
            Assert.Equal(JsonValueKind.Null, payload.GetProperty("after").ValueKind);
            Assert.Equal("t", payload.GetProperty("source").GetProperty("table").GetString());
        }
        // No schema change record for the TRUNCATE either way, and no history record (it changes no definition).
        Assert.Single(await Kcat.ReadAllAsync(kafka.Bootstrap, "tr"));
        Assert.DoesNotContain(await Kcat.ReadAllAsync(kafka.Bootstrap, "history.tr"), h => h.Value!.Contains("TRUNCATE", StringComparison.OrdinalIgnoreCase));
    }
}
