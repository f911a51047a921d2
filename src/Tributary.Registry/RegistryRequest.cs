using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Tributary.Schemas;

namespace Tributary.Registry;

/// <summary>A request as the handlers see it: method, decoded path segments, query and the JSON body (null when empty).</summary>
public sealed class RegistryRequest
{
    internal const string RawSchemaKey = "registry.raw-schema";

    /// <summary>Marks a request a follower forwarded to the leader.</summary>
    public const string ForwardedHeader = "X-Tributary-Registry-Forwarded";

    private readonly HttpContext? _context;

    public RegistryRequest(string method, string[] segments, IReadOnlyDictionary<string, string> query, JsonNode? body, HttpContext? context = null)
    {
        Method = method;
        Segments = segments;
        Query = query;
        Body = body;
        _context = context;
    }

    public string Method { get; }

    public string[] Segments { get; }

    public IReadOnlyDictionary<string, string> Query { get; }

    public JsonNode? Body { get; }

    /// <summary>The body as received (empty when none) and the raw path with its query: what a follower forwards to the leader.</summary>
    public byte[] RawBody { get; private init; } = [];

    public string RawTarget { get; private init; } = "/";

    /// <summary>The Content-Type the client sent (kept when forwarding).</summary>
    public string? ContentType { get; private init; }

    /// <summary>The request came from another instance that forwarded it (it is handled here, never forwarded again).</summary>
    public bool Forwarded { get; private init; }

    /// <summary>Bodies above this are refused (a schema is text; the registry's own limit is of this order).</summary>
    public const int MaxBodyBytes = 16 * 1024 * 1024;

    public static async Task<RegistryRequest> ReadAsync(HttpContext context)
    {
        // Subjects may hold '/', sent as %2F: split the raw path, then unescape each segment.
        var raw = context.Request.Path.HasValue ? context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value! : "/";
        var pathOnly = raw.Split('?', 2)[0];
        var segments = pathOnly.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        var query = context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        JsonNode? body = null;
        byte[] rawBody = [];
        if (context.Request.ContentLength is > MaxBodyBytes)
        {
            throw new RegistryException(413, "Request entity too large");
        }
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        if (buffer.Length > MaxBodyBytes)
        {
            throw new RegistryException(413, "Request entity too large");
        }
        if (buffer.Length > 0)
        {
            rawBody = buffer.ToArray();
            body = JsonNode.Parse(rawBody);
        }
        return new RegistryRequest(context.Request.Method, segments, query, body, context)
        {
            RawBody = rawBody,
            RawTarget = raw,
            ContentType = context.Request.ContentType,
            Forwarded = context.Request.Headers.ContainsKey(ForwardedHeader),
        };
    }

    public bool Flag(string name) => Query.TryGetValue(name, out var value) && string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);

    public string? QueryValue(string name) => Query.TryGetValue(name, out var value) ? value : null;

    /// <summary>Marks the answer as the raw schema text (GET .../schema).</summary>
    public void AnswerRawSchema()
    {
        if (_context is not null)
        {
            _context.Items[RawSchemaKey] = true;
        }
    }

    /// <summary>The schema, schemaType and references of a register, lookup or compatibility body; 42201 when the schema is missing.</summary>
    public (string Schema, string? SchemaType, IReadOnlyList<SchemaReference> References) SchemaBody()
    {
        if (Body is not JsonObject body)
        {
            throw RegistryException.InvalidSchema("Empty schema");
        }
        var schema = body["schema"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : throw RegistryException.InvalidSchema("Empty schema");
        var type = body["schemaType"]?.GetValue<string>()?.ToUpperInvariant();
        if (type == SchemaTypes.Avro)
        {
            type = null;
        }
        var references = new List<SchemaReference>();
        foreach (var reference in body["references"] as JsonArray ?? [])
        {
            if (reference is not JsonObject item || item["name"] is null || item["subject"] is null || item["version"] is null)
            {
                throw RegistryException.InvalidSchema("Invalid schema: a reference needs name, subject and version");
            }
            references.Add(new SchemaReference(item["name"]!.GetValue<string>(), item["subject"]!.GetValue<string>(), item["version"]!.GetValue<int>()));
        }
        return (schema, type, references);
    }

    public static JsonArray References(IReadOnlyList<SchemaReference> references) =>
        new(references.Select(r => (JsonNode)new JsonObject { ["name"] = r.Name, ["subject"] = r.Subject, ["version"] = r.Version }).ToArray());
}
