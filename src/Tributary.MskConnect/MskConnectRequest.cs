using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tributary.Aws.RestJson;

namespace Tributary.MskConnect;

/// <summary>One MSK Connect request after routing: the path's labels (percent-decoded), the query and the JSON body.</summary>
public sealed class MskConnectRequest
{
    public required HttpContext Http { get; init; }

    public required IReadOnlyDictionary<string, string> Labels { get; init; }

    public required ReadOnlyMemory<byte> Body { get; init; }

    public string Label(string name) => Labels[name];

    /// <summary>A query parameter's single value, or null when absent.</summary>
    public string? QueryValue(string name) =>
        Http.Request.Query.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;

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
            throw MskConnectException.BadRequest(member is null ? "The request body is not valid JSON." : $"The request body's {member} is not valid.");
        }
    }
}

/// <summary>What an operation answers: every MSK Connect operation answers 200 with a JSON body.</summary>
public sealed record MskConnectResponse(object Body);

/// <summary>One MSK Connect operation (one file per operation in Handlers/). Implementations are thread-safe.</summary>
public interface IMskConnectOperation
{
    string Name { get; }

    Task<MskConnectResponse> ExecuteAsync(MskConnectRequest request);
}
