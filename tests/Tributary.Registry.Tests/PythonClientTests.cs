namespace Tributary.Registry.Tests;

/// <summary>
/// confluent-kafka-python's SchemaRegistryClient (python3-confluent-kafka, installed by ./test.sh) against the real
/// `tributary serve`, and the registry's state across a kill -9 restart.
/// </summary>
[Trait("Category", "process")]
public sealed class PythonClientTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private TributaryProcess _server = null!;

    public async Task InitializeAsync()
    {
        _server = new TributaryProcess(_directory.Path, () => []);
        await _server.StartAsync();
        Assert.True(_server.Ports.Registry > 0, "no schema registry port in the serving line: " + _server.ServingLine);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task SchemaRegistryClient_registers_fetches_checks_and_deletes()
    {
        var result = await ClientProcess.RunAsync("/usr/bin/python3", ["tests/interop/registry/confluent_schema_registry.py", $"http://127.0.0.1:{_server.Ports.Registry}", "orders-value"], TimeSpan.FromSeconds(120));
        result.EnsureSuccess();
        Assert.Contains("{\"event\": \"done\"}", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schemas_survive_kill_9_and_the_restarted_registry_answers_at_once()
    {
        using var http = new HttpClient();
        var url = $"http://127.0.0.1:{_server.Ports.Registry}";
        using var content = new StringContent("""{"schema":"{\"type\":\"string\"}"}""", System.Text.Encoding.UTF8, "application/vnd.schemaregistry.v1+json");
        var registered = await http.PostAsync(url + "/subjects/k/versions", content);
        Assert.Equal(System.Net.HttpStatusCode.OK, registered.StatusCode);
        await _server.KillAsync();
        await _server.StartAsync();
        // "At once": the first request after the server reports it serves is answered from the replayed _schemas topic
        // (GetStringAsync throws on an error status), with no catching-up retry.
        var versions = await http.GetStringAsync($"http://127.0.0.1:{_server.Ports.Registry}/subjects/k/versions");
        Assert.Equal("[1]", versions);
    }
}
