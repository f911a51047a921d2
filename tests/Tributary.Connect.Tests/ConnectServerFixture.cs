using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Tributary.Connect.Tests;

/// <summary>One <c>tributary serve</c> with its embedded Connect worker (REST on a free port) shared by a test class.</summary>
public sealed class ConnectServerFixture : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();

    public TributaryProcess Server { get; private set; } = null!;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(100) };

    public string Bootstrap => $"127.0.0.1:{Server.Ports.Kafka}";

    public string Directory => _directory.Path;

    public async Task InitializeAsync()
    {
        Server = new TributaryProcess(_directory.File("data"), () => ["num.partitions=1"]);
        await Server.StartAsync();
        Assert.True(Server.Ports.Connect > 0, "serve did not name its Connect REST port: " + Server.ServingLine);
        Http.BaseAddress = new Uri($"http://127.0.0.1:{Server.Ports.Connect}");
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
        _directory.Dispose();
    }

    /// <summary>Sends a request with an optional raw body; returns the status and the parsed JSON body (null when empty).</summary>
    public async Task<(int Status, JsonNode? Body, HttpResponseMessage Response)> SendAsync(HttpMethod method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response);
    }

    public Task<(int Status, JsonNode? Body, HttpResponseMessage Response)> SendAsync(HttpMethod method, string path, JsonNode body) =>
        SendAsync(method, path, body.ToJsonString());

    internal static JsonContent Json(object value) => JsonContent.Create(value);
}
