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

    [Theory]
    [InlineData("double", "base64", "adaptive",
        """{"id":ID,"price":12.34,"amount":1.5,"data":"+/8=","ts":1529476623123456,"ts3":1529476623123,"d":17702,"t6":23823123456,"t3":23823123}""")]
    [InlineData("string", "base64-url-safe", "adaptive_time_microseconds",
        """{"id":ID,"price":"12.34","amount":"1.5","data":"-_8=","ts":1529476623123456,"ts3":1529476623123,"d":17702,"t6":23823123456,"t3":23823123000}""")]
    [InlineData("precise", "hex", "connect",
        """{"id":ID,"price":"BNI=","amount":{"scale":1,"value":"Dw=="},"data":"fbff","ts":1529476623123,"ts3":1529476623123,"d":17702,"t6":23823123,"t3":23823123}""")]
    public async Task Decimal_binary_and_time_precision_modes_map_as_Debezium_documents(string decimalMode, string binaryMode, string timeMode, string expected)
    {
        // 2018-06-20 06:37:03.123456 (Debezium's documented DATETIME example, 1529476623000 at second precision):
        // 17702 days since the epoch, 23823 s after midnight. bytea \xfbff is "+/8=" in base64, "-_8=" URL-safe
        // (java.util.Base64 keeps the padding). adaptive: timestamp(6)/time(6) in µs (Micro*), (3) in ms; connect:
        // Kafka's Timestamp/Date/Time (ms); adaptive_time_microseconds: every time in µs.
        var schema = "modes_" + timeMode;
        await _server.ExecuteAsync($"""
            CREATE SCHEMA {schema};
            CREATE TABLE {schema}.t (id int PRIMARY KEY, price numeric(10,2), amount numeric, data bytea, ts timestamp(6), ts3 timestamp(3), d date, t6 time(6), t3 time(3));
            """);
        const string Row = "12.34, 1.5, '\\xfbff', '2018-06-20 06:37:03.123456', '2018-06-20 06:37:03.123', '2018-06-20', '06:37:03.123456', '06:37:03.123'";
        await _server.ExecuteAsync($"INSERT INTO {schema}.t VALUES (1, {Row})");
        var config = ChangeEventTests.Config(_server, schema);
        config["schema.include.list"] = schema;
        config["decimal.handling.mode"] = decimalMode;
        config["binary.handling.mode"] = binaryMode;
        config["time.precision.mode"] = timeMode;
        await using var runner = await TaskRunner.StartAsync(config, new MemoryOffsetStore());
        var topic = $"PostgreSQL_server.{schema}.t";
        await runner.AwaitAsync(topic, 1);
        await Eventually.HoldsAsync(() => _server.SlotActiveAsync(schema), "the connector streaming", TimeSpan.FromSeconds(30));
        await _server.ExecuteAsync($"INSERT INTO {schema}.t VALUES (2, {Row})");
        var events = await runner.AwaitAsync(topic, 2);
        Assert.Equal(["r", "c"], events.Select(e => JsonDocument.Parse(e.Value!).RootElement.GetProperty("payload").GetProperty("op").GetString()));
        Assert.Equal(expected.Replace("ID", "1", StringComparison.Ordinal), JsonDocument.Parse(events[0].Value!).RootElement.GetProperty("payload").GetProperty("after").GetRawText());
        Assert.Equal(expected.Replace("ID", "2", StringComparison.Ordinal), JsonDocument.Parse(events[1].Value!).RootElement.GetProperty("payload").GetProperty("after").GetRawText());
        var names = JsonDocument.Parse(events[1].Value!).RootElement.GetProperty("schema").GetProperty("fields")[1].GetProperty("fields").EnumerateArray()
            .ToDictionary(f => f.GetProperty("field").GetString()!, f => f.TryGetProperty("name", out var name) ? name.GetString() : f.GetProperty("type").GetString());
        Assert.Equal(decimalMode switch { "double" => "double", "string" => "string", _ => "org.apache.kafka.connect.data.Decimal" }, names["price"]);
        Assert.Equal(binaryMode == "bytes" ? "bytes" : "string", names["data"]);
        Assert.Equal(timeMode == "connect" ? "org.apache.kafka.connect.data.Timestamp" : "io.debezium.time.MicroTimestamp", names["ts"]);
        Assert.Equal(timeMode == "connect" ? "org.apache.kafka.connect.data.Date" : "io.debezium.time.Date", names["d"]);
        Assert.Equal(timeMode switch { "connect" => "org.apache.kafka.connect.data.Time", "adaptive" => "io.debezium.time.Time", _ => "io.debezium.time.MicroTime" }, names["t3"]);
    }

    [Fact]
    public async Task An_unchanged_TOASTed_value_without_replica_identity_full_is_Debeziums_placeholder()
    {
        await _server.ExecuteAsync("""
            CREATE SCHEMA toast;
            CREATE TABLE toast.t (id int PRIMARY KEY, note text, big text, bigb bytea);
            ALTER TABLE toast.t ALTER COLUMN big SET STORAGE EXTERNAL, ALTER COLUMN bigb SET STORAGE EXTERNAL;
            """);
        var config = ChangeEventTests.Config(_server, "toast");
        config["schema.include.list"] = "toast";
        config["snapshot.mode"] = "no_data";
        await using var runner = await TaskRunner.StartAsync(config, new MemoryOffsetStore(), schemas: false);
        await Eventually.HoldsAsync(() => _server.SlotActiveAsync("toast"), "the connector streaming", TimeSpan.FromSeconds(30));
        await _server.ExecuteAsync("""
            INSERT INTO toast.t VALUES (1, 'first', repeat('x', 10000), decode(repeat('ab', 10000), 'hex'));
            UPDATE toast.t SET note = 'second' WHERE id = 1;
            """);
        var events = await runner.AwaitAsync("PostgreSQL_server.toast.t", 2);
        var insert = JsonDocument.Parse(events[0].Value!).RootElement.GetProperty("after");
        Assert.Equal(10000, insert.GetProperty("big").GetString()!.Length);
        // pgoutput leaves the unchanged out-of-line values out of the update: Debezium writes its placeholder.
        var update = JsonDocument.Parse(events[1].Value!).RootElement.GetProperty("after");
        Assert.Equal("second", update.GetProperty("note").GetString());
        Assert.Equal("__debezium_unavailable_value", update.GetProperty("big").GetString());
        Assert.Equal(Convert.ToBase64String("__debezium_unavailable_value"u8.ToArray()), update.GetProperty("bigb").GetString());
    }
}
