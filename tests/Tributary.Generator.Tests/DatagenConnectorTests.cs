using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tributary.Generator.Tests;

/// <summary>
/// The datagen source connector on a running server: created through Connect's REST API, its records read back with
/// kcat (JSON with the Connect schema, string keys), <c>iterations</c> ending each task, a schema file with
/// generation hints and a key field, and a bad quickstart refused with Connect's error body.
/// </summary>
[Trait("Category", "process")]
public sealed class DatagenConnectorTests(GeneratorServer server) : IClassFixture<GeneratorServer>
{
    /// <summary>
    /// Quickstarts' fields with the Connect types the JSON converter names (from datagen's published schemas;
    /// <c>type@Name</c>: a logical type, the schema's <c>name</c> ending in Name). The in-process table of every quickstart
    /// is <see cref="DatagenQuickstartTests"/>; these run through a server and kcat.
    /// </summary>
    public static TheoryData<string, string, string> QuickstartShapes() => new()
    {
        { "clickstream", "ip", "ip:string userid:int32 remote_user:string time:string _time:int64 request:string status:string bytes:string referrer:string agent:string" },
        { "pizza_orders", "store_id", "store_id:int32 store_order_id:int32 coupon_code:int32 date:int32@Date status:string order_lines:array" },
        { "users", "userid", "registertime:int64 userid:string regionid:string gender:string" },
        { "pageviews", "viewtime", "viewtime:int64 userid:string pageid:string" },
        { "orders", "orderid", "ordertime:int64 orderid:int32 itemid:string orderunits:double address:struct" },
        { "stock_trades", "symbol", "side:string quantity:int32 symbol:string price:int32 account:string userid:string" },
        { "purchases", "id", "id:int64 quantity:int64 productid:int64 total:int64" },
        { "transactions", "transaction_id", "transaction_id:int64 card_id:int64 user_id:string purchase_id:int64 store_id:int32" },
        { "inventory", "id", "id:int64 quantity:int32 productid:int64" },
        { "product", "id", "id:int64 name:string description:string price:int64" },
    };

    private static JsonObject Config(string topic, int iterations, params (string Key, string Value)[] extra)
    {
        var config = new JsonObject
        {
            ["connector.class"] = "DatagenConnector",
            ["kafka.topic"] = topic,
            ["max.interval"] = "1",
            ["iterations"] = iterations.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["tasks.max"] = "1",
            ["key.converter"] = "org.apache.kafka.connect.storage.StringConverter",
            ["value.converter"] = "org.apache.kafka.connect.json.JsonConverter",
            ["value.converter.schemas.enable"] = "true",
        };
        foreach (var (key, value) in extra)
        {
            config[key] = value;
        }
        return config;
    }

    /// <summary>Creates the connector, waits for its task to stop at <c>iterations</c> (FAILED, datagen's way), and reads the topic.</summary>
    private async Task<List<(string Key, JsonElement Value)>> RunToEndAsync(string name, JsonObject config, int iterations)
    {
        var (status, body) = await server.ConnectAsync(HttpMethod.Post, "/connectors", new JsonObject { ["name"] = name, ["config"] = config });
        Assert.True(status == 201, $"{status} {body}");
        JsonNode? state = null;
        await Eventually.HoldsAsync(async () =>
        {
            (_, state) = await server.ConnectAsync(HttpMethod.Get, $"/connectors/{name}/status");
            return state?["tasks"] is JsonArray { Count: 1 } tasks && (string?)tasks[0]!["state"] == "FAILED";
        }, () => $"{name}'s task stopped after {iterations} records: {state}", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200));
        Assert.Contains($"Stopping connector: generated the configured {iterations} number of messages", (string?)state!["tasks"]![0]!["trace"] ?? "");
        // The records polled before the stop may still be on their way to the broker.
        var topic = config["kafka.topic"]!.GetValue<string>();
        var records = await server.ConsumeAsync(topic);
        await Eventually.HoldsAsync(async () => (records = await server.ConsumeAsync(topic)).Count >= iterations,
            () => $"{iterations} records in {topic}; have {records.Count}", TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(250));
        await server.ConnectAsync(HttpMethod.Delete, $"/connectors/{name}");
        return [.. records.Select(r => (r.Key, JsonDocument.Parse(r.Value).RootElement.Clone()))];
    }

    [Theory]
    [MemberData(nameof(QuickstartShapes))]
    public async Task A_quickstart_makes_records_of_its_schema_until_iterations(string quickstart, string keyField, string fields)
    {
        var records = await RunToEndAsync("dg-" + quickstart.Replace('_', '-'), Config("datagen-" + quickstart, 25, ("quickstart", quickstart)), 25);
        Assert.Equal(25, records.Count);
        var expected = fields.Split(' ').Select(f => f.Split(':')).Select(p => (p[0], p[1])).ToList();
        foreach (var (key, value) in records)
        {
            var schema = value.GetProperty("schema");
            Assert.Equal("struct", schema.GetProperty("type").GetString());
            Assert.Equal(expected, schema.GetProperty("fields").EnumerateArray().Select(f => (f.GetProperty("field").GetString()!,
                f.GetProperty("type").GetString()! + (f.TryGetProperty("name", out var name) && name.GetString() is { } logical && logical.StartsWith("org.apache.kafka.connect.data.", StringComparison.Ordinal)
                    ? "@" + logical[(logical.LastIndexOf('.') + 1)..] : ""))));
            var payload = value.GetProperty("payload");
            foreach (var (field, type) in expected)
            {
                var kind = payload.GetProperty(field).ValueKind;
                Assert.True(type switch
                {
                    "string" => kind == JsonValueKind.String,
                    "struct" => kind == JsonValueKind.Object,
                    "array" => kind == JsonValueKind.Array,
                    _ => kind == JsonValueKind.Number,
                }, $"{quickstart}.{field} is {kind}, expected {type}: {payload}");
            }
            // The key is the key field's value (as text through the StringConverter).
            var keyValue = payload.GetProperty(keyField);
            Assert.Equal(keyValue.ValueKind == JsonValueKind.String ? keyValue.GetString() : keyValue.GetRawText(), key);
        }
        if (quickstart == "pizza_orders")
        {
            // The order lines: an array of datagen's order_line records, each one of the record's options.
            var items = records[0].Value.GetProperty("schema").GetProperty("fields")[5].GetProperty("items");
            Assert.Equal("pizza_orders.order_line", items.GetProperty("name").GetString());
            Assert.Equal(["product_id:int32", "category:string", "quantity:int32", "unit_price:double", "net_price:double"],
                items.GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("field").GetString() + ":" + f.GetProperty("type").GetString()));
            var lines = records.SelectMany(r => r.Value.GetProperty("payload").GetProperty("order_lines").EnumerateArray()).ToList();
            Assert.All(records, r => Assert.InRange(r.Value.GetProperty("payload").GetProperty("order_lines").GetArrayLength(), 1, 5));
            Assert.All(lines, l => Assert.Equal(l.GetProperty("unit_price").GetDouble() * l.GetProperty("quantity").GetInt32(), l.GetProperty("net_price").GetDouble(), 6));
        }
    }

    [Fact]
    public async Task A_schema_file_with_hints_a_key_field_and_a_seed()
    {
        var schemaFile = server.WriteFile("sensor.avsc", """
            {"type":"record","name":"sensor","namespace":"plant","fields":[
              {"name":"sensor","type":{"type":"string","arg.properties":{"regex":"S-[0-9]{3}"}}},
              {"name":"seq","type":{"type":"long","arg.properties":{"iteration":{"start":10,"step":10}}}},
              {"name":"celsius","type":{"type":"double","arg.properties":{"range":{"min":-20,"max":40}}}},
              {"name":"state","type":{"type":"string","arg.properties":{"options":["ok","hot","cold"]}}}]}
            """);
        List<(string Key, JsonElement Value)>[] runs = new List<(string, JsonElement)>[2];
        for (var run = 0; run < 2; run++)
        {
            var config = Config($"datagen-file-{run}", 30, ("schema.filename", schemaFile), ("schema.keyfield", "sensor"), ("random.seed", "77"));
            runs[run] = await RunToEndAsync($"dg-file-{run}", config, 30);
        }
        var records = runs[0];
        Assert.Equal(30, records.Count);
        Assert.Equal("plant.sensor", records[0].Value.GetProperty("schema").GetProperty("name").GetString());
        Assert.Equal(Enumerable.Range(1, 30).Select(i => 10L * i), records.Select(r => r.Value.GetProperty("payload").GetProperty("seq").GetInt64()));
        Assert.All(records, r => Assert.Matches("^S-[0-9]{3}$", r.Key));
        Assert.All(records, r => Assert.Equal(r.Key, r.Value.GetProperty("payload").GetProperty("sensor").GetString()));
        Assert.All(records, r => Assert.InRange(r.Value.GetProperty("payload").GetProperty("celsius").GetDouble(), -20, 40));
        Assert.All(records, r => Assert.Contains(r.Value.GetProperty("payload").GetProperty("state").GetString(), new[] { "ok", "hot", "cold" }));
        // The same seed, the same records.
        Assert.Equal(records.Select(r => r.Value.GetProperty("payload").GetRawText()), runs[1].Select(r => r.Value.GetProperty("payload").GetRawText()));
    }

    [Fact]
    public async Task A_bad_quickstart_fails_validation_with_connects_error_body()
    {
        var (status, body) = await server.ConnectAsync(HttpMethod.Post, "/connectors",
            new JsonObject { ["name"] = "dg-bad", ["config"] = Config("datagen-bad", 5, ("quickstart", "no_such_thing")) });
        Assert.Equal(400, status);
        Assert.Equal(400, (int)body!["error_code"]!);
        var message = (string)body["message"]!;
        Assert.Contains("Connector configuration is invalid and contains the following 1 error(s)", message);
        Assert.Contains("Invalid quickstart 'no_such_thing'", message);

        // Validation names the key: no schema source at all, or two of them.
        var noSchema = Config("datagen-bad", 5);
        noSchema["name"] = "dg-no-schema";
        var (_, none) = await server.ConnectAsync(HttpMethod.Put, "/connector-plugins/DatagenConnector/config/validate", noSchema);
        Assert.True((int)none!["error_count"]! == 1, none.ToJsonString());
        var quickstartErrors = none["configs"]!.AsArray().Single(c => (string)c!["value"]!["name"]! == "quickstart")!["value"]!["errors"]!.AsArray();
        Assert.Contains("Exactly one of quickstart, schema.filename or schema.string must be set (0 are)", quickstartErrors.Select(e => (string)e!));
    }
}
