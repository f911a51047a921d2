using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tributary.Cdc.Postgres.Tests;

/// <summary>
/// Offsets and restarts against one PostgreSQL: the slot's confirmed flush LSN (pg_replication_slots) moves only once
/// the worker committed the offsets of what it produced; a kill -9 of PostgreSQL is retried by the task without losing
/// a change; and in the real program (<c>tributary connect-standalone</c> against <c>tributary serve</c>, the topic
/// read with kcat) a kill -9 of the worker loses nothing and a clean stop repeats nothing. Setups the connector
/// cannot work with fail the task with the reason in Connect's status.
/// </summary>
[Trait("Category", "process")]
public sealed class RestartAndFailureTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    private readonly PostgresServer _server = fixture.Server;

    private Task<Dictionary<string, string>> TableAsync(string schema) => TableAsync(_server, schema);

    /// <summary>A schema with one keyed table <c>t</c>, and a connector configuration that streams it without a snapshot.</summary>
    internal static async Task<Dictionary<string, string>> TableAsync(PostgresServer server, string schema)
    {
        await server.ExecuteAsync($"CREATE SCHEMA {schema}; CREATE TABLE {schema}.t (id bigint PRIMARY KEY, note text);");
        var config = ChangeEventTests.Config(server, schema);
        config["schema.include.list"] = schema;
        config["snapshot.mode"] = "no_data";
        return config;
    }

    private static long Id(string? value) => JsonDocument.Parse(value!).RootElement.GetProperty("payload").GetProperty("after").GetProperty("id").GetInt64();

    /// <summary>The change's own LSN (source.lsn): its transaction commits after it, so a confirmed flush LSN at or past its commit is past it too.</summary>
    private static long ChangeLsn(string? value) =>
        JsonDocument.Parse(value!).RootElement.GetProperty("payload").GetProperty("source").GetProperty("lsn").GetInt64();

    [Fact]
    public async Task The_slots_confirmed_flush_LSN_advances_only_after_the_offsets_are_committed()
    {
        var config = await TableAsync("flush");
        await using var runner = await TaskRunner.StartAsync(config, new MemoryOffsetStore());
        await Eventually.HoldsAsync(() => _server.SlotActiveAsync("flush"), "the connector streaming", TimeSpan.FromSeconds(30));
        await _server.ExecuteAsync("INSERT INTO flush.t VALUES (1, 'a')");
        var first = await runner.AwaitAsync("PostgreSQL_server.flush.t", 1);
        await Eventually.HoldsAsync(async () => (long)await _server.ConfirmedFlushLsnAsync("flush") >= ChangeLsn(first[0].Value),
            "the first transaction confirmed once its offset was committed", TimeSpan.FromSeconds(30));

        // The worker produces and acknowledges but has not flushed offsets: the slot must keep those transactions.
        runner.CommitOffsets = false;
        var held = await _server.ConfirmedFlushLsnAsync("flush");
        await _server.ExecuteAsync("INSERT INTO flush.t VALUES (2, 'b'); INSERT INTO flush.t VALUES (3, 'c');");
        var produced = await runner.AwaitAsync("PostgreSQL_server.flush.t", 3);
        await Task.Delay(TimeSpan.FromSeconds(2)); // several status update intervals (500 ms)
        Assert.Equal(held, await _server.ConfirmedFlushLsnAsync("flush"));
        Assert.True((long)held < ChangeLsn(produced[2].Value), "the produced transactions lie beyond the confirmed flush LSN");

        // The offsets flush: the slot confirms the last committed transaction.
        runner.CommitOffsets = true;
        await _server.ExecuteAsync("INSERT INTO flush.t VALUES (4, 'd')");
        var all = await runner.AwaitAsync("PostgreSQL_server.flush.t", 4);
        await Eventually.HoldsAsync(async () => (long)await _server.ConfirmedFlushLsnAsync("flush") >= ChangeLsn(all[3].Value),
            "the confirmed flush LSN at the last committed offset", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_kill_9_of_PostgreSQL_is_retried_and_no_change_is_lost()
    {
        var config = await TableAsync("crash");
        config["retriable.restart.connector.wait.ms"] = "500";
        var offsets = new MemoryOffsetStore();
        await using var runner = await TaskRunner.StartAsync(config, offsets, schemas: true);
        await Eventually.HoldsAsync(() => _server.SlotActiveAsync("crash"), "the connector streaming", TimeSpan.FromSeconds(30));
        await _server.ExecuteAsync("INSERT INTO crash.t SELECT g, 'before' FROM generate_series(1, 500) g");
        await runner.AwaitAsync("PostgreSQL_server.crash.t", 500);

        await _server.CrashAndRestartAsync(TimeSpan.FromSeconds(2));
        await _server.ExecuteAsync("INSERT INTO crash.t SELECT g, 'after' FROM generate_series(501, 1000) g");
        await _server.ExecuteAsync("UPDATE crash.t SET note = 'updated' WHERE id = 1000");
        await Eventually.HoldsAsync(() => runner.Failure is not null || runner.Records("PostgreSQL_server.crash.t").Select(r => Id(r.Value)).Distinct().Count() == 1000,
            () => $"all 1000 rows after the restart, have {runner.Records("PostgreSQL_server.crash.t").Count}", TimeSpan.FromSeconds(90));
        Assert.Null(runner.Failure);
        var records = await runner.AwaitAsync("PostgreSQL_server.crash.t", 1001);
        Assert.Equal("u", JsonDocument.Parse(records[^1].Value!).RootElement.GetProperty("payload").GetProperty("op").GetString());
        Assert.Equal(1001, records.Count); // the retry resumed after the last queued change: nothing repeated either
    }

    [Fact]
    public async Task In_the_program_a_kill_9_of_the_worker_loses_no_change_and_a_clean_stop_repeats_none()
    {
        InteropClients.RequireKcat();
        const int Rows = 20_000;
        const string Topic = "PostgreSQL_server.worker.t";
        var config = await TableAsync("worker");
        using var directory = new TempDirectory();
        await using var broker = new TributaryProcess(directory.File("data"), () => []);
        await broker.StartAsync();
        var bootstrap = $"127.0.0.1:{broker.Ports.Kafka}";
        var workerFile = directory.File("worker.properties");
        File.WriteAllText(workerFile, $"""
            bootstrap.servers={bootstrap}
            key.converter=org.apache.kafka.connect.json.JsonConverter
            value.converter=org.apache.kafka.connect.json.JsonConverter
            offset.storage.file.filename={directory.File("offsets.json")}
            offset.flush.interval.ms=500
            listeners=http://127.0.0.1:0
            """);
        config["name"] = "pg";
        config["max.batch.size"] = "500";
        var connectorFile = directory.File("pg.properties");
        File.WriteAllLines(connectorFile, config.Select(p => $"{p.Key}={p.Value}"));

        async Task<List<long>> IdsAsync()
        {
            // The task creates the topic with its first record: until then it reads as empty.
            var listed = await ClientProcess.RunAsync("kcat", ["-b", bootstrap, "-L", "-t", Topic], TimeSpan.FromSeconds(30));
            if (!listed.StandardOutput.Contains($"topic \"{Topic}\" with 1 partitions", StringComparison.Ordinal))
            {
                return [];
            }
            return [.. (await Kcat.ReadAllAsync(bootstrap, Topic)).Where(m => m.Value is not null).Select(m => Id(m.Value))];
        }

        var worker = await ConnectStandaloneProcess.StartAsync(workerFile, connectorFile);
        try
        {
            await Eventually.HoldsAsync(() => _server.SlotActiveAsync("worker"), () => "the connector streaming\n" + worker.Output, TimeSpan.FromSeconds(60));
            await _server.ExecuteAsync($"INSERT INTO worker.t SELECT g, 'row' FROM generate_series(1, {Rows}) g");
            await Eventually.HoldsAsync(async () => (await IdsAsync()).Count >= 1000, () => "1000 rows in the topic\n" + worker.Output, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(500));
            await worker.KillAsync();
            await worker.DisposeAsync();

            worker = await ConnectStandaloneProcess.StartAsync(workerFile, connectorFile);
            await Eventually.HoldsAsync(async () => (await IdsAsync()).Distinct().Count() == Rows, () => "every row after the kill -9\n" + worker.Output,
                TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(1));

            // A clean stop flushes the offsets and confirms the slot: rows written while the worker is down come once.
            var before = (await IdsAsync()).Count;
            await worker.StopAsync();
            await _server.ExecuteAsync($"INSERT INTO worker.t VALUES ({Rows + 1}, 'down'), ({Rows + 2}, 'down')");
            await worker.DisposeAsync();
            worker = await ConnectStandaloneProcess.StartAsync(workerFile, connectorFile);
            await Eventually.HoldsAsync(() => _server.SlotActiveAsync("worker"), () => "the connector streaming again\n" + worker.Output, TimeSpan.FromSeconds(60));
            await _server.ExecuteAsync($"INSERT INTO worker.t VALUES ({Rows + 3}, 'up')");
            await Eventually.HoldsAsync(async () => (await IdsAsync()).Distinct().Count() == Rows + 3, () => "the three new rows\n" + worker.Output,
                TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(500));
            await Task.Delay(TimeSpan.FromSeconds(2)); // anything repeated would have arrived with the rows after it
            var ids = await IdsAsync();
            Assert.Equal(before + 3, ids.Count);
            // The offset map (JSON text) in the runtime's offset file, under Debezium's names.
            var stored = JsonDocument.Parse(File.ReadAllText(directory.File("offsets.json"))).RootElement.GetProperty("offsets")[0].GetProperty("value").GetString()!;
            Assert.True(JsonDocument.Parse(stored).RootElement.GetProperty("lsn_commit").GetInt64() > 0, stored);
        }
        finally
        {
            await worker.DisposeAsync();
        }
    }

    [Fact]
    public async Task Wal_level_not_logical_a_user_without_REPLICATION_and_a_slot_in_use_fail_the_task_with_the_reason_in_its_status()
    {
        await using var replica = await PostgresServer.StartAsync("wal_level=replica");
        await _server.ExecuteAsync("CREATE ROLE norepl LOGIN PASSWORD 'norepl-pw'; CREATE SCHEMA busy; CREATE TABLE busy.t (id int PRIMARY KEY);");
        var busy = ChangeEventTests.Config(_server, "busy");
        busy["schema.include.list"] = "busy";
        busy["snapshot.mode"] = "no_data";
        await using var holder = await TaskRunner.StartAsync(busy, new MemoryOffsetStore());
        await Eventually.HoldsAsync(() => _server.SlotActiveAsync("busy"), "the first consumer of slot busy streaming", TimeSpan.FromSeconds(30));

        using var directory = new TempDirectory();
        await using var broker = new TributaryProcess(directory.File("data"), () => ["connect.rest.port=0"]);
        await broker.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{broker.Ports.Connect}"), Timeout = TimeSpan.FromSeconds(60) };
        async Task CreateAsync(string name, Dictionary<string, string> config)
        {
            var created = await http.PostAsJsonAsync("/connectors", new { name, config });
            Assert.True((int)created.StatusCode == 201, await created.Content.ReadAsStringAsync());
        }
        var walLevel = ChangeEventTests.Config(replica, "s1");
        await CreateAsync("wal-level", walLevel);
        var noReplication = ChangeEventTests.Config(_server, "s2");
        noReplication["database.user"] = "norepl";
        noReplication["database.password"] = "norepl-pw";
        noReplication["topic.prefix"] = "other";
        await CreateAsync("no-replication", noReplication);
        var slotInUse = new Dictionary<string, string>(busy) { ["topic.prefix"] = "third" };
        await CreateAsync("slot-in-use", slotInUse);

        async Task<string> TraceAsync(string name)
        {
            JsonNode? task = null;
            await Eventually.HoldsAsync(async () =>
            {
                task = JsonNode.Parse(await http.GetStringAsync($"/connectors/{name}/status"))!["tasks"]?.AsArray().FirstOrDefault();
                return task?["state"]?.GetValue<string>() == "FAILED";
            }, () => $"{name}'s task FAILED: {task?.ToJsonString()}\n{broker.Output}", TimeSpan.FromSeconds(60));
            return task!["trace"]!.GetValue<string>();
        }
        var trace = await TraceAsync("wal-level");
        Assert.Contains("wal_level property must be 'logical' but is: 'replica'", trace);
        trace = await TraceAsync("no-replication");
        Assert.Contains("'norepl' lacks the REPLICATION attribute", trace);
        trace = await TraceAsync("slot-in-use");
        Assert.Contains("replication slot 'busy' is in use", trace);
        Assert.True(await _server.SlotActiveAsync("busy"), "the first consumer keeps its slot");
    }
}
