using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tributary.Cdc.MySql.Tests;

/// <summary>
/// The connector in the real runtime, as separate processes: <c>tributary connect-standalone worker.properties
/// mysql.properties</c> against a <c>tributary serve</c>, and serve's own worker through its REST API
/// (<c>POST /connectors</c>), each with scenario B's configuration (user-scenarios.md, Debezium 1.6 names; the history
/// clients' IAM lines are left to MskConnectScenarioBTests, which has a SASL_SSL listener), read back with kcat. Offsets go through the runtime's offset store: a clean
/// restart continues without repeating a change, a kill -9 of the worker repeats some but loses none.
/// </summary>
[Trait("Category", "process")]
public sealed class ConnectRuntimeTests : IAsyncLifetime
{
    private const string Orders = "ecommerce-server.ecommerce.orders";
    private readonly TempDirectory _directory = new();
    private TributaryProcess _broker = null!;
    private MariaDbServer _database = null!;

    public async Task InitializeAsync()
    {
        _database = await MariaDbServer.StartAsync();
        await _database.ExecuteAsync(ScenarioBTests.CdcUser);
        _broker = new TributaryProcess(_directory.File("data"), () => ["connect.rest.port=0"]);
        await _broker.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        await _database.DisposeAsync();
        _directory.Dispose();
    }

    private string Bootstrap => $"127.0.0.1:{_broker.Ports.Kafka}";

    /// <summary>
    /// Scenario B's connector configuration, line for line (the database address and bootstrap filled in), except the
    /// history clients' SASL_SSL / AWS_MSK_IAM lines: the clients honour them, and this broker listens in plaintext.
    /// MskConnectScenarioBTests runs the configuration with those lines against a SASL_SSL listener that takes IAM.
    /// </summary>
    private Dictionary<string, string> ScenarioB() => new()
    {
        ["name"] = "ecommerce-connector",
        ["connector.class"] = "io.debezium.connector.mysql.MySqlConnector",
        ["tasks.max"] = "1",
        ["database.hostname"] = "127.0.0.1",
        ["database.port"] = _database.Port.ToString(CultureInfo.InvariantCulture),
        ["database.user"] = "my-database-user",
        ["database.password"] = "my-secret-password",
        ["database.server.id"] = "123456",
        ["database.server.name"] = "ecommerce-server",
        ["database.include.list"] = "ecommerce",
        ["database.history.kafka.topic"] = "dbhistory.ecommerce",
        ["database.history.kafka.bootstrap.servers"] = Bootstrap,
        ["include.schema.changes"] = "true",
    };

    private string[] StandaloneFiles(Dictionary<string, string> connector)
    {
        var worker = _directory.File("worker.properties");
        File.WriteAllText(worker, $"""
            bootstrap.servers={Bootstrap}
            key.converter=org.apache.kafka.connect.json.JsonConverter
            value.converter=org.apache.kafka.connect.json.JsonConverter
            offset.storage.file.filename={_directory.File("offsets.json")}
            offset.flush.interval.ms=500
            listeners=http://127.0.0.1:0
            """);
        var mysql = _directory.File("mysql.properties");
        File.WriteAllLines(mysql, connector.Select(p => $"{p.Key}={p.Value}"));
        return [worker, mysql];
    }

    private const string ScenarioStatements = """
        CREATE TABLE orders (
               order_id VARCHAR(255),
               customer_id VARCHAR(255),
               item_description VARCHAR(255),
               price DECIMAL(6,2),
               order_date DATETIME DEFAULT CURRENT_TIMESTAMP
        );
        INSERT INTO orders VALUES ("123456", "123", "A super noisy mechanical keyboard", "50.00", "2021-08-16 10:11:12");
        INSERT INTO orders VALUES ("123457", "123", "An extremely wide monitor", "500.00", "2021-08-16 11:12:13");
        INSERT INTO orders VALUES ("123458", "123", "A too sensible microphone", "150.00", "2021-08-16 12:13:14");
        """;

    private async Task<List<JsonElement>> PayloadsAsync(string topic)
    {
        var messages = await Kcat.ReadAllAsync(Bootstrap, topic);
        return [.. messages.Where(m => m.Value is not null).Select(m => JsonDocument.Parse(m.Value!).RootElement.GetProperty("payload").Clone())];
    }

    /// <summary>Polls the topic with kcat until it holds at least <paramref name="count"/> change events (a topic not yet created counts as empty).</summary>
    private async Task<List<JsonElement>> AwaitEventsAsync(string topic, int count, Func<string> context, TimeSpan? within = null)
    {
        List<JsonElement> events = [];
        await Eventually.HoldsAsync(async () =>
        {
            var listed = await ClientProcess.RunAsync("kcat", ["-b", Bootstrap, "-L", "-t", topic], TimeSpan.FromSeconds(30));
            if (!listed.StandardOutput.Contains($"topic \"{topic}\" with 1 partitions", StringComparison.Ordinal))
            {
                return false;
            }
            events = await PayloadsAsync(topic);
            return events.Count >= count;
        }, () => $"{count} events on {topic}, have {events.Count}\n{context()}", within ?? TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(500));
        return events;
    }

    private static void AssertScenarioEvent(JsonElement payload, string orderId, long orderDate, long unscaledPrice)
    {
        Assert.Equal("c", payload.GetProperty("op").GetString());
        var after = payload.GetProperty("after");
        Assert.Equal(orderId, after.GetProperty("order_id").GetString());
        Assert.Equal(orderDate, after.GetProperty("order_date").GetInt64());
        var unscaled = new System.Numerics.BigInteger(Convert.FromBase64String(after.GetProperty("price").GetString()!), isUnsigned: false, isBigEndian: true);
        Assert.Equal(unscaledPrice, (long)unscaled); // DECIMAL(6,2): scale 2
        Assert.Equal("ecommerce-server", payload.GetProperty("source").GetProperty("name").GetString());
    }

    private static void AssertScenarioEvents(List<JsonElement> events)
    {
        AssertScenarioEvent(events[0], "123456", 1629108672000, 5000);
        AssertScenarioEvent(events[1], "123457", 1629112333000, 50000);
        AssertScenarioEvent(events[2], "123458", 1629115994000, 15000);
    }

    [Fact]
    public async Task Connect_standalone_runs_scenario_B_and_a_clean_restart_repeats_nothing()
    {
        InteropClients.RequireKcat();
        var files = StandaloneFiles(ScenarioB());
        var worker = await ConnectStandaloneProcess.StartAsync(files);
        try
        {
            await Eventually.HoldsAsync(() => _database.ReplicaRegisteredAsync(123456).Result, () => "the connector streaming\n" + worker.Output, TimeSpan.FromSeconds(60));
            await _database.ExecuteAsync("CREATE DATABASE ecommerce");
            await _database.ExecuteAsync(ScenarioStatements, "ecommerce");

            var events = await AwaitEventsAsync(Orders, 3, () => worker.Output);
            Assert.Equal(3, events.Count);
            AssertScenarioEvents(events);
            var ddl = await AwaitEventsAsync("ecommerce-server", 2, () => worker.Output);
            Assert.Contains(ddl, d => d.GetProperty("ddl").GetString() == "CREATE DATABASE ecommerce");
            var create = ddl.Single(d => d.GetProperty("ddl").GetString()!.Contains("CREATE TABLE orders", StringComparison.Ordinal));
            Assert.Equal("\"ecommerce\".\"orders\"", create.GetProperty("tableChanges")[0].GetProperty("id").GetString());

            // A clean stop flushes the offsets of everything produced; changes made while the worker is down follow.
            await worker.StopAsync();
            await _database.ExecuteAsync("""INSERT INTO orders VALUES ("123459", "124", "A quiet keyboard", "60.00", "2021-08-17 10:11:12")""", "ecommerce");
            await worker.DisposeAsync();
            worker = await ConnectStandaloneProcess.StartAsync(files);
            await _database.ExecuteAsync("""INSERT INTO orders VALUES ("123460", "124", "A narrow monitor", "70.00", "2021-08-17 11:12:13")""", "ecommerce");

            events = await AwaitEventsAsync(Orders, 5, () => worker.Output);
            await Task.Delay(TimeSpan.FromSeconds(2)); // anything repeated would arrive with the rows that follow it
            events = await PayloadsAsync(Orders);
            Assert.Equal(["123456", "123457", "123458", "123459", "123460"], events.Select(e => e.GetProperty("after").GetProperty("order_id").GetString()));
            var offsets = File.ReadAllText(_directory.File("offsets.json"));
            Assert.Contains("ecommerce-server", offsets); // the source partition {"server": "ecommerce-server"} in the runtime's offset file
        }
        finally
        {
            await worker.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_kill_9_of_the_worker_mid_transaction_loses_no_change()
    {
        InteropClients.RequireKcat();
        const int Rows = 30_000;
        var connector = ScenarioB();
        connector["max.batch.size"] = "500";
        var files = StandaloneFiles(connector);
        await _database.ExecuteAsync("CREATE DATABASE ecommerce; CREATE TABLE ecommerce.big (id BIGINT PRIMARY KEY, note VARCHAR(20));");
        var worker = await ConnectStandaloneProcess.StartAsync(files);
        try
        {
            await Eventually.HoldsAsync(() => _database.ReplicaRegisteredAsync(123456).Result, () => "the connector streaming\n" + worker.Output, TimeSpan.FromSeconds(60));
            await _database.ExecuteAsync($"INSERT INTO big SELECT seq, 'row' FROM seq_1_to_{Rows}", "ecommerce");
            await AwaitEventsAsync("ecommerce-server.ecommerce.big", 1000, () => worker.Output);
            await worker.KillAsync();
            await worker.DisposeAsync();

            worker = await ConnectStandaloneProcess.StartAsync(files);
            var events = await AwaitEventsAsync("ecommerce-server.ecommerce.big", Rows, () => worker.Output, TimeSpan.FromMinutes(3));
            await Eventually.HoldsAsync(async () => (await PayloadsAsync("ecommerce-server.ecommerce.big")).Select(e => e.GetProperty("after").GetProperty("id").GetInt64()).Distinct().Count() == Rows,
                () => "every id in the topic\n" + worker.Output, TimeSpan.FromMinutes(3), TimeSpan.FromSeconds(2));
            events = await PayloadsAsync("ecommerce-server.ecommerce.big");
            Assert.True(events.Count >= Rows, $"at least once: {events.Count} events for {Rows} rows");
        }
        finally
        {
            await worker.DisposeAsync();
        }
    }

    [Fact]
    public async Task Serves_REST_API_runs_scenario_B_and_reports_a_wrong_password_in_the_task_trace()
    {
        InteropClients.RequireKcat();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_broker.Ports.Connect}"), Timeout = TimeSpan.FromSeconds(60) };
        var config = ScenarioB();
        config.Remove("name");
        var created = await http.PostAsJsonAsync("/connectors", new { name = "ecommerce-connector", config });
        Assert.True((int)created.StatusCode == 201, await created.Content.ReadAsStringAsync());
        var wrong = ScenarioB();
        wrong.Remove("name");
        wrong["database.password"] = "not-the-password";
        wrong["database.server.name"] = "other-server";
        wrong["database.server.id"] = "123457";
        Assert.Equal(201, (int)(await http.PostAsJsonAsync("/connectors", new { name = "wrong-password", config = wrong })).StatusCode);

        await Eventually.HoldsAsync(() => _database.ReplicaRegisteredAsync(123456).Result, () => "the connector streaming\n" + _broker.Output, TimeSpan.FromSeconds(60));
        await _database.ExecuteAsync("CREATE DATABASE ecommerce");
        await _database.ExecuteAsync(ScenarioStatements, "ecommerce");
        var events = await AwaitEventsAsync(Orders, 3, () => _broker.Output);
        Assert.Equal(3, events.Count);
        AssertScenarioEvents(events);

        var status = JsonNode.Parse(await http.GetStringAsync("/connectors/ecommerce-connector/status"))!;
        Assert.Equal("RUNNING", status["tasks"]![0]!["state"]!.GetValue<string>());
        JsonNode failed = null!;
        await Eventually.HoldsAsync(async () =>
        {
            // serve's worker is distributed: the task exists once its configuration is written after the rebalance.
            failed = JsonNode.Parse(await http.GetStringAsync("/connectors/wrong-password/status"))!["tasks"]!.AsArray().FirstOrDefault()!;
            return (string?)failed?["state"] == "FAILED";
        }, () => "the wrong-password task FAILED: " + failed?.ToJsonString(), TimeSpan.FromSeconds(60));
        var trace = failed["trace"]!.GetValue<string>();
        Assert.Contains("Access denied", trace);
        Assert.Contains("my-database-user", trace);
    }
}
