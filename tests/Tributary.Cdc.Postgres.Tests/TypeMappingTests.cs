using System.Text.Json;

namespace Tributary.Cdc.Postgres.Tests;

/// <summary>
/// Every column type issue 16 names, in snapshot (<c>r</c>) and streaming (<c>c</c>, and the <c>d</c>'s REPLICA
/// IDENTITY FULL before image) events, against the values and schemas Debezium's PostgreSQL data type mappings
/// document (and the reference brief's notes): numeric(p,s) as Decimal (12.34 → unscaled 1234 → <c>BNI=</c>),
/// numeric without scale as VariableScaleDecimal, timestamptz as ZonedTimestamp in UTC, uuid, json/jsonb as
/// io.debezium.data.Json, arrays of the element's schema (made optional), enums with their labels in sort order,
/// bytea as bytes, interval in both <c>interval.handling.mode</c>s and hstore in both <c>hstore.handling.mode</c>s.
/// </summary>
[Trait("Category", "process")]
public sealed class TypeMappingTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    private readonly PostgresServer _server = fixture.Server;

    private const string Values = """
        12.34, 1.5, '2018-06-20 06:37:03.123456+02', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": 1}', '{"b": [true, null], "a": 1}',
        '{1,2,NULL}', '{"a b","c\"d"}', 'happy', '{sad,happy}', '\x0102ff', '1 year 2 mons 3 days 04:05:06.78', 'zz=>1, a=>NULL'
        """;

    private static string Fields(string span, string attrs) =>
        "[" + string.Join(",",
            """{"type":"int32","optional":false,"field":"id"}""",
            """{"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2","connect.decimal.precision":"10"},"field":"price"}""",
            """{"type":"struct","fields":[{"type":"int32","optional":false,"field":"scale"},{"type":"bytes","optional":false,"field":"value"}],"optional":true,"name":"io.debezium.data.VariableScaleDecimal","version":1,"doc":"Variable scaled decimal","field":"amount"}""",
            """{"type":"string","optional":true,"name":"io.debezium.time.ZonedTimestamp","version":1,"field":"created"}""",
            """{"type":"string","optional":true,"name":"io.debezium.data.Uuid","version":1,"field":"guid"}""",
            """{"type":"string","optional":true,"name":"io.debezium.data.Json","version":1,"field":"doc"}""",
            """{"type":"string","optional":true,"name":"io.debezium.data.Json","version":1,"field":"docb"}""",
            """{"type":"array","items":{"type":"int32","optional":true},"optional":true,"field":"ints"}""",
            """{"type":"array","items":{"type":"string","optional":true},"optional":true,"field":"texts"}""",
            """{"type":"string","optional":true,"name":"io.debezium.data.Enum","version":1,"parameters":{"allowed":"sad,ok,happy"},"field":"mood"}""",
            """{"type":"array","items":{"type":"string","optional":true,"name":"io.debezium.data.Enum","version":1,"parameters":{"allowed":"sad,ok,happy"}},"optional":true,"field":"moods"}""",
            """{"type":"bytes","optional":true,"field":"data"}""",
            span,
            attrs) + "]";

    /// <summary>
    /// The row's payload. 1 year 2 months 3 days 04:05:06.78 in MicroDuration counts a month as 365.25/12 days:
    /// (14 × 30.4375 + 3) days + 14706.78 s = 37091106.78 s. hstore's pairs come in java.util.HashMap's order
    /// ("zz" hashes to bucket 0, "a" to bucket 1), not PostgreSQL's (a, zz).
    /// </summary>
    private static string Payload(int id, string span, string attrs) =>
        $$"""{"id":{{id}},"price":"BNI=","amount":{"scale":1,"value":"Dw=="},"created":"2018-06-20T04:37:03.123456Z","guid":"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11","doc":"{\"a\": 1}","docb":"{\"a\": 1, \"b\": [true, null]}","ints":[1,2,null],"texts":["a b","c\"d"],"mood":"happy","moods":["sad","happy"],"data":"AQL/","span":{{span}},"attrs":{{attrs}}}""";

    private static void AssertRow(string? value, string op, string part, string fields, string payload)
    {
        var root = JsonDocument.Parse(value!).RootElement;
        Assert.Equal(op, root.GetProperty("payload").GetProperty("op").GetString());
        Assert.Equal(payload, root.GetProperty("payload").GetProperty(part).GetRawText());
        Assert.Equal(fields, root.GetProperty("schema").GetProperty("fields")[0].GetProperty("fields").GetRawText());
    }

    [Fact]
    public async Task Every_listed_type_maps_as_Debezium_documents_in_snapshot_and_stream_in_both_interval_and_hstore_modes()
    {
        await _server.ExecuteAsync("""
            CREATE EXTENSION IF NOT EXISTS hstore;
            CREATE SCHEMA types;
            CREATE TYPE types.mood AS ENUM ('sad', 'ok', 'happy');
            CREATE TABLE types.t (id int PRIMARY KEY, price numeric(10,2), amount numeric, created timestamptz, guid uuid, doc json, docb jsonb,
              ints int4[], texts text[], mood types.mood, moods types.mood[], data bytea, span interval, attrs hstore);
            ALTER TABLE types.t REPLICA IDENTITY FULL;
            """ + $"INSERT INTO types.t VALUES (1, {Values});");
        const string Topic = "PostgreSQL_server.types.t";

        // interval.handling.mode=numeric, hstore.handling.mode=json (the defaults).
        var numericFields = Fields("""{"type":"int64","optional":true,"name":"io.debezium.time.MicroDuration","version":1,"field":"span"}""",
            """{"type":"string","optional":true,"name":"io.debezium.data.Json","version":1,"field":"attrs"}""");
        var config = ChangeEventTests.Config(_server, "types_numeric");
        config["schema.include.list"] = "types";
        await using (var runner = await TaskRunner.StartAsync(config, new MemoryOffsetStore()))
        {
            var snapshot = await runner.AwaitAsync(Topic, 1);
            AssertRow(snapshot[0].Value, "r", "after", numericFields, Payload(1, "37091106780000", "\"{\\\"zz\\\":\\\"1\\\",\\\"a\\\":null}\""));
            await Eventually.HoldsAsync(() => _server.SlotActiveAsync("types_numeric"), "the connector streaming", TimeSpan.FromSeconds(30));
            await _server.ExecuteAsync($"INSERT INTO types.t VALUES (2, {Values}); DELETE FROM types.t WHERE id = 2;");
            var events = await runner.AwaitAsync(Topic, 4);
            AssertRow(events[1].Value, "c", "after", numericFields, Payload(2, "37091106780000", "\"{\\\"zz\\\":\\\"1\\\",\\\"a\\\":null}\""));
            AssertRow(events[2].Value, "d", "before", numericFields, Payload(2, "37091106780000", "\"{\\\"zz\\\":\\\"1\\\",\\\"a\\\":null}\""));
        }

        // interval.handling.mode=string (ISO 8601, Debezium's documented P1Y2M3DT4H5M6.78S), hstore.handling.mode=map.
        var stringFields = Fields("""{"type":"string","optional":true,"name":"io.debezium.time.Interval","version":1,"field":"span"}""",
            """{"type":"map","keys":{"type":"string","optional":false},"values":{"type":"string","optional":true},"optional":true,"field":"attrs"}""");
        config = ChangeEventTests.Config(_server, "types_string");
        config["schema.include.list"] = "types";
        config["interval.handling.mode"] = "string";
        config["hstore.handling.mode"] = "map";
        await using (var runner = await TaskRunner.StartAsync(config, new MemoryOffsetStore()))
        {
            var snapshot = await runner.AwaitAsync(Topic, 1);
            AssertRow(snapshot[0].Value, "r", "after", stringFields, Payload(1, "\"P1Y2M3DT4H5M6.78S\"", """{"zz":"1","a":null}"""));
            await Eventually.HoldsAsync(() => _server.SlotActiveAsync("types_string"), "the connector streaming", TimeSpan.FromSeconds(30));
            await _server.ExecuteAsync($"INSERT INTO types.t VALUES (3, {Values}); DELETE FROM types.t WHERE id = 3;");
            var events = await runner.AwaitAsync(Topic, 4);
            AssertRow(events[1].Value, "c", "after", stringFields, Payload(3, "\"P1Y2M3DT4H5M6.78S\"", """{"zz":"1","a":null}"""));
            AssertRow(events[2].Value, "d", "before", stringFields, Payload(3, "\"P1Y2M3DT4H5M6.78S\"", """{"zz":"1","a":null}"""));
        }
    }
}
