using System.Collections.Concurrent;
using System.Text.Json;
using MySqlConnector;
using Tributary.Connect.Data;
using Tributary.Connect.Source;

namespace Tributary.Cdc.MySql.Tests;

/// <summary>
/// The schema history against real MariaDB: rows written before a DDL but read after it (the connector stopped)
/// decode with the columns they were written with, the schema change events and history records say what changed,
/// a restart recovers the definitions from the history topic; unparseable DDL; and the event metadata that came with
/// it: transaction metadata, include.query, key change headers.
/// </summary>
[Trait("Category", "process")]
public sealed class SchemaHistoryTests
{
    private static Dictionary<string, string> Config(MariaDbServer server, string bootstrap, string prefix, string database)
    {
        var config = ChangeEventTests.Config(server, prefix, database);
        config["schema.history.internal.kafka.bootstrap.servers"] = bootstrap;
        return config;
    }

    private static async Task<string> ServerCharsetAsync(MariaDbServer server)
    {
        await using var connection = new MySqlConnection(server.RootConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT @@character_set_server";
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static JsonElement Payload(Kcat.Message message) => JsonDocument.Parse(message.Value!).RootElement.GetProperty("payload");

    [Fact]
    public async Task Rows_written_before_add_and_drop_column_but_read_after_a_restart_decode_with_their_own_columns_and_history_recovers_them()
    {
        await using var kafka = await InProcessKafka.StartAsync();
        await using var server = await MariaDbServer.StartAsync();
        var charset = await ServerCharsetAsync(server);
        await server.ExecuteAsync(ChangeEventTests.CdcUser + "CREATE DATABASE app; CREATE TABLE app.people (id INT PRIMARY KEY, name VARCHAR(20));");
        var config = Config(server, kafka.Bootstrap, "hist", "app");
        var offsets = new MemoryOffsetStore();

        var first = await TaskDriver.StartAsync(config, kafka.Bootstrap, offsets);
        await Eventually.HoldsAsync(() => first.Failure is not null || server.ReplicaRegisteredAsync(5400).Result, "the connector streaming", TimeSpan.FromSeconds(30));
        await server.ExecuteAsync("INSERT INTO people VALUES (1, 'ann')", "app");
        await Eventually.HoldsAsync(() => first.Failure is not null || Interlocked.Read(ref first.Produced) >= 2, "the snapshot's DDL and the first row", TimeSpan.FromSeconds(30));
        await first.DisposeAsync();
        Assert.Null(first.Failure);

        // Written while the connector is stopped: the restart reads these rows after the DDL has changed the table.
        await server.ExecuteAsync("INSERT INTO people VALUES (2, 'bob')", "app");
        await server.ExecuteAsync("ALTER TABLE people ADD COLUMN age INT NOT NULL DEFAULT 18 COMMENT 'years'", "app");
        await server.ExecuteAsync("INSERT INTO people VALUES (3, 'cy', 42)", "app");
        await server.ExecuteAsync("ALTER TABLE people DROP COLUMN name", "app");
        await server.ExecuteAsync("INSERT INTO people VALUES (4, 7)", "app");

        var second = await TaskDriver.StartAsync(config, kafka.Bootstrap, offsets);
        await Eventually.HoldsAsync(() => second.Failure is not null || Interlocked.Read(ref second.Produced) >= 5, () => $"3 rows and 2 DDL, have {second.Produced}", TimeSpan.FromSeconds(60));
        await second.DisposeAsync();
        Assert.Null(second.Failure);

        var rows = await Kcat.ReadAllAsync(kafka.Bootstrap, "hist.app.people");
        Assert.Equal(
            ["""{"id":1,"name":"ann"}""", """{"id":2,"name":"bob"}""", """{"id":3,"name":"cy","age":42}""", """{"id":4,"age":7}"""],
            rows.Select(r => Payload(r).GetProperty("after").GetRawText()));
        // (The table's definition before the ALTERs came from the snapshot's SHOW CREATE TABLE: `id` int(11), `name` varchar(20) DEFAULT NULL.)
        // Each event's value schema is the table's columns when the row was written.
        Assert.Equal(
            ["id,name", "id,name", "id,name,age", "id,age"],
            rows.Select(r => string.Join(",", JsonDocument.Parse(r.Value!).RootElement.GetProperty("schema").GetProperty("fields")[1].GetProperty("fields")
                .EnumerateArray().Select(f => f.GetProperty("field").GetString()))));

        var changes = (await Kcat.ReadAllAsync(kafka.Bootstrap, "hist")).Select(Payload).ToList();
        Assert.Equal(["CREATE", "ALTER", "ALTER"], changes.Select(c => c.GetProperty("tableChanges")[0].GetProperty("type").GetString()!));
        var add = changes[1];
        Assert.Equal("ALTER TABLE people ADD COLUMN age INT NOT NULL DEFAULT 18 COMMENT 'years'", add.GetProperty("ddl").GetString());
        Assert.Equal("app", add.GetProperty("databaseName").GetString());
        Assert.Equal("app", add.GetProperty("source").GetProperty("db").GetString());
        Assert.Equal("people", add.GetProperty("source").GetProperty("table").GetString());
        var change = add.GetProperty("tableChanges")[0];
        Assert.Equal("\"app\".\"people\"", change.GetProperty("id").GetString());
        var table = change.GetProperty("table");
        Assert.Equal(charset, table.GetProperty("defaultCharsetName").GetString());
        Assert.Equal(["id"], table.GetProperty("primaryKeyColumnNames").EnumerateArray().Select(k => k.GetString()!));
        var columns = table.GetProperty("columns");
        Assert.Equal(3, columns.GetArrayLength());
        Assert.Equal(
            """{"name":"id","jdbcType":4,"nativeType":null,"typeName":"INT","typeExpression":"INT","charsetName":null,"length":11,"scale":null,"position":1,"optional":false,"autoIncremented":false,"generated":false,"comment":null,"defaultValueExpression":null,"enumValues":null}""",
            columns[0].GetRawText());
        Assert.Equal(
            $$"""{"name":"name","jdbcType":12,"nativeType":null,"typeName":"VARCHAR","typeExpression":"VARCHAR","charsetName":"{{charset}}","length":20,"scale":null,"position":2,"optional":true,"autoIncremented":false,"generated":false,"comment":null,"defaultValueExpression":null,"enumValues":null}""",
            columns[1].GetRawText());
        Assert.Equal(
            """{"name":"age","jdbcType":4,"nativeType":null,"typeName":"INT","typeExpression":"INT","charsetName":null,"length":null,"scale":null,"position":3,"optional":false,"autoIncremented":false,"generated":false,"comment":"years","defaultValueExpression":"18","enumValues":null}""",
            columns[2].GetRawText());
        Assert.Equal(["id", "age"], changes[2].GetProperty("tableChanges")[0].GetProperty("table").GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()!));

        // The history topic: Debezium's records, a JSON string each, in binlog order.
        var history = (await Kcat.ReadAllAsync(kafka.Bootstrap, "history.hist")).Select(h => JsonDocument.Parse(h.Value!).RootElement).ToList();
        Assert.All(history, h => Assert.Equal("hist", h.GetProperty("source").GetProperty("server").GetString()));
        Assert.Equal(
            [$"CREATE DATABASE IF NOT EXISTS `app` CHARACTER SET {charset}", "CREATE TABLE", "ALTER TABLE people ADD COLUMN age INT NOT NULL DEFAULT 18 COMMENT 'years'", "ALTER TABLE people DROP COLUMN name"],
            history.Select(h => h.GetProperty("ddl").GetString()!.StartsWith("CREATE TABLE", StringComparison.Ordinal) ? "CREATE TABLE" : h.GetProperty("ddl").GetString()!));
        Assert.StartsWith("CREATE TABLE `people`", history[1].GetProperty("ddl").GetString());
        var positions = history.Select(h => h.GetProperty("position")).Select(p => (p.GetProperty("file").GetString()!, p.GetProperty("pos").GetInt64())).ToList();
        Assert.Equal(positions.OrderBy(p => p.Item1, StringComparer.Ordinal).ThenBy(p => p.Item2), positions);
        Assert.True(history[0].GetProperty("position").TryGetProperty("snapshot", out _));
        var historyAdd = history[2];
        Assert.Equal("app", historyAdd.GetProperty("databaseName").GetString());
        var historyColumns = historyAdd.GetProperty("tableChanges")[0].GetProperty("table").GetProperty("columns");
        Assert.Equal(["id", "name", "age"], historyColumns.EnumerateArray().Select(c => c.GetProperty("name").GetString()!));
        Assert.True(historyColumns[2].GetProperty("hasDefaultValue").GetBoolean());
        Assert.Equal("18", historyColumns[2].GetProperty("defaultValueExpression").GetString());
        Assert.Equal(0, historyAdd.GetProperty("tableChanges")[0].GetProperty("table").GetProperty("attributes").GetArrayLength());

        // A third start recovers (id, age) from the history topic and decodes a new row with it.
        await using var third = await TaskDriver.StartAsync(config, kafka.Bootstrap, offsets);
        await server.ExecuteAsync("INSERT INTO people VALUES (5, 8)", "app");
        await Eventually.HoldsAsync(() => third.Failure is not null || Interlocked.Read(ref third.Produced) >= 1, "the fifth row", TimeSpan.FromSeconds(60));
        Assert.Null(third.Failure);
        var last = (await Kcat.ReadAllAsync(kafka.Bootstrap, "hist.app.people"))[^1];
        Assert.Equal("""{"id":5,"age":8}""", Payload(last).GetProperty("after").GetRawText());
        Assert.Equal(4, (await Kcat.ReadAllAsync(kafka.Bootstrap, "history.hist")).Count);
    }

    [Fact]
    public async Task An_unparseable_DDL_statement_fails_the_task_naming_it_unless_skip_unparseable_ddl_is_set()
    {
        await using var kafka = await InProcessKafka.StartAsync();
        await using var server = await MariaDbServer.StartAsync();
        await server.ExecuteAsync(ChangeEventTests.CdcUser +
                                  "CREATE DATABASE app; CREATE TABLE app.a (id INT PRIMARY KEY); CREATE TABLE app.b (id INT PRIMARY KEY); CREATE TABLE app.c (id INT PRIMARY KEY);");
        var config = Config(server, kafka.Bootstrap, "bad", "app");
        await using (var failing = await TaskDriver.StartAsync(config, kafka.Bootstrap, new MemoryOffsetStore()))
        {
            await Eventually.HoldsAsync(() => failing.Failure is not null || server.ReplicaRegisteredAsync(5400).Result, "the connector streaming", TimeSpan.FromSeconds(30));
            await server.ExecuteAsync("ALTER TABLE b ADD SYSTEM VERSIONING", "app");
            await Eventually.HoldsAsync(() => failing.Failure is not null, "the task to fail", TimeSpan.FromSeconds(30));
            Assert.Contains("DDL statement couldn't be parsed", failing.Failure!.Message);
            Assert.Contains("ALTER TABLE b ADD SYSTEM VERSIONING", failing.Failure.Message);
            Assert.Contains("schema.history.internal.skip.unparseable.ddl", failing.Failure.Message);
        }

        var skipping = new Dictionary<string, string>(Config(server, kafka.Bootstrap, "skip", "app"))
        {
            ["database.server.id"] = "5401",
            ["table.include.list"] = "app.a", // b is system-versioned now, which the snapshot could not read either
            ["schema.history.internal.skip.unparseable.ddl"] = "true",
        };
        await using var driver = await TaskDriver.StartAsync(skipping, kafka.Bootstrap, new MemoryOffsetStore());
        await Eventually.HoldsAsync(() => driver.Failure is not null || server.ReplicaRegisteredAsync(5401).Result, "the second connector streaming", TimeSpan.FromSeconds(30));
        await server.ExecuteAsync("ALTER TABLE c ADD SYSTEM VERSIONING; INSERT INTO a VALUES (1);", "app");
        await Eventually.HoldsAsync(() => driver.Failure is not null || Interlocked.Read(ref driver.Produced) >= 2, "the snapshot's DDL and the row after the skipped statement",
            TimeSpan.FromSeconds(30));
        Assert.Null(driver.Failure);
        Assert.Equal("""{"id":1}""", Payload(Assert.Single(await Kcat.ReadAllAsync(kafka.Bootstrap, "skip.app.a"))).GetProperty("after").GetRawText());
    }

    [Fact]
    public async Task Transaction_metadata_brackets_a_transaction_with_BEGIN_and_END_and_numbers_its_events()
    {
        await using var kafka = await InProcessKafka.StartAsync();
        await using var server = await MariaDbServer.StartAsync();
        await server.ExecuteAsync(ChangeEventTests.CdcUser + "CREATE DATABASE app; CREATE TABLE app.a (id INT PRIMARY KEY); CREATE TABLE app.b (id INT PRIMARY KEY);");
        var config = Config(server, kafka.Bootstrap, "tx", "app");
        config["provide.transaction.metadata"] = "true";
        await using var driver = await TaskDriver.StartAsync(config, kafka.Bootstrap, new MemoryOffsetStore());
        await Eventually.HoldsAsync(() => driver.Failure is not null || server.ReplicaRegisteredAsync(5400).Result, "the connector streaming", TimeSpan.FromSeconds(30));
        await server.ExecuteAsync("START TRANSACTION; INSERT INTO a VALUES (1); INSERT INTO b VALUES (1); INSERT INTO a VALUES (2); COMMIT;", "app");
        // The snapshot's two CREATE TABLE events, then BEGIN, three changes, END.
        await Eventually.HoldsAsync(() => driver.Failure is not null || Interlocked.Read(ref driver.Produced) >= 7, () => $"7 records, have {driver.Produced}", TimeSpan.FromSeconds(30));
        Assert.Null(driver.Failure);

        var markers = (await Kcat.ReadAllAsync(kafka.Bootstrap, "tx.transaction")).Select(Payload).ToList();
        Assert.Equal(["BEGIN", "END"], markers.Select(m => m.GetProperty("status").GetString()!));
        var id = markers[0].GetProperty("id").GetString()!;
        Assert.Matches("^0-1-[0-9]+$", id); // MariaDB's GTID
        Assert.Equal(id, markers[1].GetProperty("id").GetString());
        Assert.Equal(3, markers[1].GetProperty("event_count").GetInt64());
        Assert.Equal(
            ["app.a:2", "app.b:1"],
            markers[1].GetProperty("data_collections").EnumerateArray().Select(c => $"{c.GetProperty("data_collection").GetString()}:{c.GetProperty("event_count").GetInt64()}").Order());

        var events = (await Kcat.ReadAllAsync(kafka.Bootstrap, "tx.app.a")).Concat(await Kcat.ReadAllAsync(kafka.Bootstrap, "tx.app.b")).Select(Payload).ToList();
        Assert.All(events, e => Assert.Equal(id, e.GetProperty("transaction").GetProperty("id").GetString()));
        Assert.All(events, e => Assert.Equal(id, e.GetProperty("source").GetProperty("gtid").GetString()));
        Assert.Equal(
            ["1:1:1", "2:3:2", "1:2:1"],
            events.Select(e => $"{e.GetProperty("after").GetProperty("id").GetInt32()}:{e.GetProperty("transaction").GetProperty("total_order").GetInt64()}:{e.GetProperty("transaction").GetProperty("data_collection_order").GetInt64()}"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Include_query_puts_the_statement_from_MariaDBs_annotate_rows_event_in_source_query(bool includeQuery)
    {
        await using var kafka = await InProcessKafka.StartAsync();
        await using var server = await MariaDbServer.StartAsync();
        await server.ExecuteAsync(ChangeEventTests.CdcUser + "CREATE DATABASE app; CREATE TABLE app.a (id INT PRIMARY KEY, n INT);");
        var config = Config(server, kafka.Bootstrap, "q", "app");
        config["include.query"] = includeQuery ? "true" : "false";
        await using var driver = await TaskDriver.StartAsync(config, kafka.Bootstrap, new MemoryOffsetStore());
        await Eventually.HoldsAsync(() => driver.Failure is not null || server.ReplicaRegisteredAsync(5400).Result, "the connector streaming", TimeSpan.FromSeconds(30));
        await server.ExecuteAsync("INSERT INTO a VALUES (1, 1), (2, 2)", "app");
        await server.ExecuteAsync("UPDATE a SET n = n + 10 WHERE id = 2", "app");
        // The snapshot's CREATE TABLE, two creates, one update.
        await Eventually.HoldsAsync(() => driver.Failure is not null || Interlocked.Read(ref driver.Produced) >= 4, () => $"4 records, have {driver.Produced}", TimeSpan.FromSeconds(30));
        Assert.Null(driver.Failure);
        var queries = (await Kcat.ReadAllAsync(kafka.Bootstrap, "q.app.a")).Select(e => Payload(e).GetProperty("source").GetProperty("query"))
            .Select(q => q.ValueKind == JsonValueKind.Null ? null : q.GetString()).ToList();
        Assert.Equal(
            includeQuery ? ["INSERT INTO a VALUES (1, 1), (2, 2)", "INSERT INTO a VALUES (1, 1), (2, 2)", "UPDATE a SET n = n + 10 WHERE id = 2"] : [null, null, null],
            queries);
    }

    [Fact]
    public async Task A_primary_key_change_is_a_delete_with_the_new_key_header_a_tombstone_and_a_create_with_the_old_key_header()
    {
        await using var kafka = await InProcessKafka.StartAsync();
        await using var server = await MariaDbServer.StartAsync();
        await server.ExecuteAsync(ChangeEventTests.CdcUser + "CREATE DATABASE app; CREATE TABLE app.people (id INT PRIMARY KEY, name VARCHAR(20));");
        await using var driver = await TaskDriver.StartAsync(Config(server, kafka.Bootstrap, "pk", "app"), kafka.Bootstrap, new MemoryOffsetStore());
        var records = new ConcurrentQueue<SourceRecord>();
        driver.Acknowledged = record =>
        {
            if (record.Topic == "pk.app.people")
            {
                records.Enqueue(record);
            }
        };
        await Eventually.HoldsAsync(() => driver.Failure is not null || server.ReplicaRegisteredAsync(5400).Result, "the connector streaming", TimeSpan.FromSeconds(30));
        await server.ExecuteAsync("INSERT INTO people VALUES (1, 'ann'); UPDATE people SET id = 10 WHERE id = 1;", "app");
        await Eventually.HoldsAsync(() => driver.Failure is not null || records.Count >= 4, () => $"create, delete, tombstone, create; have {records.Count}", TimeSpan.FromSeconds(30));
        Assert.Null(driver.Failure);

        var list = records.ToList();
        static int KeyId(object? key) => (int)((Struct)key!).Get("id")!;
        static int? HeaderId(SourceRecord record, string name) => record.Headers.LastWithName(name) is { Value: Struct key } ? (int)key.Get("id")! : null;
        Assert.Equal(["c", "d", null, "c"], list.Select(r => (string?)(r.Value as Struct)?.Get("op")));
        Assert.Equal([1, 1, 1, 10], list.Select(r => KeyId(r.Key)));
        Assert.Equal([null, 10, 10, null], list.Select(r => HeaderId(r, "__debezium.newkey")));
        Assert.Equal([null, null, null, 1], list.Select(r => HeaderId(r, "__debezium.oldkey")));
        Assert.Equal(list[1].KeySchema, list[1].Headers.LastWithName("__debezium.newkey")!.Schema);
    }
}
