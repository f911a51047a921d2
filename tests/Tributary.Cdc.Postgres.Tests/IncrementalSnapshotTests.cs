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
