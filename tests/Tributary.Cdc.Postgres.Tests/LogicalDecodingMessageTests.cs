using System.Text.Json;

namespace Tributary.Cdc.Postgres.Tests;

/// <summary>
/// Logical decoding messages (<c>pg_logical_emit_message</c>) as Debezium's LogicalDecodingMessageMonitor writes them
/// on <c>&lt;prefix&gt;.message</c>: <c>op=m</c>, the MessageKey/MessageValue/Message schemas, the content as bytes,
/// transactional messages in their transaction (txId, transaction metadata) and non-transactional ones alone;
/// <c>message.prefix.include.list</c> filtering; a clean stop and restart repeating none.
/// </summary>
[Trait("Category", "process")]
public sealed class LogicalDecodingMessageTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    private const string Topic = "PostgreSQL_server.message";
    private readonly PostgresServer _server = fixture.Server;

    private static JsonElement Payload(string? json) => JsonDocument.Parse(json!).RootElement.GetProperty("payload");

    [Fact]
    public async Task Messages_are_op_m_events_in_Debeziums_shape_filtered_by_prefix_counted_in_their_transaction_and_not_repeated_after_a_restart()
    {
        await _server.ExecuteAsync("CREATE SCHEMA msgs; CREATE TABLE msgs.t (id int PRIMARY KEY);");
        var config = ChangeEventTests.Config(_server, "msgs");
        config["schema.include.list"] = "msgs";
        config["snapshot.mode"] = "no_data";
        config["provide.transaction.metadata"] = "true";
        config["message.prefix.include.list"] = "keep.*";
        var offsets = new MemoryOffsetStore();
        await using (var runner = await TaskRunner.StartAsync(config, offsets))
        {
            await Eventually.HoldsAsync(() => _server.SlotActiveAsync("msgs"), "the connector streaming", TimeSpan.FromSeconds(30));
            await _server.ExecuteAsync("BEGIN; INSERT INTO msgs.t VALUES (1); SELECT pg_logical_emit_message(true, 'keep', 'hello'); COMMIT;");
            await _server.ExecuteAsync("SELECT pg_logical_emit_message(true, 'dropped', 'not emitted')");
            await _server.ExecuteAsync("SELECT pg_logical_emit_message(false, 'keep-alone', '\\x00ff'::bytea)");
            var messages = await runner.AwaitAsync(Topic, 2);

            Assert.Equal("""{"schema":{"type":"struct","fields":[{"type":"string","optional":true,"field":"prefix"}],"optional":false,"name":"io.debezium.connector.postgresql.MessageKey","version":1},"payload":{"prefix":"keep"}}""",
                messages[0].Key);
            var schema = JsonDocument.Parse(messages[0].Value!).RootElement.GetProperty("schema");
            Assert.Equal("io.debezium.connector.postgresql.MessageValue", schema.GetProperty("name").GetString());
            Assert.Equal(1, schema.GetProperty("version").GetInt32());
            var fields = schema.GetProperty("fields");
            Assert.Equal(["op", "ts_ms", "source", "message"], fields.EnumerateArray().Select(f => f.GetProperty("field").GetString()));
            Assert.Equal("""{"type":"string","optional":false,"field":"op"}""", fields[0].GetRawText());
            Assert.Equal("""{"type":"int64","optional":true,"field":"ts_ms"}""", fields[1].GetRawText());
            Assert.Equal("io.debezium.connector.postgresql.Source", fields[2].GetProperty("name").GetString());
            Assert.Equal("""{"type":"struct","fields":[{"type":"string","optional":true,"field":"prefix"},{"type":"bytes","optional":true,"field":"content"}],"optional":false,"name":"io.debezium.connector.postgresql.Message","version":1,"field":"message"}""",
                fields[3].GetRawText());

            // The transactional message: in the insert's transaction.
            var row = Payload(runner.Records("PostgreSQL_server.msgs.t")[0].Value);
            var first = Payload(messages[0].Value);
            Assert.Equal("m", first.GetProperty("op").GetString());
            Assert.Equal("""{"prefix":"keep","content":"aGVsbG8="}""", first.GetProperty("message").GetRawText());
            var source = first.GetProperty("source");
            Assert.Equal("", source.GetProperty("schema").GetString());
            Assert.Equal("", source.GetProperty("table").GetString());
            Assert.Equal(row.GetProperty("source").GetProperty("txId").GetInt64(), source.GetProperty("txId").GetInt64());
            Assert.Equal(row.GetProperty("source").GetProperty("ts_ms").GetInt64(), source.GetProperty("ts_ms").GetInt64());
            Assert.True(source.GetProperty("lsn").GetInt64() > row.GetProperty("source").GetProperty("lsn").GetInt64(), "the message follows the insert in the WAL");
            Assert.True(Math.Abs(first.GetProperty("ts_ms").GetInt64() - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()) < 60_000);
            var end = Payload(runner.Records("PostgreSQL_server.transaction")[1].Value);
            Assert.Equal("END", end.GetProperty("status").GetString());
            Assert.Equal(2, end.GetProperty("event_count").GetInt64());
            Assert.Equal(new Dictionary<string, long> { ["msgs.t"] = 1, ["LOGICAL_DECODING_MESSAGE"] = 1 },
                end.GetProperty("data_collections").EnumerateArray().ToDictionary(c => c.GetProperty("data_collection").GetString()!, c => c.GetProperty("event_count").GetInt64()));

            // The non-transactional one: no txId, no transaction records; 'dropped' was filtered out.
            var second = Payload(messages[1].Value);
            Assert.Equal("""{"prefix":"keep-alone","content":"AP8="}""", second.GetProperty("message").GetRawText());
            Assert.Equal(JsonValueKind.Null, second.GetProperty("source").GetProperty("txId").ValueKind);
            Assert.Equal(2, runner.Records("PostgreSQL_server.transaction").Count);
            await Task.Delay(TimeSpan.FromSeconds(1));
            Assert.Equal(2, runner.Records(Topic).Count);
            await runner.StopAsync();
        }

        // A clean stop, then a restart with the stored offsets: only the new message comes.
        await Eventually.HoldsAsync(async () => !await _server.SlotActiveAsync("msgs"), "the slot released", TimeSpan.FromSeconds(30));
        await using var again = await TaskRunner.StartAsync(config, offsets, schemas: false);
        await Eventually.HoldsAsync(() => _server.SlotActiveAsync("msgs"), "the connector streaming again", TimeSpan.FromSeconds(30));
        await _server.ExecuteAsync("SELECT pg_logical_emit_message(false, 'keep', 'after restart')");
        var after = await again.AwaitAsync(Topic, 1);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Single(again.Records(Topic));
        Assert.Equal("""{"prefix":"keep","content":"YWZ0ZXIgcmVzdGFydA=="}""", JsonDocument.Parse(after[0].Value!).RootElement.GetProperty("message").GetRawText());
    }
}
