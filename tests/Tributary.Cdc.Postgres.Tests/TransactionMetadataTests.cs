using System.Text.Json;

namespace Tributary.Cdc.Postgres.Tests;

/// <summary>
/// <c>provide.transaction.metadata=true</c> against the real PostgreSQL: BEGIN and END records on
/// <c>&lt;prefix&gt;.transaction</c> around each transaction with captured changes, in Debezium's shapes
/// (TransactionMetadataKey/Value, <c>event.collection</c>), and the <c>transaction</c> block of each change event.
/// </summary>
[Trait("Category", "process")]
public sealed class TransactionMetadataTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    private const string TransactionTopic = "PostgreSQL_server.transaction";
    private readonly PostgresServer _server = fixture.Server;

    private static JsonElement Payload(string? json) => JsonDocument.Parse(json!).RootElement.GetProperty("payload");

    [Fact]
    public async Task Transactions_with_captured_changes_get_BEGIN_and_END_records_and_each_event_a_transaction_block()
    {
        await _server.ExecuteAsync("""
            CREATE SCHEMA txmeta;
            CREATE TABLE txmeta.a (id int PRIMARY KEY, note text);
            CREATE TABLE txmeta.b (id int PRIMARY KEY, note text);
            CREATE SCHEMA txother;
            CREATE TABLE txother.t (id int PRIMARY KEY);
            """);
        var config = ChangeEventTests.Config(_server, "txmeta");
        config["schema.include.list"] = "txmeta";
        config["snapshot.mode"] = "no_data";
        config["provide.transaction.metadata"] = "true";
        await using var runner = await TaskRunner.StartAsync(config, new MemoryOffsetStore());
        await Eventually.HoldsAsync(() => _server.SlotActiveAsync("txmeta"), "the connector streaming", TimeSpan.FromSeconds(30));

        await _server.ExecuteAsync("BEGIN; INSERT INTO txmeta.a VALUES (1, 'x'); INSERT INTO txmeta.b VALUES (1, 'y'); INSERT INTO txmeta.a VALUES (2, 'z'); COMMIT;");
        await _server.ExecuteAsync("INSERT INTO txother.t VALUES (1)"); // nothing captured: no BEGIN/END
        await _server.ExecuteAsync("UPDATE txmeta.b SET note = 'w' WHERE id = 1");
        var transactions = await runner.AwaitAsync(TransactionTopic, 4);
        var a = runner.Records("PostgreSQL_server.txmeta.a");
        var b = runner.Records("PostgreSQL_server.txmeta.b");
        Assert.Equal(2, a.Count);
        Assert.Equal(2, b.Count);
        Assert.Equal(4, transactions.Count);

        // BEGIN: key {id}, value {status, id, event_count, data_collections, ts_ms} with the counts null.
        var txId = Payload(a[0].Value).GetProperty("source").GetProperty("txId").GetInt64();
        var begin = Payload(transactions[0].Value);
        var id = begin.GetProperty("id").GetString()!;
        Assert.StartsWith(txId + ":", id);
        Assert.Equal("BEGIN", begin.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, begin.GetProperty("event_count").ValueKind);
        Assert.Equal(JsonValueKind.Null, begin.GetProperty("data_collections").ValueKind);
        Assert.Equal(Payload(a[0].Value).GetProperty("source").GetProperty("ts_ms").GetInt64(), begin.GetProperty("ts_ms").GetInt64());
        var key = JsonDocument.Parse(transactions[0].Key!).RootElement;
        Assert.Equal("io.debezium.connector.common.TransactionMetadataKey", key.GetProperty("schema").GetProperty("name").GetString());
        Assert.Equal(id, key.GetProperty("payload").GetProperty("id").GetString());
        var schema = JsonDocument.Parse(transactions[0].Value!).RootElement.GetProperty("schema");
        Assert.Equal("io.debezium.connector.common.TransactionMetadataValue", schema.GetProperty("name").GetString());
        Assert.Equal(["status", "id", "event_count", "data_collections", "ts_ms"], schema.GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("field").GetString()));
        Assert.Equal("""{"type":"array","items":{"type":"struct","fields":[{"type":"string","optional":false,"field":"data_collection"},{"type":"int64","optional":false,"field":"event_count"}],"optional":true,"name":"event.collection","version":1},"optional":true,"field":"data_collections"}""",
            schema.GetProperty("fields")[3].GetRawText());

        // The change events: the block's id, the order in the transaction and in the table.
        static (string Id, long Total, long InTable) Block(string? value)
        {
            var block = Payload(value).GetProperty("transaction");
            return (block.GetProperty("id").GetString()!, block.GetProperty("total_order").GetInt64(), block.GetProperty("data_collection_order").GetInt64());
        }
        Assert.Equal((id, 1L, 1L), Block(a[0].Value));
        Assert.Equal((id, 2L, 1L), Block(b[0].Value));
        Assert.Equal((id, 3L, 2L), Block(a[1].Value));

        // END: the counts per table.
        var end = Payload(transactions[1].Value);
        Assert.Equal("END", end.GetProperty("status").GetString());
        Assert.Equal(id, end.GetProperty("id").GetString());
        Assert.Equal(3, end.GetProperty("event_count").GetInt64());
        Assert.Equal(new Dictionary<string, long> { ["txmeta.a"] = 2, ["txmeta.b"] = 1 },
            end.GetProperty("data_collections").EnumerateArray().ToDictionary(c => c.GetProperty("data_collection").GetString()!, c => c.GetProperty("event_count").GetInt64()));

        // The second transaction: its own id, one event; BEGIN before and END after the events, in produce order.
        var second = Payload(transactions[2].Value).GetProperty("id").GetString()!;
        Assert.NotEqual(id, second);
        Assert.Equal((second, 1L, 1L), Block(b[1].Value));
        Assert.Equal("END", Payload(transactions[3].Value).GetProperty("status").GetString());
        Assert.Equal(1, Payload(transactions[3].Value).GetProperty("event_count").GetInt64());
        Assert.Equal([TransactionTopic, "PostgreSQL_server.txmeta.a", "PostgreSQL_server.txmeta.b", "PostgreSQL_server.txmeta.a", TransactionTopic,
                TransactionTopic, "PostgreSQL_server.txmeta.b", TransactionTopic],
            runner.TopicOrder);
    }

    [Fact]
    public async Task A_restart_in_the_middle_of_a_transaction_continues_its_orders_and_counts_from_the_offsets()
    {
        await _server.ExecuteAsync("""
            CREATE SCHEMA txrestart;
            CREATE TABLE txrestart.a (id int PRIMARY KEY);
            CREATE TABLE txrestart.b (id int PRIMARY KEY);
            """);
        var config = ChangeEventTests.Config(_server, "txrestart");
        config["schema.include.list"] = "txrestart";
        config["snapshot.mode"] = "no_data";
        config["provide.transaction.metadata"] = "true";
        // Small batches and queue: the stop below lands well inside the 300-event transaction.
        config["max.batch.size"] = "10";
        config["max.queue.size"] = "20";
        const string A = "PostgreSQL_server.txrestart.a", B = "PostgreSQL_server.txrestart.b";
        var offsets = new MemoryOffsetStore();
        IReadOnlyList<(string? Key, string? Value)> firstA, firstB, firstTransactions;
        await using (var runner = await TaskRunner.StartAsync(config, offsets))
        {
            await Eventually.HoldsAsync(() => _server.SlotActiveAsync("txrestart"), "the connector streaming", TimeSpan.FromSeconds(30));
            // The runner stops polling at 50 events of a, so the stop cannot race past the transaction's end.
            runner.HoldWhile = () => runner.Records(A).Count >= 50;
            await _server.ExecuteAsync("""
                BEGIN;
                INSERT INTO txrestart.a SELECT g FROM generate_series(1, 150) g;
                INSERT INTO txrestart.b SELECT g FROM generate_series(1, 150) g;
                COMMIT;
                """);
            await runner.AwaitAsync(A, 50);
            await runner.StopAsync();
            (firstA, firstB, firstTransactions) = (runner.Records(A), runner.Records(B), runner.Records(TransactionTopic));
        }
        Assert.True(firstA.Count + firstB.Count < 300, $"the stop came after {firstA.Count + firstB.Count} events");
        // The stored offset names the transaction and its counts under Debezium's keys.
        var stored = offsets.Offset(CdcSourceTask.SourcePartition("PostgreSQL_server"))!;
        Assert.Equal(Payload(firstTransactions[0].Value).GetProperty("id").GetString(), stored["transaction_id"]);
        Assert.Equal((long)firstA.Count, stored["transaction_data_collection_order_txrestart.a"]);

        await Eventually.HoldsAsync(async () => !await _server.SlotActiveAsync("txrestart"), "the slot released", TimeSpan.FromSeconds(30));
        await using var again = await TaskRunner.StartAsync(config, offsets);
        var transactions = await again.AwaitAsync(TransactionTopic, 1);
        var restA = await again.AwaitAsync(A, 150 - firstA.Count);
        var restB = await again.AwaitAsync(B, 150 - firstB.Count);
        await Task.Delay(TimeSpan.FromSeconds(1));

        // Every event once, the orders continuing where the first run stopped: 1..300 in the transaction, 1..150 per table.
        static (long Total, long InTable) Orders(string? value)
        {
            var block = Payload(value).GetProperty("transaction");
            return (block.GetProperty("total_order").GetInt64(), block.GetProperty("data_collection_order").GetInt64());
        }
        var all = firstA.Concat(restA).Concat(firstB).Concat(restB).Select(r => Orders(r.Value)).ToList();
        Assert.Equal(Enumerable.Range(1, 300).Select(i => (long)i), all.Select(o => o.Total).Order());
        Assert.Equal(Enumerable.Range(1, 150).Select(i => (long)i), firstA.Concat(restA).Select(r => Orders(r.Value).InTable));
        Assert.Equal(Enumerable.Range(1, 150).Select(i => (long)i), firstB.Concat(restB).Select(r => Orders(r.Value).InTable));
        // One BEGIN (before the stop), one END (after the restart) with the whole transaction's counts.
        Assert.Equal(["BEGIN"], firstTransactions.Select(t => Payload(t.Value).GetProperty("status").GetString()));
        Assert.Equal(["END"], again.Records(TransactionTopic).Select(t => Payload(t.Value).GetProperty("status").GetString()));
        var end = Payload(transactions[0].Value);
        Assert.Equal(300, end.GetProperty("event_count").GetInt64());
        Assert.Equal(new Dictionary<string, long> { ["txrestart.a"] = 150, ["txrestart.b"] = 150 },
            end.GetProperty("data_collections").EnumerateArray().ToDictionary(c => c.GetProperty("data_collection").GetString()!, c => c.GetProperty("event_count").GetInt64()));
    }
}
