using System.Text.Json;

namespace Tributary.Cdc.Postgres.Tests;

/// <summary>
/// The record key of tables with and without a primary key, in the snapshot and in the stream, against a real
/// PostgreSQL 15. The expected keys follow Debezium's PostgreSQL connector (see <c>Schema/TableDefinition.cs</c>): the
/// primary key; else the first unique index without expressions in pgjdbc's <c>getIndexInfo</c> order (a clustered
/// index first, then by name), whatever the REPLICA IDENTITY; else a null key. Keys are written by Kafka's JsonConverter
/// with schemas on, as Debezium's would be on a topic.
/// </summary>
[Trait("Category", "process")]
public sealed class TableKeyTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    private readonly PostgresServer _server = fixture.Server;

    private const string Prefix = "tk";

    /// <summary>Debezium's key as JsonConverter writes it: struct <c>tk.tablekeys.&lt;table&gt;.Key</c> of the fields given.</summary>
    private static string Key(string table, string fields, string payload) =>
        $$$"""{"schema":{"type":"struct","fields":[{{{fields}}}],"optional":false,"name":"{{{Prefix}}}.tablekeys.{{{table}}}.Key"},"payload":{{{payload}}}}""";

    private static string Int32Field(string name, bool optional) => $$"""{"type":"int32","optional":{{(optional ? "true" : "false")}},"field":"{{name}}"}""";

    /// <summary>The op of a record's value (schemas on), null for a tombstone.</summary>
    private static string? Op(string? value) => value is null ? null : JsonDocument.Parse(value).RootElement.GetProperty("payload").GetProperty("op").GetString();

    [Fact]
    public async Task Keys_follow_the_primary_key_else_the_first_unique_index_else_none_in_snapshot_and_stream()
    {
        await _server.ExecuteAsync("""
            CREATE SCHEMA tablekeys;
            -- A primary key wins over a unique index.
            CREATE TABLE tablekeys.with_pk (code int NOT NULL UNIQUE, id int PRIMARY KEY, note text);
            -- No primary key, REPLICA IDENTITY USING its only unique index: that index.
            CREATE TABLE tablekeys.ri_index (a int NOT NULL, b int NOT NULL, note text);
            CREATE UNIQUE INDEX ri_index_b ON tablekeys.ri_index (b);
            ALTER TABLE tablekeys.ri_index REPLICA IDENTITY USING INDEX ri_index_b;
            -- Two unique indexes, the identity on the later one by name: the first by name is the key all the same.
            CREATE TABLE tablekeys.ri_second (a int NOT NULL, b int NOT NULL, note text);
            CREATE UNIQUE INDEX ri_second_a ON tablekeys.ri_second (a);
            CREATE UNIQUE INDEX ri_second_b ON tablekeys.ri_second (b);
            ALTER TABLE tablekeys.ri_second REPLICA IDENTITY USING INDEX ri_second_b;
            -- A clustered unique index comes before the others whatever its name.
            CREATE TABLE tablekeys.clustered (a int NOT NULL, b int NOT NULL, note text);
            CREATE UNIQUE INDEX clustered_a ON tablekeys.clustered (a);
            CREATE UNIQUE INDEX clustered_b ON tablekeys.clustered (b);
            CLUSTER tablekeys.clustered USING clustered_b;
            ALTER TABLE tablekeys.clustered REPLICA IDENTITY FULL;
            -- An index on an expression is passed over; a nullable unique column makes an optional key field, in index order.
            CREATE TABLE tablekeys.default_identity (a int NOT NULL, b int, note text NOT NULL);
            CREATE UNIQUE INDEX default_identity_a_lower ON tablekeys.default_identity (a, lower(note));
            CREATE UNIQUE INDEX default_identity_b ON tablekeys.default_identity (b, a);
            -- Neither a primary key nor a unique index, default identity: no key (inserts only, PostgreSQL refuses the rest).
            CREATE TABLE tablekeys.no_key (a int, note text);
            -- REPLICA IDENTITY FULL without a primary key or unique index: still no key.
            CREATE TABLE tablekeys.full_identity (a int, note text);
            ALTER TABLE tablekeys.full_identity REPLICA IDENTITY FULL;

            INSERT INTO tablekeys.with_pk VALUES (10, 1, 'snap');
            INSERT INTO tablekeys.ri_index VALUES (1, 2, 'snap');
            INSERT INTO tablekeys.ri_second VALUES (1, 2, 'snap');
            INSERT INTO tablekeys.clustered VALUES (1, 2, 'snap');
            INSERT INTO tablekeys.default_identity VALUES (1, 2, 'snap');
            INSERT INTO tablekeys.no_key VALUES (1, 'snap');
            INSERT INTO tablekeys.full_identity VALUES (1, 'snap');
            """);
        var config = ChangeEventTests.Config(_server, "tablekeys");
        config["topic.prefix"] = Prefix;
        config["schema.include.list"] = "tablekeys";
        config["publication.name"] = "tablekeys";
        config["publication.autocreate.mode"] = "filtered";
        await using var runner = await TaskRunner.StartAsync(config, new MemoryOffsetStore(), schemas: true);
        await runner.AwaitAsync($"{Prefix}.tablekeys.full_identity", 1);
        await Eventually.HoldsAsync(() => _server.SlotActiveAsync("tablekeys"), "the connector streaming", TimeSpan.FromSeconds(30));
        await _server.ExecuteAsync("""
            INSERT INTO tablekeys.with_pk VALUES (20, 3, 'stream');
            UPDATE tablekeys.with_pk SET note = 'changed' WHERE id = 3;
            DELETE FROM tablekeys.with_pk WHERE id = 3;
            INSERT INTO tablekeys.ri_index VALUES (3, 4, 'stream');
            UPDATE tablekeys.ri_index SET note = 'changed' WHERE b = 4;
            DELETE FROM tablekeys.ri_index WHERE b = 4;
            INSERT INTO tablekeys.ri_second VALUES (3, 4, 'stream');
            UPDATE tablekeys.ri_second SET note = 'changed' WHERE a = 3;
            INSERT INTO tablekeys.clustered VALUES (3, 4, 'stream');
            UPDATE tablekeys.clustered SET note = 'changed' WHERE a = 3;
            DELETE FROM tablekeys.clustered WHERE a = 3;
            INSERT INTO tablekeys.default_identity VALUES (3, NULL, 'stream');
            INSERT INTO tablekeys.no_key VALUES (3, 'stream');
            INSERT INTO tablekeys.full_identity VALUES (3, 'stream');
            UPDATE tablekeys.full_identity SET note = 'changed' WHERE a = 3;
            DELETE FROM tablekeys.full_identity WHERE a = 3;
            """);

        async Task<IReadOnlyList<(string? Key, string? Op)>> EventsAsync(string table, int count)
        {
            var records = await runner.AwaitAsync($"{Prefix}.tablekeys.{table}", count);
            return [.. records.Select(r => (r.Key, Op(r.Value)))];
        }

        // Snapshot read, create, update, delete and its tombstone all carry the key.
        var pk = Int32Field("id", false);
        Assert.Equal(
            [(Key("with_pk", pk, """{"id":1}"""), "r"), (Key("with_pk", pk, """{"id":3}"""), "c"), (Key("with_pk", pk, """{"id":3}"""), "u"),
             (Key("with_pk", pk, """{"id":3}"""), "d"), (Key("with_pk", pk, """{"id":3}"""), null)],
            await EventsAsync("with_pk", 5));

        var b = Int32Field("b", false);
        Assert.Equal(
            [(Key("ri_index", b, """{"b":2}"""), "r"), (Key("ri_index", b, """{"b":4}"""), "c"), (Key("ri_index", b, """{"b":4}"""), "u"),
             (Key("ri_index", b, """{"b":4}"""), "d"), (Key("ri_index", b, """{"b":4}"""), null)],
            await EventsAsync("ri_index", 5));

        var a = Int32Field("a", false);
        Assert.Equal(
            [(Key("ri_second", a, """{"a":1}"""), "r"), (Key("ri_second", a, """{"a":3}"""), "c"), (Key("ri_second", a, """{"a":3}"""), "u")],
            await EventsAsync("ri_second", 3));

        Assert.Equal(
            [(Key("clustered", b, """{"b":2}"""), "r"), (Key("clustered", b, """{"b":4}"""), "c"), (Key("clustered", b, """{"b":4}"""), "u"),
             (Key("clustered", b, """{"b":4}"""), "d"), (Key("clustered", b, """{"b":4}"""), null)],
            await EventsAsync("clustered", 5));

        var nullableFirst = Int32Field("b", true) + "," + a;
        Assert.Equal(
            [(Key("default_identity", nullableFirst, """{"b":2,"a":1}"""), "r"), (Key("default_identity", nullableFirst, """{"b":null,"a":3}"""), "c")],
            await EventsAsync("default_identity", 2));

        Assert.Equal([(null, "r"), (null, "c")], await EventsAsync("no_key", 2));
        var fullIdentity = await EventsAsync("full_identity", 4);
        Assert.Equal([(null, "r"), (null, "c"), (null, "u"), (null, "d")], fullIdentity.Take(4));
        var update = JsonDocument.Parse(runner.Records($"{Prefix}.tablekeys.full_identity")[2].Value!).RootElement.GetProperty("payload");
        Assert.Equal("stream", update.GetProperty("before").GetProperty("note").GetString());
    }
}
