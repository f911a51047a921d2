using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Tributary.Registry.Tests;

/// <summary>The REST API over HTTP on port 0 against an in-process broker: answers, error codes and bodies, restart.</summary>
public sealed class RestApiTests : IAsyncLifetime
{
    private const string UserV1 = """{"type":"record","name":"User","fields":[{"name":"id","type":"int"}]}""";
    private const string UserV2 = """{"type":"record","name":"User","fields":[{"name":"id","type":"int"},{"name":"name","type":"string","default":""}]}""";
    private const string UserBreaking = """{"type":"record","name":"User","fields":[{"name":"id","type":"int"},{"name":"email","type":"string"}]}""";

    private readonly TempDirectory _directory = new();
    private Broker.Broker _broker = null!;
    private RegistryServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _broker = await Broker.Broker.OpenAsync(new Broker.BrokerOptions { DataDirectory = _directory.Path });
        await StartRegistryAsync();
    }

    private async Task StartRegistryAsync()
    {
        _server = await RegistryServer.StartAsync(_broker, new RegistryOptions { Port = 0 }, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_server.Port}/") };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        await _broker.DisposeAsync();
        _directory.Dispose();
    }

    private async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            var json = body as string ?? System.Text.Json.JsonSerializer.Serialize(body);
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.schemaregistry.v1+json");
        }
        using var response = await _http.SendAsync(request);
        Assert.Equal("application/vnd.schemaregistry.v1+json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private static void AssertError((HttpStatusCode Status, JsonNode? Body) answer, int status, int code)
    {
        Assert.Equal(status, (int)answer.Status);
        Assert.Equal(code, answer.Body!["error_code"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(answer.Body["message"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Register_fetch_and_version_a_subject()
    {
        var first = await SendAsync(HttpMethod.Post, "subjects/users-value/versions", new { schema = UserV1 });
        Assert.Equal(HttpStatusCode.OK, first.Status);
        var id1 = first.Body!["id"]!.GetValue<int>();
        // The same schema again: the same id, no new version.
        Assert.Equal(id1, (await SendAsync(HttpMethod.Post, "subjects/users-value/versions", new { schema = UserV1 })).Body!["id"]!.GetValue<int>());
        var id2 = (await SendAsync(HttpMethod.Post, "subjects/users-value/versions", new { schema = UserV2 })).Body!["id"]!.GetValue<int>();
        Assert.NotEqual(id1, id2);
        Assert.Equal("[1,2]", (await SendAsync(HttpMethod.Get, "subjects/users-value/versions")).Body!.ToJsonString());
        var latest = (await SendAsync(HttpMethod.Get, "subjects/users-value/versions/latest")).Body!;
        Assert.Equal(2, latest["version"]!.GetValue<int>());
        Assert.Equal(id2, latest["id"]!.GetValue<int>());
        Assert.Equal("users-value", latest["subject"]!.GetValue<string>());
        var byId = (await SendAsync(HttpMethod.Get, $"schemas/ids/{id1}")).Body!;
        Assert.Contains("\"User\"", byId["schema"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(byId["schemaType"]);
        Assert.Equal("""[{"subject":"users-value","version":1}]""", (await SendAsync(HttpMethod.Get, $"schemas/ids/{id1}/versions")).Body!.ToJsonString());
        // The same schema under another subject shares the id.
        Assert.Equal(id1, (await SendAsync(HttpMethod.Post, "subjects/other-value/versions", new { schema = UserV1 })).Body!["id"]!.GetValue<int>());
        Assert.Equal("""["other-value","users-value"]""", (await SendAsync(HttpMethod.Get, $"schemas/ids/{id1}/subjects")).Body!.ToJsonString());
        // Lookup, whitespace aside.
        var found = await SendAsync(HttpMethod.Post, "subjects/users-value", new { schema = UserV1.Replace(",", ", ", StringComparison.Ordinal) });
        Assert.Equal(1, found.Body!["version"]!.GetValue<int>());
        Assert.Equal("""["other-value","users-value"]""", (await SendAsync(HttpMethod.Get, "subjects")).Body!.ToJsonString());
    }

    [Fact]
    public async Task Errors_carry_the_registry_codes()
    {
        AssertError(await SendAsync(HttpMethod.Get, "subjects/nope/versions"), 404, 40401);
        AssertError(await SendAsync(HttpMethod.Get, "schemas/ids/999"), 404, 40403);
        AssertError(await SendAsync(HttpMethod.Post, "subjects/s/versions", new { schema = "{\"type\":\"record\"}" }), 422, 42201);
        AssertError(await SendAsync(HttpMethod.Post, "subjects/s/versions", "{not json"), 400, 400);
        await SendAsync(HttpMethod.Post, "subjects/s/versions", new { schema = UserV1 });
        AssertError(await SendAsync(HttpMethod.Get, "subjects/s/versions/7"), 404, 40402);
        AssertError(await SendAsync(HttpMethod.Get, "subjects/s/versions/0"), 422, 42202);
        AssertError(await SendAsync(HttpMethod.Post, "subjects/s", new { schema = UserV2 }), 404, 40403);
        var incompatible = await SendAsync(HttpMethod.Post, "subjects/s/versions", new { schema = UserBreaking });
        AssertError(incompatible, 409, 409);
        Assert.Contains("READER_FIELD_MISSING_DEFAULT_VALUE", incompatible.Body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        AssertError(await SendAsync(HttpMethod.Put, "config/s", new { compatibility = "SIDEWAYS" }), 422, 42203);
        AssertError(await SendAsync(HttpMethod.Get, "config/s"), 404, 40408);
        AssertError(await SendAsync(HttpMethod.Put, "mode", new { mode = "WRITEONLY" }), 422, 42204);
        AssertError(await SendAsync(HttpMethod.Get, "no/such/path"), 404, 404);
    }

    [Fact]
    public async Task Compatibility_endpoint_and_config_levels()
    {
        Assert.Equal("BACKWARD", (await SendAsync(HttpMethod.Get, "config")).Body!["compatibilityLevel"]!.GetValue<string>());
        await SendAsync(HttpMethod.Post, "subjects/c/versions", new { schema = UserV1 });
        var check = await SendAsync(HttpMethod.Post, "compatibility/subjects/c/versions/latest?verbose=true", new { schema = UserBreaking });
        Assert.False(check.Body!["is_compatible"]!.GetValue<bool>());
        Assert.NotEmpty(check.Body["messages"]!.AsArray());
        Assert.True((await SendAsync(HttpMethod.Post, "compatibility/subjects/c/versions/latest", new { schema = UserV2 })).Body!["is_compatible"]!.GetValue<bool>());
        Assert.Equal("NONE", (await SendAsync(HttpMethod.Put, "config/c", new { compatibility = "none" })).Body!["compatibility"]!.GetValue<string>());
        Assert.Equal("NONE", (await SendAsync(HttpMethod.Get, "config/c")).Body!["compatibilityLevel"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, "subjects/c/versions", new { schema = UserBreaking })).Status);
        Assert.Equal("NONE", (await SendAsync(HttpMethod.Delete, "config/c")).Body!["compatibilityLevel"]!.GetValue<string>());
        Assert.Equal("BACKWARD", (await SendAsync(HttpMethod.Get, "config/c?defaultToGlobal=true")).Body!["compatibilityLevel"]!.GetValue<string>());
    }

    [Fact]
    public async Task Soft_and_hard_deletes_and_read_only_mode()
    {
        await SendAsync(HttpMethod.Post, "subjects/d/versions", new { schema = UserV1 });
        await SendAsync(HttpMethod.Post, "subjects/d/versions", new { schema = UserV2 });
        AssertError(await SendAsync(HttpMethod.Delete, "subjects/d/versions/1?permanent=true"), 404, 40407);
        Assert.Equal(1, (await SendAsync(HttpMethod.Delete, "subjects/d/versions/1")).Body!.GetValue<int>());
        AssertError(await SendAsync(HttpMethod.Delete, "subjects/d/versions/1"), 404, 40406);
        Assert.Equal("[2]", (await SendAsync(HttpMethod.Get, "subjects/d/versions")).Body!.ToJsonString());
        Assert.Equal("[1,2]", (await SendAsync(HttpMethod.Get, "subjects/d/versions?deleted=true")).Body!.ToJsonString());
        AssertError(await SendAsync(HttpMethod.Delete, "subjects/d?permanent=true"), 404, 40405);
        Assert.Equal("[2]", (await SendAsync(HttpMethod.Delete, "subjects/d")).Body!.ToJsonString());
        AssertError(await SendAsync(HttpMethod.Get, "subjects/d/versions"), 404, 40401);
        Assert.Equal("[1,2]", (await SendAsync(HttpMethod.Delete, "subjects/d?permanent=true")).Body!.ToJsonString());
        Assert.Equal("[]", (await SendAsync(HttpMethod.Get, "subjects?deleted=true")).Body!.ToJsonString());

        Assert.Equal("READONLY", (await SendAsync(HttpMethod.Put, "mode", new { mode = "READONLY" })).Body!["mode"]!.GetValue<string>());
        AssertError(await SendAsync(HttpMethod.Post, "subjects/ro/versions", new { schema = UserV1 }), 422, 42205);
        await SendAsync(HttpMethod.Put, "mode", new { mode = "READWRITE" });
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, "subjects/ro/versions", new { schema = UserV1 })).Status);
    }

    [Fact]
    public async Task References_resolve_and_block_deletes()
    {
        const string address = """{"type":"record","name":"Address","namespace":"t","fields":[{"name":"city","type":"string"}]}""";
        const string person = """{"type":"record","name":"Person","namespace":"t","fields":[{"name":"home","type":"t.Address"}]}""";
        await SendAsync(HttpMethod.Post, "subjects/address/versions", new { schema = address });
        var registered = await SendAsync(HttpMethod.Post, "subjects/person/versions", new { schema = person, references = new[] { new { name = "t.Address", subject = "address", version = 1 } } });
        Assert.Equal(HttpStatusCode.OK, registered.Status);
        var id = registered.Body!["id"]!.GetValue<int>();
        Assert.Equal($"[{id}]", (await SendAsync(HttpMethod.Get, "subjects/address/versions/1/referencedby")).Body!.ToJsonString());
        Assert.Equal("address", (await SendAsync(HttpMethod.Get, $"schemas/ids/{id}")).Body!["references"]![0]!["subject"]!.GetValue<string>());
        AssertError(await SendAsync(HttpMethod.Delete, "subjects/address/versions/1"), 422, 42206);
        // Without the reference the type is unknown.
        AssertError(await SendAsync(HttpMethod.Post, "subjects/person2/versions", new { schema = person }), 422, 42201);
    }

    [Fact]
    public async Task State_survives_a_restart_through_the_schemas_topic()
    {
        var id = (await SendAsync(HttpMethod.Post, "subjects/keep/versions", new { schema = UserV1 })).Body!["id"]!.GetValue<int>();
        await SendAsync(HttpMethod.Post, "subjects/keep/versions", new { schema = UserV2 });
        await SendAsync(HttpMethod.Delete, "subjects/keep/versions/1");
        await SendAsync(HttpMethod.Put, "config/keep", new { compatibility = "FULL" });
        await SendAsync(HttpMethod.Post, "subjects/json/versions", new { schema = """{"type":"object"}""", schemaType = "JSON" });
        _http.Dispose();
        await _server.DisposeAsync();
        await StartRegistryAsync();
        Assert.Equal("[2]", (await SendAsync(HttpMethod.Get, "subjects/keep/versions")).Body!.ToJsonString());
        Assert.Equal("FULL", (await SendAsync(HttpMethod.Get, "config/keep")).Body!["compatibilityLevel"]!.GetValue<string>());
        Assert.Equal("JSON", (await SendAsync(HttpMethod.Get, "subjects/json/versions/1")).Body!["schemaType"]!.GetValue<string>());
        Assert.Contains("User", (await SendAsync(HttpMethod.Get, $"schemas/ids/{id}")).Body!["schema"]!.GetValue<string>(), StringComparison.Ordinal);
        // A new schema gets the next id (ids 1-3 are taken), never a reused one.
        var next = (await SendAsync(HttpMethod.Post, "subjects/new/versions", new { schema = """{"type":"string"}""" })).Body!["id"]!.GetValue<int>();
        Assert.Equal(4, next);
    }
}
