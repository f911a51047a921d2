using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tributary.WebConsole.Tests;

/// <summary>
/// One server for the page scenarios, with what they show made through the public APIs first: 60 topics (more than
/// one page), a topic with records, a consumer group with lag, a delivery stream, and two Connect datagen connectors
/// (one RUNNING, one whose task FAILED with a trace after its configured number of records).
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    public const string RunningConnector = "console-datagen";
    public const string FailedConnector = "console-datagen-done";
    public const string Group = "console-readers";
    public const string DeletedTopic = "to-delete";

    public ConsoleServer Server { get; } = new();

    public async Task InitializeAsync()
    {
        ConsoleServer.RequireBrowser();
        await Server.StartAsync();
        for (var i = 1; i <= 60; i++)
        {
            await Server.PostAsync("/api/console/topics", new { name = $"seeded-{i:D4}", partitions = 1 });
        }
        await Server.PostAsync("/api/console/topics", new { name = "orders", partitions = 2 });
        await Server.PostAsync("/api/console/topics", new { name = DeletedTopic, partitions = 1 });
        for (var i = 0; i < 5; i++)
        {
            await Server.PostAsync("/api/console/topics/orders/messages", new { partition = i % 2, key = $"k{i}", value = $"{{\"n\":{i}}}" });
        }
        await Server.PostAsync($"/api/console/groups/{Group}/reset", new { topic = "orders", to = "earliest" });
        await Server.PostAsync("/api/console/delivery-streams", JsonNode.Parse("""
            {"DeliveryStreamName":"fixture-stream","DeliveryStreamType":"DirectPut",
             "ExtendedS3DestinationConfiguration":{"RoleARN":"arn:aws:iam::000000000000:role/f","BucketARN":"arn:aws:s3:::fixture-bucket"}}
            """)!);
        await CreateConnectorAsync(RunningConnector, iterations: null);
        await CreateConnectorAsync(FailedConnector, iterations: 3);
        await WaitForTaskStateAsync(RunningConnector, "RUNNING");
        await WaitForTaskStateAsync(FailedConnector, "FAILED");
    }

    private async Task CreateConnectorAsync(string name, int? iterations)
    {
        var config = new JsonObject
        {
            ["connector.class"] = "DatagenConnector",
            ["kafka.topic"] = name + "-topic",
            ["quickstart"] = "users",
            ["max.interval"] = "500",
            ["tasks.max"] = "1",
        };
        if (iterations is { } count)
        {
            config["iterations"] = count.ToString(CultureInfo.InvariantCulture);
        }
        using var response = await Server.Http.PostAsJsonAsync(Server.ConnectUrl + "/connectors", new JsonObject { ["name"] = name, ["config"] = config });
        Assert.True((int)response.StatusCode == 201, $"creating {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task WaitForTaskStateAsync(string name, string state)
    {
        string last = "";
        await Eventually.HoldsAsync(async () =>
        {
            last = await Server.Http.GetStringAsync($"{Server.ConnectUrl}/connectors/{name}/status");
            using var status = JsonDocument.Parse(last);
            return status.RootElement.GetProperty("tasks") is { ValueKind: JsonValueKind.Array } tasks && tasks.GetArrayLength() == 1 && tasks[0].GetProperty("state").GetString() == state;
        }, () => $"{name}'s task is not {state}: {last}", TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(250));
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>The console's pages in Debian's chromium against the real server (tests/interop/console/scenarios.mjs).</summary>
[Trait("Category", "process")]
public sealed class ConsoleBrowserTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    private ConsoleServer Server => fixture.Server;

    [Fact]
    public async Task Topic_list_pages_and_searches_then_a_topic_made_in_the_form_takes_a_message_that_the_browser_shows()
    {
        var lines = await Server.RunScenarioAsync("topics", ConsoleFixture.DeletedTopic);
        Assert.Equal(50, lines[^1].GetProperty("rows").GetInt32());
        using (var deleted = await Server.Http.GetAsync($"{Server.BaseUrl}/api/console/topics/{ConsoleFixture.DeletedTopic}"))
        {
            Assert.Equal(System.Net.HttpStatusCode.NotFound, deleted.StatusCode);
        }
        // The message produced through the page is in the log, read back through the API the browser did not use.
        var messages = await Server.Http.GetFromJsonAsync<JsonElement>($"{Server.BaseUrl}/api/console/topics/browser-made/messages?partition=1&offset=0");
        var message = messages.GetProperty("items")[0];
        Assert.Equal("order-1", message.GetProperty("key").GetProperty("text").GetString());
        Assert.Equal("{\"id\":1,\"item\":\"kayak\"}", message.GetProperty("value").GetProperty("text").GetString());
        Assert.Equal("console", message.GetProperty("headers")[0].GetProperty("value").GetProperty("text").GetString());
    }

    [Fact]
    public async Task The_delivery_stream_form_shows_the_servers_validation_messages_beside_the_fields_then_creates_the_stream()
    {
        await Server.PostAsync("/api/console/topics", new { name = "clicks", partitions = 1 });
        await Server.RunScenarioAsync("delivery", "clicks");
        var stream = await Server.Http.GetFromJsonAsync<JsonElement>($"{Server.BaseUrl}/api/console/delivery-streams/orders-to-s3");
        Assert.Equal("ACTIVE", stream.GetProperty("stream").GetProperty("status").GetString());
        var request = stream.GetProperty("request");
        Assert.Equal("clicks", request.GetProperty("MSKSourceConfiguration").GetProperty("TopicName").GetString());
        Assert.Equal("arn:aws:s3:::console-bucket", request.GetProperty("ExtendedS3DestinationConfiguration").GetProperty("BucketARN").GetString());
    }

    [Fact]
    public async Task A_connectors_status_page_shows_its_running_task_pauses_and_resumes_it_and_shows_a_failed_tasks_trace()
    {
        await Server.RunScenarioAsync("connector", $"{ConsoleFixture.RunningConnector},{ConsoleFixture.FailedConnector}");
        var status = await Server.Http.GetFromJsonAsync<JsonElement>($"{Server.ConnectUrl}/connectors/{ConsoleFixture.RunningConnector}/status");
        Assert.Equal("RUNNING", status.GetProperty("connector").GetProperty("state").GetString());
    }

    [Fact]
    public async Task The_connector_wizard_shows_connects_message_beside_a_field_as_you_type_then_creates_a_file_source_that_runs_and_deletes_it()
    {
        const string topic = "wizard-lines";
        const string name = "wizard-file";
        await Server.PostAsync("/api/console/topics", new { name = topic, partitions = 1 });
        var file = Path.Combine(Server.DataDirectory, "wizard-input.txt");
        await File.WriteAllLinesAsync(file, ["line-1", "line-2", "line-3"]);
        var lines = await Server.RunScenarioAsync("wizard", $"{name},{file},{topic},line-3", TimeSpan.FromSeconds(180));
        Assert.Contains("Not a number of type INT", lines[^1].GetProperty("batchError").GetString());
        using (var deleted = await Server.Http.GetAsync($"{Server.ConnectUrl}/connectors/{name}"))
        {
            Assert.Equal(System.Net.HttpStatusCode.NotFound, deleted.StatusCode);
        }
        // What the connector made of the file, read back through the API the browser did not use: one record per line, in order.
        var messages = await Server.Http.GetFromJsonAsync<JsonElement>($"{Server.BaseUrl}/api/console/topics/{topic}/messages?partition=0&offset=0");
        var values = messages.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("value").GetProperty("text").GetString()!).ToList();
        Assert.Equal(3, values.Count);
        for (var i = 0; i < 3; i++)
        {
            Assert.Contains($"line-{i + 1}", values[i], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_data_generator_shows_a_template_error_with_its_position_previews_then_runs_into_a_topic_with_a_moving_rate_until_stopped()
    {
        const string topic = "generated";
        await Server.PostAsync("/api/console/topics", new { name = topic, partitions = 1 });
        var report = (await Server.RunScenarioAsync("generator", topic, TimeSpan.FromSeconds(120)))[^1];
        Assert.Matches(@"line 3, column \d+", report.GetProperty("templateError").GetString());
        Assert.True(report.GetProperty("rate").GetDouble() > 0);
        var shown = report.GetProperty("sent").GetInt64();
        // The run is stopped on the server, and the topic holds at least what the page counted, each record the example rendered.
        var runs = await Server.Http.GetFromJsonAsync<JsonElement>($"{Server.BaseUrl}/api/console/generator/runs");
        var run = runs.GetProperty("items")[0];
        Assert.Equal("STOPPED", run.GetProperty("state").GetString());
        Assert.True(run.GetProperty("sent").GetInt64() >= shown);
        var messages = await Server.Http.GetFromJsonAsync<JsonElement>($"{Server.BaseUrl}/api/console/topics/{topic}/messages?partition=0&offset=0&limit=10");
        Assert.True(messages.GetProperty("highWatermark").GetInt64() >= run.GetProperty("sent").GetInt64(), messages.ToString());
        foreach (var message in messages.GetProperty("items").EnumerateArray())
        {
            using var record = JsonDocument.Parse(message.GetProperty("value").GetProperty("text").GetString()!);
            Assert.InRange(record.RootElement.GetProperty("currentTemperature").GetInt32(), 10, 150);
            Assert.Contains(record.RootElement.GetProperty("status").GetString(), new[] { "OK", "FAIL", "WARN" });
        }
    }

    [Fact]
    public async Task The_catalog_lists_a_table_made_with_glue_and_the_query_editor_runs_it_shows_the_rows_and_downloads_the_csv()
    {
        var work = Path.Combine(Server.DataDirectory, "lake-upload");
        Directory.CreateDirectory(work);
        await File.WriteAllTextAsync(Path.Combine(work, "part-0.json"), "{\"id\":1,\"name\":\"paddle\",\"amount\":5.0}\n{\"id\":2,\"name\":\"kayak\",\"amount\":25.5}\n");
        await File.WriteAllTextAsync(Path.Combine(work, "part-1.json"), "{\"id\":3,\"name\":\"tent\",\"amount\":120.25}\n{\"id\":4,\"name\":\"rope\",\"amount\":7.75}\n");
        await Server.AwsAsync("s3api", "create-bucket", "--bucket", "console-lake");
        await Server.AwsAsync("s3", "cp", "--recursive", work, "s3://console-lake/orders/");
        await Server.AwsAsync("glue", "create-database", "--database-input", """{"Name":"console_db"}""");
        await Server.AwsAsync("glue", "create-table", "--database-name", "console_db", "--table-input", """
            {"Name":"orders","Parameters":{"classification":"json"},
             "StorageDescriptor":{"Columns":[{"Name":"id","Type":"bigint"},{"Name":"name","Type":"string"},{"Name":"amount","Type":"double"}],
              "Location":"s3://console-lake/orders/","SerdeInfo":{"SerializationLibrary":"org.openx.data.jsonserde.JsonSerDe"}}}
            """);
        await Server.AwsAsync("glue", "create-crawler", "--name", "console-crawler", "--role", "arn:aws:iam::000000000000:role/crawler",
            "--database-name", "console_db", "--targets", """{"S3Targets":[{"Path":"s3://console-lake/orders/"}]}""");
        var report = (await Server.RunScenarioAsync("query", "console_db,orders,console-crawler", TimeSpan.FromSeconds(120)))[^1];
        Assert.Equal(["id", "name", "amount"], report.GetProperty("headers").EnumerateArray().Select(h => h.GetString()));
        var rows = report.GetProperty("rows").EnumerateArray().Select(r => string.Join('|', r.EnumerateArray().Select(c => c.GetString()))).ToList();
        Assert.Equal(["2|kayak|25.5", "3|tent|120.25"], rows);
        Assert.Equal("\"id\",\"name\",\"amount\"\n\"2\",\"kayak\",\"25.5\"\n\"3\",\"tent\",\"120.25\"\n", report.GetProperty("csv").GetString());
        Assert.Contains("nosuch", report.GetProperty("failure").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_groups_lag_shows_per_partition_and_a_confirmed_reset_moves_it_to_the_log_end()
    {
        await Server.RunScenarioAsync("groups", ConsoleFixture.Group);
        var group = await Server.Http.GetFromJsonAsync<JsonElement>($"{Server.BaseUrl}/api/console/groups/{ConsoleFixture.Group}");
        Assert.All(group.GetProperty("lag").EnumerateArray(), l => Assert.Equal(0, l.GetProperty("lag").GetInt64()));
    }

    [Fact]
    public async Task The_admin_ports_metrics_and_health_stay_beside_the_console_and_unknown_paths_are_404()
    {
        using var metrics = await Server.Http.GetAsync(Server.BaseUrl + "/metrics");
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", metrics.Content.Headers.ContentType?.ToString());
        Assert.Contains("tributary_partition_log_end_offset{topic=\"orders\",partition=\"0\"}", await metrics.Content.ReadAsStringAsync());
        Assert.Equal("ok\n", await Server.Http.GetStringAsync(Server.BaseUrl + "/health"));
        using var unknown = await Server.Http.GetAsync(Server.BaseUrl + "/nothing-here");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, unknown.StatusCode);
        using var missingAsset = await Server.Http.GetAsync(Server.BaseUrl + "/console/js/missing.js");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missingAsset.StatusCode);
    }

    [Fact]
    public async Task A_change_sent_as_a_plain_form_post_is_refused_so_other_sites_cannot_make_it()
    {
        foreach (var (path, body) in new[]
        {
            ("/api/console/topics", """{"name":"cross-site"}"""),
            ("/api/console/delivery-streams", """{"DeliveryStreamName":"cross-site","ExtendedS3DestinationConfiguration":{"RoleARN":"arn:aws:iam::000000000000:role/f","BucketARN":"arn:aws:s3:::b"}}"""),
            ($"/api/console/connectors/{ConsoleFixture.RunningConnector}/pause", ""),
        })
        {
            using var response = await Server.Http.PostAsync(Server.BaseUrl + path, new StringContent(body, System.Text.Encoding.UTF8, "text/plain"));
            Assert.Equal(System.Net.HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        }
        using var topic = await Server.Http.GetAsync($"{Server.BaseUrl}/api/console/topics/cross-site");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, topic.StatusCode);
        using var stream = await Server.Http.GetAsync($"{Server.BaseUrl}/api/console/delivery-streams/cross-site");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, stream.StatusCode);
    }

    [Fact]
    public async Task Every_page_passes_axe_core_without_serious_violations()
    {
        string[] pages =
        [
            "/console/", "/console/topics", "/console/topics/orders", "/console/groups", $"/console/groups/{ConsoleFixture.Group}",
            "/console/kinesis", "/console/delivery-streams", "/console/delivery-streams/new", "/console/delivery-streams/fixture-stream",
            "/console/connectors", $"/console/connectors/{ConsoleFixture.RunningConnector}", $"/console/connectors/{ConsoleFixture.FailedConnector}",
            "/console/connectors/new?class=org.apache.kafka.connect.file.FileStreamSourceConnector", "/console/generator", "/console/catalog", "/console/query",
        ];
        var lines = await Server.RunScenarioAsync("axe", string.Join(',', pages), TimeSpan.FromSeconds(180));
        Assert.Equal(pages.Length, lines[^1].GetProperty("pages").GetInt32());
    }
}

/// <summary>The connection-lost banner, on a server of its own (the test kills it).</summary>
[Trait("Category", "process")]
public sealed class ConnectionBannerTests
{
    [Fact]
    public async Task A_killed_server_shows_the_connection_lost_banner_and_the_page_keeps_its_data()
    {
        ConsoleServer.RequireBrowser();
        await using var server = new ConsoleServer();
        await server.StartAsync();
        var ready = server.DataDirectory + ".ready";
        try
        {
            var scenario = server.RunScenarioAsync("banner", ready);
            await Eventually.HoldsAsync(() => Task.FromResult(File.Exists(ready) || scenario.IsCompleted), () => "the page did not load", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(100));
            Assert.False(scenario.IsFaulted, scenario.Exception?.ToString());
            await server.KillAsync();
            var lines = await scenario;
            Assert.Contains("Connection to Tributary lost", lines[^1].GetProperty("banner").GetString());
        }
        finally
        {
            File.Delete(ready);
        }
    }
}
