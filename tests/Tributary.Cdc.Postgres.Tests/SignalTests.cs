using System.Text.Json;

namespace Tributary.Cdc.Postgres.Tests;

/// <summary>
/// Debezium's signals through the signalling table against the real PostgreSQL, beside <c>execute-snapshot</c>: a
/// <c>log</c> signal's message in the worker's output, malformed signals warned about and skipped,
/// <c>pause-snapshot</c> (no chunk read while changes still stream, still paused after a restart) and
/// <c>resume-snapshot</c> (every row read once), <c>stop-snapshot</c> (no chunk read after it, changes stream on) and
/// <c>additional-conditions</c> (only the rows it selects are read).
/// </summary>
[Trait("Category", "process")]
public sealed class SignalTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    private const int Rows = 5000;
    private readonly PostgresServer _server = fixture.Server;

    private async Task<Dictionary<string, string>> SetUpAsync(string schema)
    {
        await _server.ExecuteAsync($"""
            CREATE SCHEMA {schema};
            CREATE TABLE {schema}.t (id int PRIMARY KEY, note text);
            CREATE TABLE {schema}.u (id int PRIMARY KEY, note text);
            CREATE TABLE {schema}.signal (id varchar(64) PRIMARY KEY, type varchar(32) NOT NULL, data varchar(2048));
            INSERT INTO {schema}.t SELECT g, 'row ' || g FROM generate_series(1, {Rows}) g;
            INSERT INTO {schema}.u SELECT g, 'row ' || g FROM generate_series(1, 1000) g;
            """);
        var config = ChangeEventTests.Config(_server, schema);
        config["topic.prefix"] = "sig";
        config["schema.include.list"] = schema;
        config["table.include.list"] = schema + "\\.(t|u)";
        config["snapshot.mode"] = "no_data";
        config["signal.data.collection"] = schema + ".signal";
        config["signal.enabled.channels"] = "source";
        // Small chunks: the snapshot takes many windows, so a signal lands while it runs.
        config["incremental.snapshot.chunk.size"] = "20";
        return config;
    }

    private static JsonElement Payload(string? value) => JsonDocument.Parse(value!).RootElement.GetProperty("payload");

    private static int Id((string? Key, string? Value) record) => Payload(record.Value).GetProperty("after").GetProperty("id").GetInt32();

    private static string Op((string? Key, string? Value) record) => Payload(record.Value).GetProperty("op").GetString()!;

    private static List<(string? Key, string? Value)> Values(TaskRunner runner, string topic) => [.. runner.Records(topic).Where(r => r.Value is not null)];

    private async Task<long> OpenWindowsAsync(string schema) =>
        Convert.ToInt64(await _server.ScalarAsync($"SELECT count(*) FROM {schema}.signal WHERE type = 'snapshot-window-open'"), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// With the snapshot held: a row inserted now streams as op=c, and over the following two seconds no window opens
    /// and no snapshot row arrives. Returns the snapshot reads so far.
    /// </summary>
    private async Task<int> AssertNoChunkReadAsync(TaskRunner runner, string schema, int insertId)
    {
        var topic = $"sig.{schema}.t";
        var windows = await OpenWindowsAsync(schema);
        var reads = Values(runner, topic).Count(r => Op(r) == "r");
        await _server.ExecuteAsync($"INSERT INTO {schema}.t VALUES ({insertId}, 'streamed')");
        await Eventually.HoldsAsync(() => runner.Failure is not null || Values(runner, topic).Any(r => Op(r) == "c" && Id(r) == insertId),
            $"the insert of {insertId} streamed", TimeSpan.FromSeconds(30));
        await Task.Delay(2000);
        Assert.Null(runner.Failure);
        Assert.Equal(windows, await OpenWindowsAsync(schema));
        Assert.Equal(reads, Values(runner, topic).Count(r => Op(r) == "r"));
        return reads;
    }

    [Fact]
    public async Task Log_pause_survives_a_restart_and_resume_completes_the_snapshot()
    {
        const string Schema = "sigpause";
        const string Topic = "sig.sigpause.t";
        var config = await SetUpAsync(Schema);
        var offsets = new MemoryOffsetStore();
        var output = new StringWriter();
        int pausedReads;
        List<int> firstReads;
        await using (var first = await TaskRunner.StartAsync(config, offsets, output: output))
        {
            await Eventually.HoldsAsync(() => _server.SlotActiveAsync(Schema), "the connector streaming", TimeSpan.FromSeconds(30));
            await _server.ExecuteAsync(SignalChecks.LogAndMalformedRows(Schema + ".signal"));
            await Eventually.HoldsAsync(() => first.Failure is not null || SignalChecks.Text(output).Contains(SignalChecks.LogMessage, StringComparison.Ordinal), "the log signal's message",
                TimeSpan.FromSeconds(30));
            Assert.Null(first.Failure);
            SignalChecks.AssertLogAndMalformedLines(output);
            Assert.Equal(0L, await OpenWindowsAsync(Schema));

            // The pause follows the execute-snapshot signal at once, in a transaction of its own: the stream reaches it
            // after the first chunk or a few, long before the table's 250 chunks are read.
            await _server.ExecuteAsync($$"""INSERT INTO {{Schema}}.signal VALUES ('go', 'execute-snapshot', '{"data-collections": ["{{Schema}}.t"], "type": "incremental"}')""");
            await _server.ExecuteAsync($$"""INSERT INTO {{Schema}}.signal VALUES ('hold', 'pause-snapshot', NULL)""");
            await Eventually.HoldsAsync(() => first.Failure is not null || SignalChecks.Text(output).Contains("incremental snapshot paused", StringComparison.Ordinal), () => "the pause; output:\n" + SignalChecks.Text(output),
                TimeSpan.FromSeconds(30));
            await Task.Delay(1000); // the window open when the pause came closes
            pausedReads = await AssertNoChunkReadAsync(first, Schema, 900_001);
            Assert.InRange(pausedReads, 1, Rows - 1);
            await first.StopAsync();
            Assert.Null(first.Failure);
            firstReads = [.. Values(first, Topic).Where(r => Op(r) == "r").Select(Id)];
        }

        // The offset carries the pause: after a restart the snapshot stays held while changes stream.
        await using var second = await TaskRunner.StartAsync(config, offsets, output: output);
        await Eventually.HoldsAsync(() => _server.SlotActiveAsync(Schema), "the connector streaming again", TimeSpan.FromSeconds(30));
        Assert.Equal(0, await AssertNoChunkReadAsync(second, Schema, 900_002));

        await _server.ExecuteAsync($"INSERT INTO {Schema}.signal VALUES ('go-on', 'resume-snapshot', NULL)");
        // Every row of the table (the two streamed ones included) is read, and read once across the two runs.
        await Eventually.HoldsAsync(() => second.Failure is not null || firstReads.Count + Values(second, Topic).Count(r => Op(r) == "r") >= Rows + 2,
            "the snapshot completed", TimeSpan.FromSeconds(120));
        await Task.Delay(1000);
        Assert.Null(second.Failure);
        var reads = firstReads.Concat(Values(second, Topic).Where(r => Op(r) == "r").Select(Id)).ToList();
        Assert.Equal([.. Enumerable.Range(1, Rows), 900_001, 900_002], reads.Order());
        Assert.Contains("incremental snapshot resumed", SignalChecks.Text(output), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stop_ends_the_snapshot_and_additional_conditions_limit_the_rows_read()
    {
        const string Schema = "sigstop";
        const string Topic = "sig.sigstop.t";
        var config = await SetUpAsync(Schema);
        var output = new StringWriter();
        await using var runner = await TaskRunner.StartAsync(config, new MemoryOffsetStore(), output: output);
        await Eventually.HoldsAsync(() => _server.SlotActiveAsync(Schema), "the connector streaming", TimeSpan.FromSeconds(30));

        // Held first (the pause follows the execute-snapshot signal at once, so a chunk or a few are read), then
        // stopped; a resume afterwards finds nothing to resume: stopping, unlike pausing, ends the snapshot.
        await _server.ExecuteAsync($$"""INSERT INTO {{Schema}}.signal VALUES ('go', 'execute-snapshot', '{"data-collections": ["{{Schema}}.t"], "type": "incremental"}')""");
        await _server.ExecuteAsync($$"""INSERT INTO {{Schema}}.signal VALUES ('hold', 'pause-snapshot', NULL)""");
        await Eventually.HoldsAsync(() => runner.Failure is not null || SignalChecks.Text(output).Contains("incremental snapshot paused", StringComparison.Ordinal), () => "the pause; output:\n" + SignalChecks.Text(output),
            TimeSpan.FromSeconds(30));
        await _server.ExecuteAsync($$"""INSERT INTO {{Schema}}.signal VALUES ('halt', 'stop-snapshot', '{"data-collections": ["{{Schema}}.t"], "type": "incremental"}')""");
        await _server.ExecuteAsync($$"""INSERT INTO {{Schema}}.signal VALUES ('go-on', 'resume-snapshot', NULL)""");
        await Eventually.HoldsAsync(() => runner.Failure is not null || SignalChecks.Text(output).Contains("go-on resume-snapshot: the incremental snapshot was not paused", StringComparison.Ordinal),
            () => "the stop and the resume; output:\n" + SignalChecks.Text(output), TimeSpan.FromSeconds(30));
        Assert.Contains($"halt stop-snapshot: stopped {Schema}.t", SignalChecks.Text(output), StringComparison.Ordinal);
        await Task.Delay(1000);
        var stoppedReads = await AssertNoChunkReadAsync(runner, Schema, 900_001);
        Assert.InRange(stoppedReads, 1, Rows - 1);
        Assert.Equal(Enumerable.Range(1, stoppedReads), Values(runner, Topic).Where(r => Op(r) == "r").Select(Id)); // a prefix in key order, each row once

        // A new snapshot of the other table, limited to every tenth row by its additional condition.
        await _server.ExecuteAsync($$"""
            INSERT INTO {{Schema}}.signal VALUES ('tenth', 'execute-snapshot',
              '{"data-collections": ["{{Schema}}.u"], "type": "incremental", "additional-conditions": [{"data-collection": "{{Schema}}.u", "filter": "id % 10 = 0"}]}')
            """);
        const string Other = "sig.sigstop.u";
        await Eventually.HoldsAsync(() => runner.Failure is not null || Values(runner, Other).Count >= 100, "the conditioned snapshot", TimeSpan.FromSeconds(60));
        await Task.Delay(1500);
        Assert.Null(runner.Failure);
        Assert.Equal(Enumerable.Range(1, 100).Select(i => i * 10), Values(runner, Other).Select(Id));
        // The stopped table had no further chunk: its reads are where the stop left them.
        Assert.Equal(stoppedReads, Values(runner, Topic).Count(r => Op(r) == "r"));
    }
}
