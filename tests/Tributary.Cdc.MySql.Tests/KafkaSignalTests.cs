using System.Text.Json;
using MySqlConnector;
using Tributary.Client;

namespace Tributary.Cdc.MySql.Tests;

/// <summary>
/// Debezium's <c>kafka</c> signal channel and blocking snapshots against the real MariaDB and the real broker: signal
/// records produced with kcat to the signal topic (keyed by the connector's topic prefix) drive a <c>log</c> line, an
/// incremental snapshot and a blocking snapshot; records of other connectors and values that are not JSON are passed
/// over; a restart reads the topic after the last signal acted on. A blocking snapshot while another connection
/// inserts and updates without pause: from the pause on, every row is created once (op=r from the snapshot or op=c
/// from the resumed stream, never both), and every row's last event holds its current value.
/// </summary>
[Trait("Category", "process")]
public sealed class KafkaSignalTests
{
    private static JsonElement Payload(string? value) => JsonDocument.Parse(value!).RootElement.GetProperty("payload");

    private static JsonElement After(Kcat.Message message) => Payload(message.Value).GetProperty("after");

    private static string Op(Kcat.Message message) => Payload(message.Value).GetProperty("op").GetString()!;

    private static string Snapshot(Kcat.Message message) => Payload(message.Value).GetProperty("source").GetProperty("snapshot").GetString()!;

    private static async Task<List<Kcat.Message>> RecordsSoFarAsync(string bootstrap, string topic)
    {
        try
        {
            return [.. (await Kcat.ReadAllAsync(bootstrap, topic)).Where(m => m.Value is not null)];
        }
        catch (Exception error) when (error.Message.Contains("client failed", StringComparison.Ordinal))
        {
            return [];
        }
    }

    private static async Task CreateTopicAsync(string bootstrap, string topic)
    {
        await using var client = new KafkaClient(new KafkaClientOptions { BootstrapServers = [bootstrap] });
        await client.CreateTopicAsync(topic, 1);
    }

    private static Dictionary<string, string> KafkaChannel(Dictionary<string, string> config, string bootstrap, string channels)
    {
        config["signal.enabled.channels"] = channels;
        config["signal.kafka.topic"] = config["topic.prefix"] + "-signals";
        config["signal.kafka.bootstrap.servers"] = bootstrap;
        config["signal.kafka.groupId"] = config["topic.prefix"] + "-signal-group";
        return config;
    }

    [Fact]
    public async Task Kafka_signals_log_and_snapshot_and_are_not_replayed_after_a_restart()
    {
        const string Database = "ksig";
        const string Topic = "ks.ksig.t";
        const string SignalTopic = "ks-signals";
        await using var kafka = await InProcessKafka.StartAsync();
        await using var server = await MariaDbServer.StartAsync();
        await IncrementalSnapshotTests.CreateTablesAsync(server, Database, 2000);
        // The signalling table holds the incremental snapshot's watermarks; with the source channel off, its rows are no
        // signals: the signals come through Kafka only.
        var config = KafkaChannel(ChangeEventTests.Config(server, "ks", Database), kafka.Bootstrap, "kafka");
        config["snapshot.mode"] = "no_data";
        config["signal.data.collection"] = Database + ".signal";
        config["incremental.snapshot.chunk.size"] = "250";
        await CreateTopicAsync(kafka.Bootstrap, SignalTopic);
        var offsets = new MemoryOffsetStore();
        var output = new StringWriter();
        await using (var first = await TaskDriver.StartAsync(config, kafka.Bootstrap, offsets, output: output))
        {
            await Eventually.HoldsAsync(() => first.Failure is not null || server.ReplicaRegisteredAsync(5400).Result, "the connector streaming", TimeSpan.FromSeconds(30));
            await server.ExecuteAsync($$"""INSERT INTO {{Database}}.signal VALUES ('from-the-table', 'log', '{"message": "the source channel is off"}')""");
            await Kcat.ProduceAsync(kafka.Bootstrap, SignalTopic,
            [
                ("another-connector", """{"id": "not-mine", "type": "log", "data": {"message": "for someone else"}}"""),
                ("ks", "this is not json"),
                ("ks", """{"id": "hello", "type": "log", "data": {"message": "kafka says hi"}}"""),
                ("ks", """{"id": "go", "type": "execute-snapshot", "data": {"data-collections": ["ksig.t"], "type": "incremental"}}"""),
            ]);
            await Eventually.HoldsAsync(async () => first.Failure is not null || (await RecordsSoFarAsync(kafka.Bootstrap, Topic)).Count(r => Op(r) == "r") == 2000,
                () => "the incremental snapshot; output:\n" + SignalChecks.Text(output), TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(500));
            Assert.Null(first.Failure);
            var text = SignalChecks.Text(output);
            Assert.Contains("info: Tributary.Cdc.SourceSignals[0] ks: Signal hello log: kafka says hi", text, StringComparison.Ordinal);
            Assert.Contains("Signal go execute-snapshot: queued ksig.t", text, StringComparison.Ordinal);
            Assert.Contains($"warn: Tributary.Cdc.SourceSignals[0] ks: Signal record {SignalTopic}@1 skipped: the value is not JSON", text, StringComparison.Ordinal);
            Assert.DoesNotContain("for someone else", text, StringComparison.Ordinal);
            Assert.DoesNotContain("the source channel is off", text, StringComparison.Ordinal);
            var reads = (await RecordsSoFarAsync(kafka.Bootstrap, Topic)).Where(r => Op(r) == "r").ToList();
            Assert.Equal(Enumerable.Range(1, 2000), reads.Select(r => After(r).GetProperty("id").GetInt32()));
            Assert.All(reads, r => Assert.Equal("incremental", Snapshot(r)));
            await first.StopAsync();
            Assert.Null(first.Failure);
        }

        // The stored offsets carry the last signal's offset: after a restart only the signal sent meanwhile acts.
        await Kcat.ProduceAsync(kafka.Bootstrap, SignalTopic, [("ks", """{"id": "later", "type": "log", "data": {"message": "sent while stopped"}}""")]);
        var again = new StringWriter();
        await using var second = await TaskDriver.StartAsync(config, kafka.Bootstrap, offsets, output: again);
        await Eventually.HoldsAsync(() => second.Failure is not null || SignalChecks.Text(again).Contains("sent while stopped", StringComparison.Ordinal),
            () => "the signal sent while stopped; output:\n" + SignalChecks.Text(again), TimeSpan.FromSeconds(30));
        await server.ExecuteAsync($"INSERT INTO {Database}.t VALUES (5000, 'streamed')");
        await Eventually.HoldsAsync(async () => second.Failure is not null || (await RecordsSoFarAsync(kafka.Bootstrap, Topic)).Any(r => Op(r) == "c"), "the insert streamed",
            TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500));
        Assert.Null(second.Failure);
        var restarted = SignalChecks.Text(again);
        Assert.DoesNotContain("kafka says hi", restarted, StringComparison.Ordinal);
        Assert.DoesNotContain("execute-snapshot", restarted, StringComparison.Ordinal);
        Assert.Equal(2000, (await RecordsSoFarAsync(kafka.Bootstrap, Topic)).Count(r => Op(r) == "r"));
    }

    [Fact]
    public async Task Blocking_snapshot_from_kafka_emits_every_change_once_while_rows_are_written()
    {
        const string Database = "kblock";
        const string Topic = "kb.kblock.t";
        const string SignalTopic = "kb-signals";
        const int Rows = 50_000;
        await using var kafka = await InProcessKafka.StartAsync();
        await using var server = await MariaDbServer.StartAsync();
        await server.ExecuteAsync(ChangeEventTests.CdcUser + $"CREATE DATABASE {Database};");
        await server.ExecuteAsync($"""
            CREATE TABLE {Database}.t (id INT PRIMARY KEY, note VARCHAR(40));
            CREATE TABLE {Database}.other (id INT PRIMARY KEY);
            INSERT INTO {Database}.t SELECT seq, CONCAT('row ', seq) FROM seq_1_to_{Rows};
            INSERT INTO {Database}.other VALUES (1), (2);
            """, Database);
        // No signalling table at all (a user who cannot write to the database): signals come through Kafka only.
        var config = KafkaChannel(ChangeEventTests.Config(server, "kb", Database), kafka.Bootstrap, "kafka");
        config["snapshot.mode"] = "no_data";
        await CreateTopicAsync(kafka.Bootstrap, SignalTopic);
        var output = new StringWriter();
        await using var driver = await TaskDriver.StartAsync(config, kafka.Bootstrap, new MemoryOffsetStore(), output: output);
        await Eventually.HoldsAsync(() => driver.Failure is not null || server.ReplicaRegisteredAsync(5400).Result, "the connector streaming", TimeSpan.FromSeconds(30));

        // A writer inserts new rows and updates old ones, one autocommit statement at a time, from before the signal
        // until after the snapshot is done: some of its changes fall before the snapshot's read, some during, some after.
        using var stopWriting = new CancellationTokenSource();
        var written = 0;
        var writer = Task.Run(async () =>
        {
            await using var connection = new MySqlConnection(server.RootConnectionString + $";Database={Database}");
            await connection.OpenAsync();
            while (!stopWriting.IsCancellationRequested)
            {
                var i = written + 1;
                await using var insert = new MySqlCommand($"INSERT INTO t VALUES ({100_000 + i}, 'new {i}'); UPDATE t SET note = 'updated {i}' WHERE id = {i * 7 % Rows + 1}", connection);
                await insert.ExecuteNonQueryAsync();
                written = i;
            }
        });
        await Eventually.HoldsAsync(() => written >= 200, "the writer started", TimeSpan.FromSeconds(30));
        await Kcat.ProduceAsync(kafka.Bootstrap, SignalTopic, [("kb", """{"id": "block", "type": "execute-snapshot", "data": {"data-collections": ["kblock.t"], "type": "blocking"}}""")]);
        await Eventually.HoldsAsync(() => driver.Failure is not null || SignalChecks.Text(output).Contains("Blocking snapshot of kblock.t done", StringComparison.Ordinal),
            () => "the blocking snapshot; output:\n" + SignalChecks.Text(output), TimeSpan.FromSeconds(120));
        var afterSnapshot = written;
        await Eventually.HoldsAsync(() => written >= afterSnapshot + 200, "writes after the snapshot", TimeSpan.FromSeconds(30));
        await stopWriting.CancelAsync();
        await writer;
        await server.ExecuteAsync($"INSERT INTO {Database}.other VALUES (3)");
        await Eventually.HoldsAsync(async () => driver.Failure is not null || (await RecordsSoFarAsync(kafka.Bootstrap, "kb.kblock.other")).Count == 1,
            "the last insert streamed", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(500));
        Assert.Null(driver.Failure);
        Assert.Contains("Signal block execute-snapshot: blocking snapshot of kblock.t", SignalChecks.Text(output), StringComparison.Ordinal);

        await using var connection = new MySqlConnection(server.RootConnectionString + $";Database={Database}");
        await connection.OpenAsync();
        SignalChecks.AssertBlockingSnapshot([.. (await RecordsSoFarAsync(kafka.Bootstrap, Topic)).Select(r => r.Value!)], Rows, written, await SignalChecks.NotesAsync(connection, "t"));
    }

    [Fact]
    public async Task Blocking_snapshot_from_the_signalling_table_reads_the_rows_its_condition_selects()
    {
        const string Database = "sblock";
        await using var kafka = await InProcessKafka.StartAsync();
        await using var server = await MariaDbServer.StartAsync();
        await IncrementalSnapshotTests.CreateTablesAsync(server, Database, 1000);
        var config = ChangeEventTests.Config(server, "sb", Database);
        config["snapshot.mode"] = "no_data";
        config["signal.data.collection"] = Database + ".signal";
        var output = new StringWriter();
        await using var driver = await TaskDriver.StartAsync(config, kafka.Bootstrap, new MemoryOffsetStore(), output: output);
        await Eventually.HoldsAsync(() => driver.Failure is not null || server.ReplicaRegisteredAsync(5400).Result, "the connector streaming", TimeSpan.FromSeconds(30));
        // The signal row and an insert in one transaction: the snapshot waits for the transaction's end.
        await server.ExecuteAsync($$"""
            START TRANSACTION;
            INSERT INTO {{Database}}.signal VALUES ('b', 'execute-snapshot',
              '{"data-collections": ["{{Database}}.t"], "type": "blocking", "additional-conditions": [{"data-collection": "{{Database}}.t", "filter": "id % 100 = 0"}]}');
            INSERT INTO {{Database}}.t VALUES (2000, 'in the signal''s transaction');
            COMMIT;
            """);
        await Eventually.HoldsAsync(() => driver.Failure is not null || SignalChecks.Text(output).Contains("Blocking snapshot of sblock.t done: 11 rows", StringComparison.Ordinal),
            () => "the blocking snapshot; output:\n" + SignalChecks.Text(output), TimeSpan.FromSeconds(60));
        await server.ExecuteAsync($"INSERT INTO {Database}.t VALUES (3000, 'after')");
        await Eventually.HoldsAsync(async () => driver.Failure is not null || (await RecordsSoFarAsync(kafka.Bootstrap, "sb.sblock.t")).Any(r => After(r).GetProperty("id").GetInt32() == 3000),
            "the insert after the snapshot", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500));
        Assert.Null(driver.Failure);
        var events = await RecordsSoFarAsync(kafka.Bootstrap, "sb.sblock.t");
        // The transaction's insert streamed before the pause; the snapshot then read the multiples of 100 (2000 among them).
        Assert.Equal([(2000, "c"), .. Enumerable.Range(1, 10).Select(i => (i * 100, "r")), (2000, "r"), (3000, "c")],
            events.Select(r => (After(r).GetProperty("id").GetInt32(), Op(r))));
    }
}
