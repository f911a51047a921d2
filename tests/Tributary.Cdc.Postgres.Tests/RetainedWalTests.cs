using System.Globalization;
using System.Net.Http.Json;
using Tributary.Cdc.Postgres.Replication;

namespace Tributary.Cdc.Postgres.Tests;

/// <summary>
/// The slot's retained WAL as a metric and a warning: the task publishes the gauge through its PluginMetrics and
/// warns while the slot keeps more than <c>slot.retained.wal.warning.bytes</c> (busy uncaptured tables, quiet captured
/// ones), clearing the warning once a captured change moves the slot; and <c>tributary serve</c>'s admin port shows
/// both on <c>GET /metrics</c>.
/// </summary>
[Trait("Category", "process")]
public sealed class RetainedWalTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    private readonly PostgresServer _server = fixture.Server;

    private async Task<Dictionary<string, string>> ConfigAsync(string schema)
    {
        await _server.ExecuteAsync($"""
            CREATE SCHEMA {schema}; CREATE TABLE {schema}.t (id int PRIMARY KEY, note text);
            CREATE SCHEMA {schema}_busy; CREATE TABLE {schema}_busy.t (id int PRIMARY KEY, note text);
            """);
        var config = ChangeEventTests.Config(_server, schema);
        config["schema.include.list"] = schema;
        config["snapshot.mode"] = "no_data";
        config["slot.retained.wal.check.interval.ms"] = "200";
        return config;
    }

    private static double? Retained(TaskRunner runner) =>
        runner.Metrics.Gauges.Where(g => g.Name == RetainedWalMonitor.RetainedGauge).Select(g => (double?)g.Value).FirstOrDefault();

    [Fact]
    public async Task The_task_publishes_the_slots_retained_WAL_and_warns_past_the_threshold_until_the_slot_moves()
    {
        var config = await ConfigAsync("walmon");
        config["slot.retained.wal.warning.bytes"] = (4 << 20).ToString(CultureInfo.InvariantCulture);
        await using var runner = await TaskRunner.StartAsync(config, new MemoryOffsetStore());
        await Eventually.HoldsAsync(() => _server.SlotActiveAsync("walmon"), "the connector streaming", TimeSpan.FromSeconds(30));
        await Eventually.HoldsAsync(() => Retained(runner) is not null, "the retained WAL gauge", TimeSpan.FromSeconds(30));
        Assert.Null(runner.Metrics.Warning);

        // Busy uncaptured tables, quiet captured ones, no heartbeats: nothing moves the slot, the WAL it keeps grows.
        await _server.ExecuteAsync("INSERT INTO walmon_busy.t SELECT g, repeat('x', 1000) FROM generate_series(1, 10000) g");
        await Eventually.HoldsAsync(() => runner.Metrics.Warning is not null, "the warning past 4 MiB", TimeSpan.FromSeconds(30));
        Assert.True(Retained(runner) > 4 << 20, $"retained {Retained(runner)}");
        Assert.Contains("replication slot 'walmon' retains", runner.Metrics.Warning);
        Assert.Contains("heartbeat.action.query", runner.Metrics.Warning);
        var lag = runner.Metrics.Gauges.Single(g => g.Name == RetainedWalMonitor.LagGauge).Value;
        Assert.True(lag > 4 << 20, $"confirmed lag {lag}");

        // A captured change: its offset is committed and confirmed, the server releases the WAL before it (restart_lsn
        // moves at the next running-transactions record, which a checkpoint writes), and the warning clears.
        await _server.ExecuteAsync("INSERT INTO walmon.t VALUES (1, 'moves the slot')");
        await runner.AwaitAsync("PostgreSQL_server.walmon.t", 1);
        await Eventually.HoldsAsync(async () =>
        {
            await _server.ExecuteAsync("CHECKPOINT; INSERT INTO walmon.t VALUES ((SELECT max(id) + 1 FROM walmon.t), 'again')");
            await Task.Delay(500);
            return runner.Metrics.Warning is null;
        }, "the warning cleared once the slot moved", TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1));
        Assert.True(Retained(runner) < 4 << 20, $"retained {Retained(runner)}");
    }

    [Fact]
    public async Task Tributary_serves_the_gauge_and_the_warning_on_the_admin_ports_metrics()
    {
        var config = await ConfigAsync("walserve");
        config["slot.retained.wal.warning.bytes"] = "1";
        using var directory = new TempDirectory();
        await using var broker = new TributaryProcess(directory.File("data"), () => ["connect.rest.port=0"]);
        await broker.StartAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var created = await http.PostAsJsonAsync($"http://127.0.0.1:{broker.Ports.Connect}/connectors", new { name = "walserve", config });
        Assert.True((int)created.StatusCode == 201, await created.Content.ReadAsStringAsync());
        await Eventually.HoldsAsync(() => _server.SlotActiveAsync("walserve"), () => "the connector streaming\n" + broker.Output, TimeSpan.FromSeconds(60));
        await _server.ExecuteAsync("INSERT INTO walserve_busy.t SELECT g, 'x' FROM generate_series(1, 100) g");

        var metrics = "";
        await Eventually.HoldsAsync(async () =>
        {
            metrics = await http.GetStringAsync($"http://127.0.0.1:{broker.Ports.Admin}/metrics");
            return metrics.Contains("tributary_connect_task_warning{connector=\"walserve\",task=\"0\",message=\"The replication slot 'walserve' retains", StringComparison.Ordinal);
        }, () => "the warning on /metrics:\n" + metrics, TimeSpan.FromSeconds(60));
        Assert.Contains("# TYPE tributary_cdc_postgres_slot_retained_wal_bytes gauge", metrics);
        var sample = metrics.Split('\n').Single(l => l.StartsWith("tributary_cdc_postgres_slot_retained_wal_bytes{connector=\"walserve\",task=\"0\"} ", StringComparison.Ordinal));
        Assert.True(double.Parse(sample.Split(' ')[1], CultureInfo.InvariantCulture) > 0, sample);
        Assert.Contains("The replication slot 'walserve' retains", broker.Output);
    }
}
