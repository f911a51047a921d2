using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tributary.Cdc.MySql.Tests;

/// <summary>
/// <c>snapshot.mode=recovery</c> (1.x name <c>schema_only_recovery</c>) against the real MariaDB and broker: a schema
/// history topic made wrong (a record adds a column the table never had) fails a normal restart, naming the mismatch;
/// a restart in recovery mode writes the history anew from the current definitions at the stored position and streams
/// from that position (the rows written while stopped once, no snapshot rows); a normal restart after it replays the
/// rebuilt history and streams on.
/// </summary>
[Trait("Category", "process")]
public sealed class RecoveryModeTests
{
    private static JsonElement Payload(Kcat.Message message) => JsonDocument.Parse(message.Value!).RootElement.GetProperty("payload");

    /// <summary>The topic's records with a value; none while the connector has not created it (kcat fails on a missing topic).</summary>
    private static async Task<List<Kcat.Message>> ValuesAsync(string bootstrap, string topic)
    {
        try
        {
            return [.. (await Kcat.ReadAllAsync(bootstrap, topic)).Where(m => m.Value is not null)];
        }
        catch (Exception error) when (error.Message.Contains("Unknown topic", StringComparison.Ordinal))
        {
            return [];
        }
    }

    [Fact]
    public async Task Recovery_rebuilds_a_corrupt_history_and_streams_from_the_stored_offset()
    {
        const string Database = "rec";
        const string Topic = "rec.rec.t";
        const string History = "history.rec";
        await using var kafka = await InProcessKafka.StartAsync();
        await using var server = await MariaDbServer.StartAsync();
        await server.ExecuteAsync(ChangeEventTests.CdcUser + $"CREATE DATABASE {Database};");
        await server.ExecuteAsync($"CREATE TABLE {Database}.t (id INT PRIMARY KEY, a VARCHAR(20)); INSERT INTO {Database}.t VALUES (1, 'one');", Database);
        var config = ChangeEventTests.Config(server, "rec", Database);
        config["schema.history.internal.kafka.bootstrap.servers"] = kafka.Bootstrap;
        var offsets = new MemoryOffsetStore();
        await using (var first = await TaskDriver.StartAsync(config, kafka.Bootstrap, offsets))
        {
            await Eventually.HoldsAsync(() => first.Failure is not null || server.ReplicaRegisteredAsync(5400).Result, "the connector streaming", TimeSpan.FromSeconds(30));
            await server.ExecuteAsync($"INSERT INTO {Database}.t VALUES (2, 'two')");
            await Eventually.HoldsAsync(async () => first.Failure is not null || (await ValuesAsync(kafka.Bootstrap, Topic)).Count == 2, "the snapshot row and the insert",
                TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500));
            await first.StopAsync();
            Assert.Null(first.Failure);
        }

        // The history goes wrong: a record at the table's own position says a column was added that never was.
        var history = await Kcat.ReadAllAsync(kafka.Bootstrap, History);
        var create = JsonNode.Parse(history.Last(m => JsonNode.Parse(m.Value!)!["ddl"]!.GetValue<string>().StartsWith("CREATE TABLE", StringComparison.Ordinal)).Value!)!;
        create["ddl"] = "ALTER TABLE t ADD COLUMN never_there INT";
        create["tableChanges"] = new JsonArray();
        await Kcat.ProduceAsync(kafka.Bootstrap, History, [("", create.ToJsonString())]);
        await server.ExecuteAsync($"INSERT INTO {Database}.t VALUES (3, 'three'); INSERT INTO {Database}.t VALUES (4, 'four');", Database);

        await using (var normal = await TaskDriver.StartAsync(config, kafka.Bootstrap, offsets))
        {
            await Eventually.HoldsAsync(() => normal.Failure is not null, "the normal restart failing on the corrupt history", TimeSpan.FromSeconds(30));
            Assert.Contains("has 2 columns in the binlog event", normal.Failure!.Message, StringComparison.Ordinal);
        }

        var recovery = new Dictionary<string, string>(config) { ["snapshot.mode"] = "schema_only_recovery" };
        var output = new StringWriter();
        var historyBefore = (await Kcat.ReadAllAsync(kafka.Bootstrap, History)).Count;
        await using (var recovering = await TaskDriver.StartAsync(recovery, kafka.Bootstrap, offsets, output: output))
        {
            await Eventually.HoldsAsync(async () => recovering.Failure is not null || (await ValuesAsync(kafka.Bootstrap, Topic)).Count == 4, "the rows written while stopped",
                TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500));
            await Task.Delay(1000);
            await recovering.StopAsync();
            Assert.Null(recovering.Failure);
        }
        Assert.Contains("snapshot.mode=recovery: the schema history was rebuilt from the current definitions of 1 captured tables", SignalChecks.Text(output), StringComparison.Ordinal);
        var rebuilt = (await Kcat.ReadAllAsync(kafka.Bootstrap, History)).Skip(historyBefore).Select(m => JsonNode.Parse(m.Value!)!).ToList();
        Assert.Equal(["CREATE DATABASE", "CREATE TABLE"], rebuilt.Select(r => string.Join(' ', r["ddl"]!.GetValue<string>().Split(' ').Take(2))));
        Assert.Single(rebuilt.Select(r => r["position"]!.ToJsonString()).Distinct()); // all at the stored position
        // Streaming went on from the stored offset: each row once, the stopped-time inserts as creates, no new snapshot.
        Assert.Equal([(1, "r"), (2, "c"), (3, "c"), (4, "c")],
            (await ValuesAsync(kafka.Bootstrap, Topic)).Select(m => (Payload(m).GetProperty("after").GetProperty("id").GetInt32(), Payload(m).GetProperty("op").GetString())));

        // A normal restart replays the rebuilt history (after the corrupt record) and decodes on.
        await server.ExecuteAsync($"INSERT INTO {Database}.t VALUES (5, 'five')", Database);
        await using var again = await TaskDriver.StartAsync(config, kafka.Bootstrap, offsets);
        await Eventually.HoldsAsync(async () => again.Failure is not null || (await ValuesAsync(kafka.Bootstrap, Topic)).Count == 5, "the insert after recovery",
            TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500));
        Assert.Null(again.Failure);
        Assert.Equal("five", Payload((await ValuesAsync(kafka.Bootstrap, Topic))[^1]).GetProperty("after").GetProperty("a").GetString());
    }
}
