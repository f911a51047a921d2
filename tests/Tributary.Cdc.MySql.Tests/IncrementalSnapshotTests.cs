using System.Text.Json;
using MySqlConnector;

namespace Tributary.Cdc.MySql.Tests;

/// <summary>
/// Incremental snapshots through the signalling table against the real MariaDB: an <c>execute-snapshot</c> signal
/// reads a never-snapshotted table in key chunks between watermarks while the binlog is read on (a row changed
/// meanwhile ends with its change, never with an older snapshot copy), and a restart resumes after the last emitted row.
/// </summary>
[Trait("Category", "process")]
public sealed class IncrementalSnapshotTests
{
    /// <summary>The connector's user, <paramref name="database"/> with <c>t</c> (ids 1 to <paramref name="rows"/>) and a signalling table it may insert into.</summary>
    internal static async Task CreateTablesAsync(MariaDbServer server, string database, int rows)
    {
        await server.ExecuteAsync(ChangeEventTests.CdcUser + $"CREATE DATABASE {database};");
        await server.ExecuteAsync($"""
            CREATE TABLE {database}.t (id INT PRIMARY KEY, note VARCHAR(40));
            CREATE TABLE {database}.signal (id VARCHAR(64) PRIMARY KEY, type VARCHAR(32) NOT NULL, data VARCHAR(2048));
            GRANT INSERT ON {database}.signal TO 'cdc'@'%';
            INSERT INTO {database}.t SELECT seq, CONCAT('row ', seq) FROM seq_1_to_{rows};
            """, database);
    }

    private static async Task<Dictionary<string, string>> SetUpAsync(MariaDbServer server, string database, int rows, int chunk)
    {
        await CreateTablesAsync(server, database, rows);
        var config = ChangeEventTests.Config(server, "inc", database);
        config["snapshot.mode"] = "no_data";
        config["signal.data.collection"] = database + ".signal";
        config["incremental.snapshot.chunk.size"] = chunk.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return config;
    }

    private static JsonElement Payload(string? value) => JsonDocument.Parse(value!).RootElement.GetProperty("payload");

    private static int Id(Kcat.Message message) => Payload(message.Value).GetProperty("after").GetProperty("id").GetInt32();

    private static async Task<List<Kcat.Message>> RecordsAsync(string bootstrap, string topic) =>
        [.. (await Kcat.ReadAllAsync(bootstrap, topic)).Where(m => m.Value is not null)];

    private static async Task<long> CountAsync(MariaDbServer server, string sql)
    {
        await using var connection = new MySqlConnection(server.RootConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<Dictionary<int, string>> NotesAsync(MariaDbServer server)
    {
        await using var connection = new MySqlConnection(server.RootConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand("SELECT id, note FROM incr.t", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var notes = new Dictionary<int, string>();
        while (await reader.ReadAsync())
        {
            notes[reader.GetInt32(0)] = reader.GetString(1);
        }
        return notes;
    }

    [Fact]
    public async Task An_execute_snapshot_signal_reads_the_table_in_chunks_and_updates_during_it_win()
    {
        await using var kafka = await InProcessKafka.StartAsync();
        await using var server = await MariaDbServer.StartAsync();
        var config = await SetUpAsync(server, "incr", 2500, 500);
        await using var driver = await TaskDriver.StartAsync(config, kafka.Bootstrap, new MemoryOffsetStore());
        await Eventually.HoldsAsync(() => driver.Failure is not null || server.ReplicaRegisteredAsync(5400).Result, "the connector streaming", TimeSpan.FromSeconds(30));
        await server.ExecuteAsync("""INSERT INTO incr.signal VALUES ('s1', 'execute-snapshot', '{"data-collections": ["incr.t"], "type": "incremental"}')""");
        // Updates racing the chunks until the last window closed: row (n * 37) % 2500 + 1 gets "v<n>".
        using var done = new CancellationTokenSource();
        var updates = Task.Run(async () =>
        {
            for (var n = 1; !done.IsCancellationRequested; n++)
            {
                await server.ExecuteAsync($"UPDATE incr.t SET note = 'v{n}' WHERE id = {n * 37 % 2500 + 1}");
            }
        });
        const string Topic = "inc.incr.t";
        await Eventually.HoldsAsync(() => driver.Failure is not null || Interlocked.Read(ref driver.Produced) >= 500, "the first chunk", TimeSpan.FromSeconds(60));
        await Eventually.HoldsAsync(async () => driver.Failure is not null || await CountAsync(server, "SELECT COUNT(*) FROM incr.signal WHERE type = 'snapshot-window-close'") >= 6,
            "the last window", TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(1));
        await done.CancelAsync();
        await updates;
        var current = await NotesAsync(server);
        await Eventually.HoldsAsync(async () => driver.Failure is not null || (await RecordsAsync(kafka.Bootstrap, Topic)).GroupBy(Id)
                .Count(g => Payload(g.Last().Value).GetProperty("after").GetProperty("note").GetString() == current[g.Key]) == 2500,
            "every row's last event at its current value", TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(2));
        await Task.Delay(1000); // a late duplicate would arrive now
        await driver.StopAsync();
        Assert.Null(driver.Failure);
        var records = await RecordsAsync(kafka.Bootstrap, Topic);
        var reads = records.Where(r => Payload(r.Value).GetProperty("op").GetString() == "r").ToList();
        Assert.All(reads, r => Assert.Equal("incremental", Payload(r.Value).GetProperty("source").GetProperty("snapshot").GetString()));
        Assert.Equal(reads.Count, reads.Select(Id).Distinct().Count());
        Assert.All(records, r => Assert.Contains(Payload(r.Value).GetProperty("op").GetString(), new[] { "r", "u" }));
        // Rows nobody touched arrive once, as snapshot reads of their original value.
        var untouched = records.Where(r => current[Id(r)].StartsWith("row ", StringComparison.Ordinal)).ToList();
        var touched = current.Count(c => c.Value.StartsWith('v'));
        Assert.True(touched > 0, "no update ran during the snapshot");
        Assert.Equal(2500 - touched, untouched.Count);
        Assert.All(untouched, r => Assert.Equal("r", Payload(r.Value).GetProperty("op").GetString()));
        // Every row's last event holds its current value: no chunk copy older than an update comes after it.
        foreach (var group in records.GroupBy(Id))
        {
            Assert.Equal(current[group.Key], Payload(group.Last().Value).GetProperty("after").GetProperty("note").GetString());
        }
        Assert.DoesNotContain("inc.incr.signal", driver.Topics);
        Assert.Contains("inc.incr.t", driver.Topics);
        // 2500 rows in 500s: five full chunks and an empty last one, an open and a close watermark each.
        Assert.Equal(6L, await CountAsync(server, "SELECT COUNT(*) FROM incr.signal WHERE type = 'snapshot-window-open'"));
    }

    [Fact]
    public async Task A_restart_resumes_the_incremental_snapshot_after_the_last_emitted_row()
    {
        const int Rows = 5000;
        const string Topic = "inc.incrres.t";
        await using var kafka = await InProcessKafka.StartAsync();
        await using var server = await MariaDbServer.StartAsync();
        var config = await SetUpAsync(server, "incrres", Rows, 50);
        var offsets = new MemoryOffsetStore();
        long firstRun;
        await using (var first = await TaskDriver.StartAsync(config, kafka.Bootstrap, offsets))
        {
            await Eventually.HoldsAsync(() => first.Failure is not null || server.ReplicaRegisteredAsync(5400).Result, "the connector streaming", TimeSpan.FromSeconds(30));
            await server.ExecuteAsync("""INSERT INTO incrres.signal VALUES ('s1', 'execute-snapshot', '{"data-collections": ["incrres\\\\.t"]}')""");
            await Eventually.HoldsAsync(() => first.Failure is not null || Interlocked.Read(ref first.Produced) >= 200, "200 snapshot rows", TimeSpan.FromSeconds(60));
            await first.StopAsync();
            Assert.Null(first.Failure);
            firstRun = Interlocked.Read(ref first.Produced);
        }
        Assert.True(firstRun < Rows, $"the snapshot was still running at the stop ({firstRun} rows)");

        await using var second = await TaskDriver.StartAsync(config, kafka.Bootstrap, offsets);
        await Eventually.HoldsAsync(async () => second.Failure is not null || (await RecordsAsync(kafka.Bootstrap, Topic)).Select(Id).Distinct().Count() == Rows,
            "all rows after the restart", TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(2));
        await Task.Delay(1000);
        Assert.Null(second.Failure);
        var ids = (await RecordsAsync(kafka.Bootstrap, Topic)).Select(Id).ToList();
        // Resumed after the last emitted row: each row exactly once, in key order across the restart.
        Assert.Equal(Rows, ids.Count);
        Assert.Equal(Enumerable.Range(1, Rows), ids);
    }
}
