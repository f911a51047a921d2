using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Tributary.Connect.Errors;

namespace Tributary.Connect.Registry.Client;

/// <summary>A schema fetched by id: its text and type (AVRO when the registry omits it).</summary>
public sealed record RegisteredSchema(int Id, string SchemaType, string Schema);

/// <summary>
/// A client of a Confluent-compatible registry's REST API with the caches Confluent's CachedSchemaRegistryClient keeps:
/// id → schema and (subject, schema text) → id never change once known, so they are cached without expiry;
/// the latest version of a subject (use.latest.version) is cached for <see cref="LatestTtl"/>. Thread-safe.
/// Registry errors surface as <see cref="DataException"/> carrying the registry's error code and message.
/// </summary>
public sealed class RegistryClient : IDisposable
{
    private const string MediaType = "application/vnd.schemaregistry.v1+json";
    private readonly HttpClient _http;
    private readonly Dictionary<int, RegisteredSchema> _byId = [];
    private readonly Dictionary<(string Subject, string Schema), int> _ids = [];
    private readonly Dictionary<string, (RegisteredSchema Schema, DateTime Until)> _latest = new(StringComparer.Ordinal);
    private readonly object _lock = new();

    public RegistryClient(string url, TimeSpan? timeout = null)
    {
        var first = url.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault()
            ?? throw new ArgumentException("schema.registry.url is empty");
        _http = new HttpClient { BaseAddress = new Uri(first.TrimEnd('/') + "/"), Timeout = timeout ?? TimeSpan.FromSeconds(30) };
    }

    public TimeSpan LatestTtl { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The schema with this id (cached).</summary>
    public RegisteredSchema GetById(int id)
    {
        lock (_lock)
        {
            if (_byId.TryGetValue(id, out var cached))
            {
                return cached;
            }
        }
        var answer = Send(HttpMethod.Get, $"schemas/ids/{id}", null);
        var schema = new RegisteredSchema(id, answer["schemaType"]?.GetValue<string>() ?? "AVRO", answer["schema"]!.GetValue<string>());
        lock (_lock)
        {
            _byId[id] = schema;
        }
        return schema;
    }

    /// <summary>
    /// The schemas the schema with this id references, with their reference names, each before the ones that use it
    /// (what a Protobuf schema's imports resolve to). Not cached: callers cache what they parse from it.
    /// </summary>
    public IReadOnlyList<Tributary.Schemas.Protobuf.NamedSchemaText> GetReferencedSchemas(int id)
    {
        var result = new List<Tributary.Schemas.Protobuf.NamedSchemaText>();
        var seen = new HashSet<(string, int)>();
        void Add(JsonNode? references, int depth)
        {
            if (references is not JsonArray list || depth > 32)
            {
                return;
            }
            foreach (var reference in list)
            {
                var subject = reference!["subject"]!.GetValue<string>();
                var version = reference["version"]!.GetValue<int>();
                if (!seen.Add((subject, version)))
                {
                    continue;
                }
                var answer = Send(HttpMethod.Get, $"subjects/{Uri.EscapeDataString(subject)}/versions/{version}", null);
                Add(answer["references"], depth + 1);
                result.Add(new Tributary.Schemas.Protobuf.NamedSchemaText(reference["name"]!.GetValue<string>(), answer["schema"]!.GetValue<string>()));
            }
        }
        Add(Send(HttpMethod.Get, $"schemas/ids/{id}", null)["references"], 0);
        return result;
    }

    /// <summary>Registers (or, with <paramref name="register"/> false, looks up) a schema under a subject and returns its id (cached).</summary>
    public int GetId(string subject, string schemaType, string schema, bool register)
    {
        lock (_lock)
        {
            if (_ids.TryGetValue((subject, schema), out var cached))
            {
                return cached;
            }
        }
        var body = new JsonObject { ["schema"] = schema };
        if (schemaType != "AVRO")
        {
            body["schemaType"] = schemaType;
        }
        var answer = register
            ? Send(HttpMethod.Post, $"subjects/{Uri.EscapeDataString(subject)}/versions", body)
            : Send(HttpMethod.Post, $"subjects/{Uri.EscapeDataString(subject)}", body);
        var id = answer["id"]!.GetValue<int>();
        lock (_lock)
        {
            _ids[(subject, schema)] = id;
            _byId.TryAdd(id, new RegisteredSchema(id, schemaType, schema));
        }
        return id;
    }

    /// <summary>The latest version of a subject (cached for <see cref="LatestTtl"/>).</summary>
    public RegisteredSchema GetLatest(string subject)
    {
        lock (_lock)
        {
            if (_latest.TryGetValue(subject, out var cached) && cached.Until > DateTime.UtcNow)
            {
                return cached.Schema;
            }
        }
        var answer = Send(HttpMethod.Get, $"subjects/{Uri.EscapeDataString(subject)}/versions/latest", null);
        var schema = new RegisteredSchema(answer["id"]!.GetValue<int>(), answer["schemaType"]?.GetValue<string>() ?? "AVRO", answer["schema"]!.GetValue<string>());
        lock (_lock)
        {
            _latest[subject] = (schema, DateTime.UtcNow + LatestTtl);
            _byId.TryAdd(schema.Id, schema);
        }
        return schema;
    }

    private JsonNode Send(HttpMethod method, string path, JsonNode? body)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(MediaType);
        }
        request.Headers.Accept.ParseAdd(MediaType);
        HttpResponseMessage response;
        string text;
        try
        {
            // Converters are synchronous (Kafka's interface); the call runs on the caller's thread.
            response = _http.Send(request);
            using var reader = new StreamReader(response.Content.ReadAsStream(), Encoding.UTF8);
            text = reader.ReadToEnd();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            throw new DataException($"Error talking to the schema registry at {_http.BaseAddress}: {e.Message}", e);
        }
        using (response)
        {
            JsonNode? answer;
            try
            {
                answer = JsonNode.Parse(text);
            }
            catch (System.Text.Json.JsonException)
            {
                answer = null;
            }
            if (!response.IsSuccessStatusCode || answer is null)
            {
                var code = answer?["error_code"]?.GetValue<int>() ?? (int)response.StatusCode;
                var message = answer?["message"]?.GetValue<string>() ?? text;
                throw new DataException($"Schema registry error {code}: {message}");
            }
            return answer;
        }
    }

    public void Dispose() => _http.Dispose();
}
