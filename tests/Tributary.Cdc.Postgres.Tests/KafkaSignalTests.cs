using System.Text.Json;
using Npgsql;
using Tributary.Client;

namespace Tributary.Cdc.Postgres.Tests;

/// <summary>
/// Debezium's <c>kafka</c> signal channel and blocking snapshots against the real PostgreSQL and the real broker,
/// without a signalling table (a user who cannot write to the database): signal records produced with kcat (keyed by
/// the topic prefix; other keys passed over) give a <c>log</c> line and a blocking snapshot while another connection
/// inserts and updates without pause — from the pause on every row is created once (op=r or op=c, never both) and
/// every row's last event holds its current value; a restart acts only on the signal sent while it was stopped.
/// </summary>
[Trait("Category", "process")]
public sealed class KafkaSignalTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    private readonly PostgresServer _server = fixture.Server;

    private static JsonElement Payload(string? value) => JsonDocument.Parse(value!).RootElement.GetProperty("payload");

    private static JsonElement After((string? Key, string? Value) record) => Payload(record.Value).GetProperty("after");

    private static string Op((string? Key, string? Value) record) => Payload(record.Value).GetProperty("op").GetString()!;

    private static List<(string? Key, string? Value)> Values(TaskRunner runner, string topic) => [.. runner.Records(topic).Where(r => r.Value is not null)];

    [Fact]
    public async Task Kafka_signals_run_a_blocking_snapshot_that_emits_every_change_once_and_are_not_replayed()
    {
        const string Schema = "kblock";
        const string Topic = "kb.kblock.t";
        const string SignalTopic = "kb-signals";
        const int Rows = 50_000;
        await using var kafka = await InProcessKafka.StartAsync();
        await _server.ExecuteAsync($"""
            CREATE SCHEMA {Schema};
            CREATE TABLE {Schema}.t (id int PRIMARY KEY, note text);
            INSERT INTO {Schema}.t SELECT g, 'row ' || g FROM generate_series(1, {Rows}) g;
            """);
        var config = ChangeEventTests.Config(_server, Schema);
        config["topic.prefix"] = "kb";
        config["schema.include.list"] = Schema;
        config["snapshot.mode"] = "no_data";
        config["signal.enabled.channels"] = "kafka";
        config["signal.kafka.topic"] = SignalTopic;
        config["signal.kafka.bootstrap.servers"] = kafka.Bootstrap;
        await using (var client = new KafkaClient(new KafkaClientOptions { BootstrapServers = [kafka.Bootstrap] }))
        {
            await client.CreateTopicAsync(SignalTopic, 1);
        }
        var offsets = new MemoryOffsetStore();
        var output = new StringWriter();
        List<(string? Key, string? Value)> events;
        await using (var runner = await TaskRunner.StartAsync(config, offsets, output: output))
        {
            await Eventually.HoldsAsync(() => _server.SlotActiveAsync(Schema), "the connector streaming", TimeSpan.FromSeconds(30));
            await Kcat.ProduceAsync(kafka.Bootstrap, SignalTopic,
            [
                ("another-connector", """{"id": "not-mine", "type": "log", "data": {"message": "for someone else"}}"""),
                ("kb", """{"id": "hello", "type": "log", "data": {"message": "kafka says hi"}}"""),
            ]);
            await Eventually.HoldsAsync(() => runner.Failure is not null || SignalChecks.Text(output).Contains("Signal hello log: kafka says hi", StringComparison.Ordinal),
                () => "the log signal; output:\n" + SignalChecks.Text(output), TimeSpan.FromSeconds(30));

            // Inserts of new rows and updates of old ones, one transaction each, before, during and after the snapshot.
            using var stopWriting = new CancellationTokenSource();
            var written = 0;
            var writer = Task.Run(async () =>
            {
                await using var connection = new NpgsqlConnection(_server.ConnectionString());
                await connection.OpenAsync();
                while (!stopWriting.IsCancellationRequested)
                {
                    var i = written + 1;
                    await using var insert = new NpgsqlCommand($"INSERT INTO {Schema}.t VALUES ({100_000 + i}, 'new {i}')", connection);
                    await insert.ExecuteNonQueryAsync();
                    await using var update = new NpgsqlCommand($"UPDATE {Schema}.t SET note = 'updated {i}' WHERE id = {i * 7 % Rows + 1}", connection);
                    await update.ExecuteNonQueryAsync();
                    written = i;
                }
            });
            await Eventually.HoldsAsync(() => written >= 200, "the writer started", TimeSpan.FromSeconds(30));
            await Kcat.ProduceAsync(kafka.Bootstrap, SignalTopic, [("kb", """{"id": "block", "type": "execute-snapshot", "data": {"data-collections": ["kblock\\.t"], "type": "blocking"}}""")]);
            await Eventually.HoldsAsync(() => runner.Failure is not null || SignalChecks.Text(output).Contains("Blocking snapshot of kblock.t done", StringComparison.Ordinal),
                () => "the blocking snapshot; output:\n" + SignalChecks.Text(output), TimeSpan.FromSeconds(120));
            var afterSnapshot = written;
            await Eventually.HoldsAsync(() => written >= afterSnapshot + 200, "writes after the snapshot", TimeSpan.FromSeconds(30));
            await stopWriting.CancelAsync();
            await writer;
            var total = written;
            await Eventually.HoldsAsync(() => runner.Failure is not null || Values(runner, Topic).Any(r => Op(r) == "c" && After(r).GetProperty("id").GetInt32() == 100_000 + total),
                "the last insert streamed", TimeSpan.FromSeconds(60));
            await Eventually.HoldsAsync(() => runner.Failure is not null || Values(runner, Topic).Count(r => Op(r) == "u" && After(r).GetProperty("note").GetString() == $"updated {total}") == 1,
                "the last update streamed", TimeSpan.FromSeconds(60));
            Assert.Null(runner.Failure);
            var text = SignalChecks.Text(output);
            Assert.DoesNotContain("for someone else", text, StringComparison.Ordinal);
            Assert.Contains("Signal block execute-snapshot: blocking snapshot of kblock.t", text, StringComparison.Ordinal);
            events = Values(runner, Topic);
            await runner.StopAsync();
            Assert.Null(runner.Failure);

            await using var connection = new NpgsqlConnection(_server.ConnectionString());
            await connection.OpenAsync();
            SignalChecks.AssertBlockingSnapshot([.. events.Select(r => r.Value!)], Rows, total, await SignalChecks.NotesAsync(connection, Schema + ".t"));
        }

        // The stored offsets carry the last signal's offset: after a restart only the signal sent meanwhile acts.
        await Kcat.ProduceAsync(kafka.Bootstrap, SignalTopic, [("kb", """{"id": "later", "type": "log", "data": {"message": "sent while stopped"}}""")]);
        var again = new StringWriter();
        await using var second = await TaskRunner.StartAsync(config, offsets, output: again);
        await Eventually.HoldsAsync(() => second.Failure is not null || SignalChecks.Text(again).Contains("sent while stopped", StringComparison.Ordinal),
            () => "the signal sent while stopped; output:\n" + SignalChecks.Text(again), TimeSpan.FromSeconds(30));
        await _server.ExecuteAsync($"INSERT INTO {Schema}.t VALUES (999999, 'after the restart')");
        await Eventually.HoldsAsync(() => second.Failure is not null || Values(second, Topic).Any(r => Op(r) == "c"), "the insert after the restart", TimeSpan.FromSeconds(30));
        Assert.Null(second.Failure);
        Assert.DoesNotContain("kafka says hi", SignalChecks.Text(again), StringComparison.Ordinal);
        Assert.DoesNotContain("execute-snapshot", SignalChecks.Text(again), StringComparison.Ordinal);
        Assert.DoesNotContain(Values(second, Topic), r => Op(r) == "r");
    }
}
