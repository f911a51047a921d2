using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tributary.Aws.RestJson;

namespace Tributary.Msk;

/// <summary>One MSK request after routing: the path's labels (percent-decoded), the query and the JSON body's bytes.</summary>
public sealed class MskRequest
{
    public required HttpContext Http { get; init; }

    public required IReadOnlyDictionary<string, string> Labels { get; init; }

    public required ReadOnlyMemory<byte> Body { get; init; }

    public IQueryCollection Query => Http.Request.Query;

    public string Label(string name) => Labels[name];

    /// <summary>A query parameter's single value, or null when absent.</summary>
    public string? QueryValue(string name) => Query.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;

    /// <summary>The body as <typeparamref name="T"/>: an empty body is an empty object; unreadable JSON is BadRequestException.</summary>
    public T ReadBody<T>() where T : new()
    {
        if (Body.IsEmpty)
        {
            return new T();
        }
        try
        {
            return JsonSerializer.Deserialize<T>(Body.Span, AwsRestJson.Options) ?? new T();
        }
        catch (JsonException e)
        {
            var member = e.Path is { Length: > 2 } path ? path[2..] : null;
            throw MskException.BadRequest(member is null ? "The request body is not valid JSON." : $"The request body's {member} is not valid.", member);
        }
    }
}

/// <summary>What an operation answers: a status and a body serialized as MSK's JSON (none for 204).</summary>
public sealed record MskResponse(int StatusCode, object? Body)
{
    public static MskResponse Ok(object body) => new(200, body);

    public static readonly MskResponse NoContent = new(204, null);
}

/// <summary>One MSK operation (one file per operation in Handlers/). Implementations are thread-safe.</summary>
public interface IMskOperation
{
    string Name { get; }

    Task<MskResponse> ExecuteAsync(MskRequest request);
}
