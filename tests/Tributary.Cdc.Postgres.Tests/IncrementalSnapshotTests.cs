using System.Text.Json;

namespace Tributary.Cdc.Postgres.Tests;

/// <summary>
/// Incremental snapshots through the signalling table against the real PostgreSQL: an <c>execute-snapshot</c> signal
/// reads the table in key chunks between watermarks while the stream goes on (a row changed meanwhile ends with its
/// change, never with an older snapshot copy), and a restart resumes after the last emitted chunk.
/// </summary>
[Trait("Category", "process")]
public sealed class IncrementalSnapshotTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    private readonly PostgresServer _server = fixture.Server;

    private async Task<Dictionary<string, string>> TableAsync(string schema, int rows, int chunk)
    {
        await _server.ExecuteAsync($"""
            CREATE SCHEMA {schema};
            CREATE TABLE {schema}.t (id int PRIMARY KEY, note text);
            CREATE TABLE {schema}.signal (id varchar(64) PRIMARY KEY, type varchar(32) NOT NULL, data varchar(2048));
            INSERT INTO {schema}.t SELECT g, 'row ' || g FROM generate_series(1, {rows}) g;
            """);
        var config = ChangeEventTests.Config(_server, schema);
        config["schema.include.list"] = schema;
        config["table.include.list"] = schema + "\\.t";
        config["snapshot.mode"] = "no_data";
        config["signal.data.collection"] = schema + ".signal";
        config["incremental.snapshot.chunk.size"] = chunk.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return config;
    }

    private static JsonElement Payload(string? value) => JsonDocument.Parse(value!).RootElement.GetProperty("payload");

    private static int Id(string? value) => Payload(value).GetProperty("after").GetProperty("id").GetInt32();

    [Fact]
    public async Task An_execute_snapshot_signal_reads_the_table_in_chunks_and_changes_during_it_win()
    {
        var config = await TableAsync("incr", 2500, 1000);
        await using var runner = await TaskRunner.StartAsync(config, new MemoryOffsetStore());
        await Eventually.HoldsAsync(() => _server.SlotActiveAsync("incr"), "the connector streaming", TimeSpan.FromSeconds(30));
        await _server.ExecuteAsync("""INSERT INTO incr.signal VALUES ('s1', 'execute-snapshot', '{"data-collections": ["incr.t"], "type": "incremental"}')""");
        await _server.ExecuteAsync("UPDATE incr.t SET note = 'updated' WHERE id IN (5, 1500, 2500)");
        await Eventually.HoldsAsync(() => runner.Failure is not null || runner.Records("PostgreSQL_server.incr.t").Select(r => Id(r.Value)).Distinct().Count() == 2500,
            () => $"all 2500 rows, have {runner.Records("PostgreSQL_server.incr.t").Count}", TimeSpan.FromSeconds(120));
        Assert.Null(runner.Failure);
        var records = runner.Records("PostgreSQL_server.incr.t");
        var reads = records.Where(r => Payload(r.Value).GetProperty("op").GetString() == "r").ToList();
        Assert.All(reads, r => Assert.Equal("incremental", Payload(r.Value).GetProperty("source").GetProperty("snapshot").GetString()));
        Assert.Equal(reads.Count, reads.Select(r => Id(r.Value)).Distinct().Count());
        Assert.DoesNotContain("PostgreSQL_server.incr.signal", runner.Topics);
        // Every row's last event holds its current value: the update wins over any chunk copy read before it.
        var last = records.GroupBy(r => Id(r.Value)).ToDictionary(g => g.Key, g => Payload(g.Last().Value).GetProperty("after").GetProperty("note").GetString());
        Assert.Equal("updated", last[5]);
        Assert.Equal("updated", last[1500]);
        Assert.Equal("updated", last[2500]);
        Assert.Equal("row 6", last[6]);
        // The watermarks went through the signalling table: 3 chunks (2500 rows in 1000s) with an open and a close each.
        Assert.Equal(6L, await _server.ScalarAsync("SELECT count(*) FROM incr.signal WHERE type IN ('snapshot-window-open', 'snapshot-window-close')"));
    }

    [Fact]
    public async Task A_chunk_read_while_a_delivered_commit_is_still_invisible_is_read_again()
    {
        // PostgreSQL sends a commit to logical decoding before other sessions can see it; a commit waiting for a
        // synchronous standby stays in that state until the standby answers. Here the standby never does: the UPDATE
        // is streamed (and emitted) while a chunk's read still sees the old row. Emitting that read would end row 5 on
        // "row 5"; the connector must read the chunk again once the UPDATE is visible.
        var config = await TableAsync("incrsync", 100, 1000);
        await using var runner = await TaskRunner.StartAsync(config, new MemoryOffsetStore());
        await Eventually.HoldsAsync(() => _server.SlotActiveAsync("incrsync"), "the connector streaming", TimeSpan.FromSeconds(30));
        await _server.ExecuteAsync("ALTER SYSTEM SET synchronous_commit = 'local'");
        await _server.ExecuteAsync("ALTER SYSTEM SET synchronous_standby_names = 'absent_standby'");
        await _server.ExecuteAsync("SELECT pg_reload_conf()");
        try
        {
            await Eventually.HoldsAsync(async () => (string?)await _server.ScalarAsync("SHOW synchronous_standby_names") == "absent_standby", "the configuration reloaded",
                TimeSpan.FromSeconds(10));
            await using var blocked = new Npgsql.NpgsqlConnection(_server.ConnectionString());
            await blocked.OpenAsync();
            await using (var set = new Npgsql.NpgsqlCommand("SET synchronous_commit = on; SET application_name = 'incrsync_blocked'", blocked))
            {
                await set.ExecuteNonQueryAsync();
            }
            await using var update = new Npgsql.NpgsqlCommand("UPDATE incrsync.t SET note = 'updated' WHERE id = 5", blocked);
            var waiting = update.ExecuteNonQueryAsync();
            await Eventually.HoldsAsync(() => runner.Records("PostgreSQL_server.incrsync.t").Any(r => Payload(r.Value).GetProperty("after").GetProperty("note").GetString() == "updated"),
                "the UPDATE streamed while its commit waits for the standby", TimeSpan.FromSeconds(30));
            Assert.False(waiting.IsCompleted);
            Assert.Equal("row 5", await _server.ScalarAsync("SELECT note FROM incrsync.t WHERE id = 5"));

            await _server.ExecuteAsync("""INSERT INTO incrsync.signal VALUES ('s1', 'execute-snapshot', '{"data-collections": ["incrsync.t"]}')""");
            await Eventually.HoldsAsync(async () => (long)(await _server.ScalarAsync("SELECT count(*) FROM incrsync.signal WHERE type = 'snapshot-window-close'"))! >= 2,
                "a chunk given up while the UPDATE is invisible", TimeSpan.FromSeconds(30));
            Assert.DoesNotContain(runner.Records("PostgreSQL_server.incrsync.t"), r => Payload(r.Value).GetProperty("op").GetString() == "r");

            await _server.ExecuteAsync("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'incrsync_blocked'");
            await waiting;
        }
        finally
        {
            await _server.ExecuteAsync("ALTER SYSTEM RESET synchronous_standby_names");
            await _server.ExecuteAsync("ALTER SYSTEM RESET synchronous_commit");
            await _server.ExecuteAsync("SELECT pg_reload_conf()");
        }
        await Eventually.HoldsAsync(() => runner.Failure is not null || runner.Records("PostgreSQL_server.incrsync.t").Count(r => Payload(r.Value).GetProperty("op").GetString() == "r") == 100,
            () => $"the chunk once the UPDATE is visible, have {runner.Records("PostgreSQL_server.incrsync.t").Count}", TimeSpan.FromSeconds(60));
        Assert.Null(runner.Failure);
        var last = runner.Records("PostgreSQL_server.incrsync.t").GroupBy(r => Id(r.Value))
            .ToDictionary(g => g.Key, g => Payload(g.Last().Value).GetProperty("after").GetProperty("note").GetString());
        Assert.Equal("updated", last[5]);
        Assert.Equal("row 6", last[6]);
    }

    [Fact]
    public async Task Rows_updated_by_concurrent_writers_during_many_chunks_end_with_their_latest_value()
    {
        // Many small chunks while four writers commit updates as fast as they can: a commit can reach the WAL before
        // the open watermark yet become visible after the chunk's read (PostgreSQL makes a transaction visible after
        // writing its commit record), so the chunk must not win over any change the stream delivers after the chunk
        // started. Bounded: at most 60 s of writing, 3,000 rows.
        const int Rows = 3000;
        var config = await TableAsync("incrrace", Rows, 100);
        await using var runner = await TaskRunner.StartAsync(config, new MemoryOffsetStore());
        await Eventually.HoldsAsync(() => _server.SlotActiveAsync("incrrace"), "the connector streaming", TimeSpan.FromSeconds(30));
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var writes = 0;
        async Task WriteAsync(int writer)
        {
            await using var connection = new Npgsql.NpgsqlConnection(_server.ConnectionString());
            await connection.OpenAsync();
            var random = new Random(writer);
            while (!stop.IsCancellationRequested)
            {
                await using var command = new Npgsql.NpgsqlCommand($"UPDATE incrrace.t SET note = 'w{writer}-{Interlocked.Increment(ref writes)}' WHERE id = {random.Next(1, Rows + 1)}", connection);
                await command.ExecuteNonQueryAsync();
            }
        }
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(() => WriteAsync(w))).ToList();
        await _server.ExecuteAsync("""INSERT INTO incrrace.signal VALUES ('s1', 'execute-snapshot', '{"data-collections": ["incrrace.t"]}')""");
        // 30 full chunks and the empty one that ends the table, each closed by its watermark.
        await Eventually.HoldsAsync(async () => runner.Failure is not null
                || (long)(await _server.ScalarAsync("SELECT count(*) FROM incrrace.signal WHERE type = 'snapshot-window-close'"))! >= Rows / 100 + 1,
            "the incremental snapshot's last window", TimeSpan.FromSeconds(120));
        await stop.CancelAsync();
        await Task.WhenAll(writers);
        Assert.Null(runner.Failure);
        // A marker committed after the last update: once its event is in, every update's is.
        await _server.ExecuteAsync("UPDATE incrrace.t SET note = 'marker' WHERE id = 1");
        await Eventually.HoldsAsync(() => runner.Records("PostgreSQL_server.incrrace.t").Any(r => Payload(r.Value).GetProperty("after").GetProperty("note").GetString() == "marker"),
            "the marker's event", TimeSpan.FromSeconds(60));
        var expected = new Dictionary<int, string>();
        await using (var connection = new Npgsql.NpgsqlConnection(_server.ConnectionString()))
        {
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand("SELECT id, note FROM incrrace.t", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                expected[reader.GetInt32(0)] = reader.GetString(1);
            }
        }
        var last = runner.Records("PostgreSQL_server.incrrace.t").GroupBy(r => Id(r.Value))
            .ToDictionary(g => g.Key, g => Payload(g.Last().Value).GetProperty("after").GetProperty("note").GetString());
        Assert.True(writes > 100, $"only {writes} updates were written during the snapshot");
        var stale = expected.Where(e => !last.TryGetValue(e.Key, out var note) || note != e.Value).Select(e => $"{e.Key}: {e.Value} but {(last.TryGetValue(e.Key, out var n) ? n : "nothing")}").ToList();
        Assert.True(stale.Count == 0, $"{stale.Count} rows end stale after {writes} updates: {string.Join("; ", stale.Take(10))}");
    }

    [Fact]
    public async Task A_restart_resumes_the_incremental_snapshot_after_the_last_emitted_chunk()
    {
        const int Rows = 5000;
        var config = await TableAsync("incrres", Rows, 50);
        var offsets = new MemoryOffsetStore();
        int firstRun;
        await using (var runner = await TaskRunner.StartAsync(config, offsets))
        {
            await Eventually.HoldsAsync(() => _server.SlotActiveAsync("incrres"), "the connector streaming", TimeSpan.FromSeconds(30));
            await _server.ExecuteAsync("""INSERT INTO incrres.signal VALUES ('s1', 'execute-snapshot', '{"data-collections": ["incrres.t"]}')""");
            await runner.AwaitAsync("PostgreSQL_server.incrres.t", 200);
            await runner.StopAsync();
            firstRun = runner.Records("PostgreSQL_server.incrres.t").Count;
        }
        Assert.True(firstRun < Rows, $"the snapshot was still running at the stop ({firstRun} rows)");

        await using var again = await TaskRunner.StartAsync(config, offsets);
        await Eventually.HoldsAsync(() => again.Failure is not null || again.Records("PostgreSQL_server.incrres.t").Count >= Rows - firstRun,
            () => $"the remaining rows, have {again.Records("PostgreSQL_server.incrres.t").Count}", TimeSpan.FromSeconds(120));
        Assert.Null(again.Failure);
        var second = again.Records("PostgreSQL_server.incrres.t").Select(r => Id(r.Value)).ToList();
        // Resumed after the last emitted chunk: nothing before it again, everything after it once.
        Assert.Equal(firstRun + 1, second.Min());
        Assert.Equal(Rows - firstRun, second.Distinct().Count());
        Assert.Equal(Rows, second.Max());
    }
}
