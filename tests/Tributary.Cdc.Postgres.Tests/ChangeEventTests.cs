using System.Globalization;
using System.Text.Json;

namespace Tributary.Cdc.Postgres.Tests;

/// <summary>
/// Snapshot and streaming events of a real PostgreSQL 15 compared field by field with Debezium's documented examples
/// (the PostgreSQL connector page's <c>customers</c> table, topic prefix <c>PostgreSQL_server</c>), converted by
/// Kafka's JsonConverter exactly as a topic would hold them.
/// </summary>
[Trait("Category", "process")]
public sealed class ChangeEventTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    private readonly PostgresServer _server = fixture.Server;

    /// <summary>The documented customers table in a schema of the test's own (tests share the server).</summary>
    private async Task<string> CustomersAsync(string schema)
    {
        await _server.ExecuteAsync($"""
            CREATE SCHEMA {schema};
            CREATE TABLE {schema}.customers (
              id SERIAL,
              first_name VARCHAR(255) NOT NULL,
              last_name VARCHAR(255) NOT NULL,
              email VARCHAR(255) NOT NULL,
              PRIMARY KEY(id)
            );
            """);
        return $"PostgreSQL_server.{schema}.customers";
    }

    /// <summary>
    /// The customers table in schema <paramref name="schema"/> and a task streaming it without a snapshot (slot
    /// <paramref name="schema"/>, schemas off) once the slot is active; <paramref name="extra"/> adds configuration.
    /// </summary>
    private async Task<(string Topic, TaskRunner Runner)> StreamCustomersAsync(string schema, MemoryOffsetStore? offsets = null, params (string Key, string Value)[] extra)
    {
        var topic = await CustomersAsync(schema);
        var config = Config(_server, schema);
        config["snapshot.mode"] = "no_data";
        config["schema.include.list"] = schema;
        foreach (var (key, value) in extra)
        {
            config[key] = value;
        }
        var runner = await TaskRunner.StartAsync(config, offsets ?? new MemoryOffsetStore(), schemas: false);
        try
        {
            await Eventually.HoldsAsync(() => _server.SlotActiveAsync(schema), "the connector streaming", TimeSpan.FromSeconds(30));
        }
        catch
        {
            await runner.DisposeAsync();
            throw;
        }
        return (topic, runner);
    }

    public static Dictionary<string, string> Config(PostgresServer server, string slot = "debezium") => new()
    {
        ["connector.class"] = "io.debezium.connector.postgresql.PostgresConnector",
        ["database.hostname"] = "127.0.0.1",
        ["database.port"] = server.Port.ToString(CultureInfo.InvariantCulture),
        ["database.user"] = "postgres",
        ["database.password"] = PostgresServer.SuperuserPassword,
        ["database.dbname"] = "postgres",
        ["topic.prefix"] = "PostgreSQL_server",
        ["plugin.name"] = "pgoutput",
        ["slot.name"] = slot,
        ["status.update.interval.ms"] = "500",
        ["poll.interval.ms"] = "100",
    };

    private static JsonElement Payload(string? json) => JsonDocument.Parse(json!).RootElement.GetProperty("payload");

    [Fact]
    public async Task Snapshot_then_insert_update_delete_truncate_match_Debeziums_examples()
    {
        var topic = await CustomersAsync("inventory");
        await _server.ExecuteAsync("""
            INSERT INTO inventory.customers VALUES (1001, 'Sally', 'Thomas', 'sally.thomas@acme.com'), (1002, 'George', 'Bailey', 'gbailey@foobar.com');
            ALTER TABLE inventory.customers REPLICA IDENTITY FULL;
            """);
        var config = Config(_server);
        config["skipped.operations"] = "none";
        config["schema.include.list"] = "inventory";
        await using var runner = await TaskRunner.StartAsync(config, new MemoryOffsetStore());
        var snapshot = await runner.AwaitAsync(topic, 2);

        // Key: Debezium's documented key schema and payload for this table.
        Assert.Equal("""{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"}],"optional":false,"name":"PostgreSQL_server.inventory.customers.Key"},"payload":{"id":1001}}""",
            snapshot[0].Key);
        var first = Payload(snapshot[0].Value);
        Assert.Equal("r", first.GetProperty("op").GetString());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("before").ValueKind);
        Assert.Equal("""{"id":1001,"first_name":"Sally","last_name":"Thomas","email":"sally.thomas@acme.com"}""", first.GetProperty("after").GetRawText());
        Assert.Equal("first", first.GetProperty("source").GetProperty("snapshot").GetString());
        Assert.Equal("last", Payload(snapshot[1].Value).GetProperty("source").GetProperty("snapshot").GetString());

        // The value schema: envelope v2 in Debezium 2.7+ order, the documented row fields, the Postgres source block.
        var schema = JsonDocument.Parse(snapshot[0].Value!).RootElement.GetProperty("schema");
        Assert.Equal("PostgreSQL_server.inventory.customers.Envelope", schema.GetProperty("name").GetString());
        Assert.Equal(["before", "after", "source", "transaction", "op", "ts_ms", "ts_us", "ts_ns"],
            schema.GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("field").GetString()));
        Assert.Equal("""{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"},{"type":"string","optional":false,"field":"first_name"},{"type":"string","optional":false,"field":"last_name"},{"type":"string","optional":false,"field":"email"}],"optional":true,"name":"PostgreSQL_server.inventory.customers.Value","field":"before"}""",
            schema.GetProperty("fields")[0].GetRawText());
        var source = schema.GetProperty("fields")[2];
        Assert.Equal("io.debezium.connector.postgresql.Source", source.GetProperty("name").GetString());
        Assert.Equal(["version", "connector", "name", "ts_ms", "snapshot", "db", "sequence", "ts_us", "ts_ns", "schema", "table", "txId", "lsn", "xmin"],
            source.GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("field").GetString()));
        Assert.Equal("""{"type":"string","optional":false,"field":"schema"},{"type":"string","optional":false,"field":"table"},{"type":"int64","optional":true,"field":"txId"},{"type":"int64","optional":true,"field":"lsn"},{"type":"int64","optional":true,"field":"xmin"}""",
            string.Join(",", source.GetProperty("fields").EnumerateArray().Skip(9).Select(f => f.GetRawText())));

        await Eventually.HoldsAsync(() => _server.SlotActiveAsync("debezium"), "the connector streaming", TimeSpan.FromSeconds(30));
        await _server.ExecuteAsync("INSERT INTO inventory.customers VALUES (1, 'Anne', 'Kretchmar', 'annek@noanswer.org')");
        await _server.ExecuteAsync("UPDATE inventory.customers SET first_name = 'Anne Marie' WHERE id = 1");
        await _server.ExecuteAsync("DELETE FROM inventory.customers WHERE id = 1");
        await _server.ExecuteAsync("TRUNCATE inventory.customers");
        var events = await runner.AwaitAsync(topic, 2 + 5);

        var create = Payload(events[2].Value);
        Assert.Equal("c", create.GetProperty("op").GetString());
        Assert.Equal("""{"id":1,"first_name":"Anne","last_name":"Kretchmar","email":"annek@noanswer.org"}""", create.GetProperty("after").GetRawText());

        // The documented update (REPLICA IDENTITY FULL), field by field.
        var update = Payload(events[3].Value);
        Assert.Equal("""{"id":1,"first_name":"Anne","last_name":"Kretchmar","email":"annek@noanswer.org"}""", update.GetProperty("before").GetRawText());
        Assert.Equal("""{"id":1,"first_name":"Anne Marie","last_name":"Kretchmar","email":"annek@noanswer.org"}""", update.GetProperty("after").GetRawText());
        var updateSource = update.GetProperty("source");
        Assert.Equal(["version", "connector", "name", "ts_ms", "snapshot", "db", "sequence", "ts_us", "ts_ns", "schema", "table", "txId", "lsn", "xmin"],
            updateSource.EnumerateObject().Select(p => p.Name));
        Assert.Equal("3.1.0.Final", updateSource.GetProperty("version").GetString());
        Assert.Equal("postgresql", updateSource.GetProperty("connector").GetString());
        Assert.Equal("PostgreSQL_server", updateSource.GetProperty("name").GetString());
        Assert.Equal("false", updateSource.GetProperty("snapshot").GetString());
        Assert.Equal("postgres", updateSource.GetProperty("db").GetString());
        Assert.Equal("inventory", updateSource.GetProperty("schema").GetString());
        Assert.Equal("customers", updateSource.GetProperty("table").GetString());
        Assert.Equal(JsonValueKind.Null, updateSource.GetProperty("xmin").ValueKind);
        var lsn = updateSource.GetProperty("lsn").GetInt64();
        var sequence = JsonSerializer.Deserialize<string[]>(updateSource.GetProperty("sequence").GetString()!)!;
        Assert.Equal(lsn.ToString(CultureInfo.InvariantCulture), sequence[1]);
        // sequence[0] is Debezium's last commit LSN: the end of the insert's commit record, after the insert and at
        // most the update's LSN (the next transaction's first record may start right where the commit record ends).
        var insertLsn = Payload(events[2].Value).GetProperty("source").GetProperty("lsn").GetInt64();
        Assert.InRange(long.Parse(sequence[0], CultureInfo.InvariantCulture), insertLsn + 1, lsn);
        Assert.True(updateSource.GetProperty("txId").GetInt64() > 0);
        Assert.Equal(updateSource.GetProperty("ts_ms").GetInt64() * 1000, updateSource.GetProperty("ts_us").GetInt64() / 1000 * 1000);
        Assert.Equal(JsonValueKind.Null, update.GetProperty("transaction").ValueKind);
        Assert.Equal("u", update.GetProperty("op").GetString());
        Assert.True(Math.Abs(update.GetProperty("ts_ms").GetInt64() - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()) < 60_000);

        var delete = Payload(events[4].Value);
        Assert.Equal("d", delete.GetProperty("op").GetString());
        Assert.Equal("""{"id":1,"first_name":"Anne Marie","last_name":"Kretchmar","email":"annek@noanswer.org"}""", delete.GetProperty("before").GetRawText());
        Assert.Equal(JsonValueKind.Null, delete.GetProperty("after").ValueKind);
        Assert.Equal("""{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"}],"optional":false,"name":"PostgreSQL_server.inventory.customers.Key"},"payload":{"id":1}}""", events[5].Key);
        Assert.Null(events[5].Value); // the tombstone

        var truncate = Payload(events[6].Value);
        Assert.Equal("t", truncate.GetProperty("op").GetString());
        Assert.Null(events[6].Key);
        Assert.Equal(JsonValueKind.Null, truncate.GetProperty("before").ValueKind);
        Assert.Equal(JsonValueKind.Null, truncate.GetProperty("after").ValueKind);
    }

    [Fact]
    public async Task Without_replica_identity_full_an_update_has_no_before_and_a_delete_only_the_key()
    {
        var (topic, streaming) = await StreamCustomersAsync("identity_default");
        await using var runner = streaming;
        await _server.ExecuteAsync("""
            INSERT INTO identity_default.customers VALUES (7, 'Anne', 'Kretchmar', 'annek@noanswer.org');
            UPDATE identity_default.customers SET first_name = 'Anne Marie' WHERE id = 7;
            DELETE FROM identity_default.customers WHERE id = 7;
            """);
        var events = await runner.AwaitAsync(topic, 4);
        Assert.Equal("""{"id":7}""", events[1].Key);
        var update = JsonDocument.Parse(events[1].Value!).RootElement;
        Assert.Equal(JsonValueKind.Null, update.GetProperty("before").ValueKind);
        Assert.Equal("Anne Marie", update.GetProperty("after").GetProperty("first_name").GetString());
        // The key-only old row: the key columns, and the NOT NULL columns at their types' zero values as Debezium's converters fill them.
        var delete = JsonDocument.Parse(events[2].Value!).RootElement;
        Assert.Equal("""{"id":7,"first_name":"","last_name":"","email":""}""", delete.GetProperty("before").GetRawText());
        Assert.Null(events[3].Value);
        Assert.DoesNotContain(runner.Records(topic), r => r.Value is not null && r.Value.Contains("\"op\":\"t\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_xmin_fetch_interval_the_source_block_and_offset_carry_the_slots_catalog_xmin()
    {
        var offsets = new MemoryOffsetStore();
        var (topic, streaming) = await StreamCustomersAsync("xmin", offsets, ("xmin.fetch.interval.ms", "100"));
        await using var runner = streaming;
        var catalogXmin = Convert.ToInt64(await _server.ScalarAsync("SELECT catalog_xmin::text::bigint FROM pg_replication_slots WHERE slot_name = 'xmin'"), CultureInfo.InvariantCulture);
        await _server.ExecuteAsync("INSERT INTO xmin.customers VALUES (1, 'Anne', 'Kretchmar', 'annek@noanswer.org')");
        var events = await runner.AwaitAsync(topic, 1);
        var source = JsonDocument.Parse(events[0].Value!).RootElement.GetProperty("source");
        var xmin = source.GetProperty("xmin").GetInt64();
        // The slot's catalog_xmin when the change was read: at least what it was before, at most the change's own transaction.
        Assert.InRange(xmin, catalogXmin, source.GetProperty("txId").GetInt64());
        var offset = offsets.Offset(CdcSourceTask.SourcePartition("PostgreSQL_server"))!;
        Assert.Equal(xmin, offset["xmin"]);
    }

    [Fact]
    public async Task Skipped_operations_c_and_d_emit_only_the_updates()
    {
        var (topic, streaming) = await StreamCustomersAsync("skipped", null, ("skipped.operations", "c,d"));
        await using var runner = streaming;
        await _server.ExecuteAsync("""
            INSERT INTO skipped.customers VALUES (1, 'Anne', 'Kretchmar', 'annek@noanswer.org');
            UPDATE skipped.customers SET first_name = 'Anne Marie' WHERE id = 1;
            DELETE FROM skipped.customers WHERE id = 1;
            INSERT INTO skipped.customers VALUES (2, 'Bob', 'B', 'b@example.org');
            UPDATE skipped.customers SET first_name = 'Bobby' WHERE id = 2;
            """);
        await runner.AwaitAsync(topic, 2);
        await Task.Delay(TimeSpan.FromSeconds(1));
        var events = runner.Records(topic);
        Assert.Equal(["u", "u"], events.Select(e => JsonDocument.Parse(e.Value!).RootElement.GetProperty("op").GetString()));
        Assert.Equal(["Anne Marie", "Bobby"], events.Select(e => JsonDocument.Parse(e.Value!).RootElement.GetProperty("after").GetProperty("first_name").GetString()));
    }

    [Fact]
    public async Task Message_key_columns_key_the_records_by_the_named_columns_in_the_order_written()
    {
        var (topic, streaming) = await StreamCustomersAsync("msgkey", null, ("message.key.columns", "msgkey.customers:last_name,first_name"));
        await using var runner = streaming;
        // A delete's old row holds the replica identity's columns only: the key's columns must be among them.
        await _server.ExecuteAsync("""
            ALTER TABLE msgkey.customers REPLICA IDENTITY FULL;
            INSERT INTO msgkey.customers VALUES (1, 'Anne', 'Kretchmar', 'annek@noanswer.org');
            DELETE FROM msgkey.customers WHERE id = 1;
            """);
        var events = await runner.AwaitAsync(topic, 3);
        Assert.Equal(Enumerable.Repeat("""{"last_name":"Kretchmar","first_name":"Anne"}""", 3), events.Select(e => e.Key));
        Assert.Equal("PostgreSQL_server.msgkey.customers.Key", runner.SourceRecords(topic)[0].KeySchema!.Name);
    }

    [Fact]
    public async Task Column_exclude_list_leaves_the_column_out_and_tombstones_on_delete_false_writes_no_tombstone()
    {
        var (topic, streaming) = await StreamCustomersAsync("colexcl", null, ("column.exclude.list", "colexcl\\.customers\\.email"), ("tombstones.on.delete", "false"));
        await using var runner = streaming;
        await _server.ExecuteAsync("""
            INSERT INTO colexcl.customers VALUES (1, 'Anne', 'Kretchmar', 'annek@noanswer.org');
            DELETE FROM colexcl.customers WHERE id = 1;
            INSERT INTO colexcl.customers VALUES (2, 'Bob', 'B', 'b@example.org');
            """);
        var events = await runner.AwaitAsync(topic, 3);
        Assert.Equal("""{"id":1,"first_name":"Anne","last_name":"Kretchmar"}""", JsonDocument.Parse(events[0].Value!).RootElement.GetProperty("after").GetRawText());
        // The delete is followed directly by the next insert: no null-valued record between them.
        Assert.Equal(["c", "d", "c"], events.Select(e => JsonDocument.Parse(e.Value!).RootElement.GetProperty("op").GetString()));
        Assert.All(runner.Records(topic), r => Assert.NotNull(r.Value));
    }

    [Fact]
    public async Task A_primary_key_change_is_a_delete_a_tombstone_and_a_create_with_the_new_and_old_key_headers()
    {
        var (topic, streaming) = await StreamCustomersAsync("key_change");
        await using var runner = streaming;
        await _server.ExecuteAsync("INSERT INTO key_change.customers VALUES (8, 'Anne', 'Kretchmar', 'annek@noanswer.org'); UPDATE key_change.customers SET id = 9 WHERE id = 8;");
        var events = await runner.AwaitAsync(topic, 4);
        Assert.Equal(["{\"id\":8}", "{\"id\":8}", "{\"id\":8}", "{\"id\":9}"], events.Select(e => e.Key));
        Assert.Equal("d", JsonDocument.Parse(events[1].Value!).RootElement.GetProperty("op").GetString());
        Assert.Null(events[2].Value);
        Assert.Equal("c", JsonDocument.Parse(events[3].Value!).RootElement.GetProperty("op").GetString());
        // Debezium's headers: the delete (and its tombstone) carry the new key, the create the old one.
        static int? HeaderId(Tributary.Connect.Source.SourceRecord record, string name) =>
            record.Headers.LastWithName(name) is { Value: Tributary.Connect.Data.Struct key } ? (int)key.Get("id")! : null;
        var records = runner.SourceRecords(topic);
        Assert.Equal([null, 9, 9, null], records.Select(r => HeaderId(r, "__debezium.newkey")));
        Assert.Equal([null, null, null, 8], records.Select(r => HeaderId(r, "__debezium.oldkey")));
    }

    /// <summary>The slot's retained WAL in bytes: pg_current_wal_lsn() - confirmed_flush_lsn.</summary>
    private async Task<long> RetainedWalAsync(string slot) =>
        Convert.ToInt64(await _server.ScalarAsync($"SELECT (pg_current_wal_lsn() - confirmed_flush_lsn)::bigint FROM pg_replication_slots WHERE slot_name = '{slot}'"),
            CultureInfo.InvariantCulture);

    [Fact]
    public async Task With_a_busy_unrelated_table_the_heartbeat_action_keeps_retained_WAL_bounded_and_without_it_WAL_grows()
    {
        await _server.ExecuteAsync("""
            CREATE SCHEMA wal;
            CREATE TABLE wal.quiet (id int PRIMARY KEY);
            CREATE TABLE wal.heartbeat (id int PRIMARY KEY, ts timestamptz);
            CREATE SCHEMA busy_other;
            CREATE TABLE busy_other.t (id bigserial PRIMARY KEY, note text);
            """);
        Dictionary<string, string> Captures(string slot, string tables)
        {
            var config = Config(_server, slot);
            config["snapshot.mode"] = "no_data";
            config["publication.name"] = slot;
            config["publication.autocreate.mode"] = "filtered";
            config["table.include.list"] = tables;
            config["topic.prefix"] = slot;
            return config;
        }
        var with = Captures("hb_on", "wal.quiet,wal.heartbeat");
        with["heartbeat.interval.ms"] = "500";
        with["heartbeat.action.query"] = "INSERT INTO wal.heartbeat VALUES (1, now()) ON CONFLICT (id) DO UPDATE SET ts = excluded.ts";
        var without = Captures("hb_off", "wal.quiet");
        await using var beating = await TaskRunner.StartAsync(with, new MemoryOffsetStore());
        await using var silent = await TaskRunner.StartAsync(without, new MemoryOffsetStore());
        await Eventually.HoldsAsync(async () => await _server.SlotActiveAsync("hb_on") && await _server.SlotActiveAsync("hb_off"), "both connectors streaming", TimeSpan.FromSeconds(30));

        var startLsn = Convert.ToInt64(await _server.ScalarAsync("SELECT (pg_current_wal_lsn() - '0/0')::bigint"), CultureInfo.InvariantCulture);
        // Three minutes of busy writes elsewhere (the "several minutes"), sampling both slots every 10 s.
        var until = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        var nextSample = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        var samples = new List<(long Written, long With, long Without)>();
        async Task<long> WrittenAsync() =>
            Convert.ToInt64(await _server.ScalarAsync("SELECT (pg_current_wal_lsn() - '0/0')::bigint"), CultureInfo.InvariantCulture) - startLsn;
        while (DateTime.UtcNow < until)
        {
            await _server.ExecuteAsync("INSERT INTO busy_other.t (note) SELECT repeat('x', 200) FROM generate_series(1, 2000)");
            if (DateTime.UtcNow >= nextSample)
            {
                samples.Add((await WrittenAsync(), await RetainedWalAsync("hb_on"), await RetainedWalAsync("hb_off")));
                nextSample += TimeSpan.FromSeconds(10);
            }
        }
        var written = await WrittenAsync();
        Assert.True(written > 32 << 20, $"the busy table wrote {written} bytes of WAL; the comparison needs more");
        await Task.Delay(TimeSpan.FromSeconds(2)); // a few heartbeats after the last busy write

        var retainedWithout = await RetainedWalAsync("hb_off");
        var retainedWith = await RetainedWalAsync("hb_on");
        var trace = string.Join("\n", samples.Select(x => $"written {x.Written}: with heartbeats {x.With}, without {x.Without}"));
        Assert.True(retainedWithout >= written, $"without heartbeats the slot keeps all {written} bytes written since it started; it retains {retainedWithout}\n{trace}");
        Assert.True(retainedWith < written / 8, $"with the heartbeat action the slot retains {retainedWith} of {written} bytes\n{trace}");
        // Bounded all along, not only at the end: no sample with heartbeats held a quarter of the run's WAL, while
        // without them every sample held all that was written up to it.
        Assert.True(samples.Count >= 10, trace);
        Assert.All(samples, x => Assert.True(x.With < written / 4, trace));
        Assert.All(samples, x => Assert.True(x.Without >= x.Written * 9 / 10, trace));
        // Debezium's heartbeat record: key ServerNameKey {serverName}, value Heartbeat {ts_ms}.
        var heartbeat = beating.Records("__debezium-heartbeat.hb_on")[^1];
        Assert.Equal("""{"schema":{"type":"struct","fields":[{"type":"string","optional":false,"field":"serverName"}],"optional":false,"name":"io.debezium.connector.common.ServerNameKey","version":1},"payload":{"serverName":"hb_on"}}""",
            heartbeat.Key);
        Assert.StartsWith("""{"schema":{"type":"struct","fields":[{"type":"int64","optional":false,"field":"ts_ms"}],"optional":false,"name":"io.debezium.connector.common.Heartbeat","version":1},"payload":{"ts_ms":""",
            heartbeat.Value);
        Assert.Null(beating.Failure);
        Assert.Null(silent.Failure);
        await beating.StopAsync();
        await silent.StopAsync();
        await _server.ExecuteAsync("SELECT pg_drop_replication_slot('hb_on'); SELECT pg_drop_replication_slot('hb_off');");
    }
}
