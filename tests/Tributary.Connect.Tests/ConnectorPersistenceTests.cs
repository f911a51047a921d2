using System.Text.Json.Nodes;

namespace Tributary.Connect.Tests;

/// <summary>
/// serve's embedded worker keeps connectors created through REST in Connect's config topic (connect-configs, Kafka's
/// record formats): after a restart of the process they exist again with their configuration and target state, a
/// deleted one stays deleted, and the topic holds Connect's keys (read back with kcat).
/// </summary>
[Trait("Category", "process")]
public sealed class ConnectorPersistenceTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private TributaryProcess _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = new TributaryProcess(_directory.File("data"), () => ["num.partitions=1"]);
        await _server.StartAsync();
        _http = new HttpClient { Timeout = TimeSpan.FromSeconds(100) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Connectors_created_through_REST_survive_a_restart_with_their_config_and_target_state()
    {
        InteropClients.RequireKcat();
        await CreateAsync("kept", "kept-topic");
        await CreateAsync("paused", "paused-topic");
        await CreateAsync("deleted", "deleted-topic");
        Assert.Equal(202, (int)(await _http.PutAsync(Url("/connectors/paused/pause"), null)).StatusCode);
        Assert.Equal(204, (int)(await _http.DeleteAsync(Url("/connectors/deleted"))).StatusCode);

        await _server.RestartAsync();

        var names = JsonNode.Parse(await _http.GetStringAsync(Url("/connectors")))!.AsArray().Select(n => n!.GetValue<string>()).Order().ToList();
        Assert.Equal(["kept", "paused"], names);
        var config = JsonNode.Parse(await _http.GetStringAsync(Url("/connectors/kept/config")))!;
        Assert.Equal("kept-topic", config["topics"]!.GetValue<string>());
        Assert.Equal("FileStreamSink", config["connector.class"]!.GetValue<string>());
        await Eventually.HoldsAsync(async () =>
        {
            var status = JsonNode.Parse(await _http.GetStringAsync(Url("/connectors/paused/status")))!;
            return status["connector"]!["state"]!.GetValue<string>() == "PAUSED";
        }, "the paused connector to come back PAUSED", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200));

        var read = await ClientProcess.RunAsync("kcat", ["-b", $"127.0.0.1:{_server.Ports.Kafka}", "-C", "-t", "connect-configs", "-e", "-q", "-f", "%k=%s\n"], TimeSpan.FromSeconds(60));
        read.EnsureSuccess();
        Assert.Contains("connector-kept={\"properties\":{", read.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("target-state-paused={\"state\":\"PAUSED\",\"state.v2\":\"PAUSED\"}", read.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("connector-deleted=\n", read.StandardOutput, StringComparison.Ordinal);
    }

    private string Url(string path) => $"http://127.0.0.1:{_server.Ports.Connect}{path}";

    private async Task CreateAsync(string name, string topic)
    {
        var body = new JsonObject
        {
            ["name"] = name,
            ["config"] = new JsonObject
            {
                ["connector.class"] = "FileStreamSink",
                ["topics"] = topic,
                ["file"] = _directory.File(name + ".out"),
            },
        };
        var response = await _http.PostAsync(Url("/connectors"), new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        Assert.True((int)response.StatusCode == 201, await response.Content.ReadAsStringAsync());
    }
}
