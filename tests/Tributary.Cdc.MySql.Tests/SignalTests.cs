using System.Text.Json;
using MySqlConnector;

namespace Tributary.Cdc.MySql.Tests;

/// <summary>
/// Debezium's signals through the signalling table against the real MariaDB, beside <c>execute-snapshot</c>: a
/// <c>log</c> signal's message in the worker's output, malformed signals warned about and skipped,
/// <c>pause-snapshot</c> (no chunk read while changes still stream, still paused after a restart) and
/// <c>resume-snapshot</c> (every row read once), <c>stop-snapshot</c> (no chunk read after it, changes stream on) and
/// <c>additional-conditions</c> (only the rows it selects are read).
/// </summary>
[Trait("Category", "process")]
public sealed class SignalTests
{
    private const int Rows = 5000;

    private static async Task<Dictionary<string, string>> SetUpAsync(MariaDbServer server, string database)
    {
        await server.ExecuteAsync(ChangeEventTests.CdcUser + $"CREATE DATABASE {database};");
        await server.ExecuteAsync($"""
            CREATE TABLE {database}.t (id INT PRIMARY KEY, note VARCHAR(40));
            CREATE TABLE {database}.u (id INT PRIMARY KEY, note VARCHAR(40));
            CREATE TABLE {database}.signal (id VARCHAR(64) PRIMARY KEY, type VARCHAR(32) NOT NULL, data VARCHAR(2048));
            GRANT INSERT ON {database}.signal TO 'cdc'@'%';
            INSERT INTO {database}.t SELECT seq, CONCAT('row ', seq) FROM seq_1_to_{Rows};
            INSERT INTO {database}.u SELECT seq, CONCAT('row ', seq) FROM seq_1_to_1000;
            """, database);
        var config = ChangeEventTests.Config(server, "sig", database);
        config["snapshot.mode"] = "no_data";
        config["signal.data.collection"] = database + ".signal";
        config["signal.enabled.channels"] = "source";
        // Small chunks: the snapshot takes many windows, so a signal lands while it runs.
        config["incremental.snapshot.chunk.size"] = "20";
        return config;
    }

    private static JsonElement Payload(string? value) => JsonDocument.Parse(value!).RootElement.GetProperty("payload");

    private static int Id(Kcat.Message message) => Payload(message.Value).GetProperty("after").GetProperty("id").GetInt32();

    private static string Op(Kcat.Message message) => Payload(message.Value).GetProperty("op").GetString()!;

    private static async Task<List<Kcat.Message>> RecordsAsync(string bootstrap, string topic) =>
        [.. (await Kcat.ReadAllAsync(bootstrap, topic)).Where(m => m.Value is not null)];

    /// <summary>For waits on a topic the connector may not have created yet (kcat fails on a missing topic): none until it exists.</summary>
    private static async Task<List<Kcat.Message>> RecordsSoFarAsync(string bootstrap, string topic)
    {
        try
        {
            return await RecordsAsync(bootstrap, topic);
        }
        catch (Exception error) when (error.Message.Contains("client failed", StringComparison.Ordinal))
        {
            return [];
        }
    }

    private static async Task<long> OpenWindowsAsync(MariaDbServer server, string database)
    {
        await using var connection = new MySqlConnection(server.RootConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand($"SELECT COUNT(*) FROM {database}.signal WHERE type = 'snapshot-window-open'", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// With the snapshot held: a row inserted now streams as op=c, and over the following two seconds no window opens
    /// and no snapshot row arrives. Returns the snapshot reads so far.
    /// </summary>
    private static async Task<int> AssertNoChunkReadAsync(MariaDbServer server, string bootstrap, string database, Func<Exception?> failure, int insertId)
    {
        var topic = $"sig.{database}.t";
        var windows = await OpenWindowsAsync(server, database);
        var reads = (await RecordsSoFarAsync(bootstrap, topic)).Count(r => Op(r) == "r");
        await server.ExecuteAsync($"INSERT INTO {database}.t VALUES ({insertId}, 'streamed')");
        await Eventually.HoldsAsync(async () => failure() is not null || (await RecordsAsync(bootstrap, topic)).Any(r => Op(r) == "c" && Id(r) == insertId),
            $"the insert of {insertId} streamed", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500));
        await Task.Delay(2000);
        Assert.Null(failure());
        Assert.Equal(windows, await OpenWindowsAsync(server, database));
        Assert.Equal(reads, (await RecordsAsync(bootstrap, topic)).Count(r => Op(r) == "r"));
        return reads;
    }

    [Fact]
    public async Task Log_pause_survives_a_restart_and_resume_completes_the_snapshot()
    {
        const string Database = "sigpause";
        const string Topic = "sig.sigpause.t";
        await using var kafka = await InProcessKafka.StartAsync();
        await using var server = await MariaDbServer.StartAsync();
        var config = await SetUpAsync(server, Database);
        var offsets = new MemoryOffsetStore();
        var output = new StringWriter();
        int pausedReads;
        await using (var first = await TaskDriver.StartAsync(config, kafka.Bootstrap, offsets, output: output))
        {
            await Eventually.HoldsAsync(() => first.Failure is not null || server.ReplicaRegisteredAsync(5400).Result, "the connector streaming", TimeSpan.FromSeconds(30));
            await server.ExecuteAsync(SignalChecks.LogAndMalformedRows(Database + ".signal"));
            await Eventually.HoldsAsync(() => first.Failure is not null || SignalChecks.Text(output).Contains(SignalChecks.LogMessage, StringComparison.Ordinal), "the log signal's message",
                TimeSpan.FromSeconds(30));
            Assert.Null(first.Failure);
            SignalChecks.AssertLogAndMalformedLines(output);
            Assert.Equal(0L, await OpenWindowsAsync(server, Database));

            // The second signal follows the execute-snapshot signal at once: the stream reaches it after a chunk or a
            // few, long before the table's 250 chunks are read.
            await server.ExecuteAsync($$"""
                INSERT INTO {{Database}}.signal VALUES ('go', 'execute-snapshot', '{"data-collections": ["{{Database}}.t"], "type": "incremental"}');
                INSERT INTO {{Database}}.signal VALUES ('hold', 'pause-snapshot', NULL);
                """);
            await Eventually.HoldsAsync(() => first.Failure is not null || SignalChecks.Text(output).Contains("incremental snapshot paused", StringComparison.Ordinal), () => "the pause; output:\n" + SignalChecks.Text(output),
                TimeSpan.FromSeconds(30));
            await Task.Delay(1000); // the window open when the pause came closes
            pausedReads = await AssertNoChunkReadAsync(server, kafka.Bootstrap, Database, () => first.Failure, 900_001);
            Assert.InRange(pausedReads, 1, Rows - 1);
            await first.StopAsync();
            Assert.Null(first.Failure);
        }

        // The offset carries the pause: after a restart the snapshot stays held while changes stream.
        await using var second = await TaskDriver.StartAsync(config, kafka.Bootstrap, offsets, output: output);
        await Eventually.HoldsAsync(() => second.Failure is not null || server.ReplicaRegisteredAsync(5400).Result, "the connector streaming again", TimeSpan.FromSeconds(30));
        Assert.Equal(pausedReads, await AssertNoChunkReadAsync(server, kafka.Bootstrap, Database, () => second.Failure, 900_002));

        await server.ExecuteAsync($"INSERT INTO {Database}.signal VALUES ('go-on', 'resume-snapshot', NULL)");
        // Every row of the table (the two streamed ones included) is read, and read once.
        await Eventually.HoldsAsync(async () => second.Failure is not null || (await RecordsAsync(kafka.Bootstrap, Topic)).Where(r => Op(r) == "r").Select(Id).Distinct().Count() == Rows + 2,
            "the snapshot completed", TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(1));
        await Task.Delay(1000);
        Assert.Null(second.Failure);
        var reads = (await RecordsAsync(kafka.Bootstrap, Topic)).Where(r => Op(r) == "r").Select(Id).ToList();
        Assert.Equal(Rows + 2, reads.Count);
        Assert.Equal([.. Enumerable.Range(1, Rows), 900_001, 900_002], reads.Order());
        Assert.Contains("incremental snapshot resumed", SignalChecks.Text(output), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stop_ends_the_snapshot_and_additional_conditions_limit_the_rows_read()
    {
        const string Database = "sigstop";
        const string Topic = "sig.sigstop.t";
        await using var kafka = await InProcessKafka.StartAsync();
        await using var server = await MariaDbServer.StartAsync();
        var config = await SetUpAsync(server, Database);
        var output = new StringWriter();
        await using var driver = await TaskDriver.StartAsync(config, kafka.Bootstrap, new MemoryOffsetStore(), output: output);
        await Eventually.HoldsAsync(() => driver.Failure is not null || server.ReplicaRegisteredAsync(5400).Result, "the connector streaming", TimeSpan.FromSeconds(30));

        // Held first (the pause follows the execute-snapshot signal at once, so a chunk or a few are read), then
        // stopped; a resume afterwards finds nothing to resume: stopping, unlike pausing, ends the snapshot.
        await server.ExecuteAsync($$"""INSERT INTO {{Database}}.signal VALUES ('go', 'execute-snapshot', '{"data-collections": ["{{Database}}.t"], "type": "incremental"}')""");
        await server.ExecuteAsync($$"""INSERT INTO {{Database}}.signal VALUES ('hold', 'pause-snapshot', NULL)""");
        await Eventually.HoldsAsync(() => driver.Failure is not null || SignalChecks.Text(output).Contains("incremental snapshot paused", StringComparison.Ordinal), () => "the pause; output:\n" + SignalChecks.Text(output),
            TimeSpan.FromSeconds(30));
        await server.ExecuteAsync($$"""INSERT INTO {{Database}}.signal VALUES ('halt', 'stop-snapshot', '{"data-collections": ["{{Database}}.t"], "type": "incremental"}')""");
        await server.ExecuteAsync($$"""INSERT INTO {{Database}}.signal VALUES ('go-on', 'resume-snapshot', NULL)""");
        await Eventually.HoldsAsync(() => driver.Failure is not null || SignalChecks.Text(output).Contains("go-on resume-snapshot: the incremental snapshot was not paused", StringComparison.Ordinal),
            () => "the stop and the resume; output:\n" + SignalChecks.Text(output), TimeSpan.FromSeconds(30));
        Assert.Contains($"halt stop-snapshot: stopped {Database}.t", SignalChecks.Text(output), StringComparison.Ordinal);
        await Task.Delay(1000);
        var stoppedReads = await AssertNoChunkReadAsync(server, kafka.Bootstrap, Database, () => driver.Failure, 900_001);
        Assert.InRange(stoppedReads, 1, Rows - 1);
        var readIds = (await RecordsAsync(kafka.Bootstrap, Topic)).Where(r => Op(r) == "r").Select(Id).ToList();
        Assert.Equal(Enumerable.Range(1, stoppedReads), readIds); // a prefix in key order, each row once

        // A new snapshot of the other table, limited to every tenth row by its additional condition.
        await server.ExecuteAsync($$"""
            INSERT INTO {{Database}}.signal VALUES ('tenth', 'execute-snapshot',
              '{"data-collections": ["{{Database}}.u"], "type": "incremental", "additional-conditions": [{"data-collection": "{{Database}}.u", "filter": "id % 10 = 0"}]}')
            """);
        const string Other = "sig.sigstop.u";
        await Eventually.HoldsAsync(async () => driver.Failure is not null || (await RecordsSoFarAsync(kafka.Bootstrap, Other)).Count >= 100, "the conditioned snapshot",
            TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(500));
        await Task.Delay(1500);
        Assert.Null(driver.Failure);
        var conditioned = (await RecordsAsync(kafka.Bootstrap, Other)).Select(Id).ToList();
        Assert.Equal(Enumerable.Range(1, 100).Select(i => i * 10), conditioned);
        // The stopped table had no further chunk: its reads are where the stop left them.
        Assert.Equal(stoppedReads, (await RecordsAsync(kafka.Bootstrap, Topic)).Count(r => Op(r) == "r"));
    }
}
