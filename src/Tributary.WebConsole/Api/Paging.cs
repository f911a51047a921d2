using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Tributary.WebConsole.Api;

/// <summary>
/// Server-side paging of the console's lists: <c>?offset=N&amp;limit=M&amp;search=text</c>. The limit is capped so
/// that one request stays cheap however many items exist (10,000 topics answer one page, not 10,000 rows).
/// </summary>
internal readonly record struct Paging(int Offset, int Limit, string? Search)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 1000;

    public static Paging From(HttpRequest request) => new(
        Math.Max(0, Query.Int(request, "offset") ?? 0),
        Math.Clamp(Query.Int(request, "limit") ?? DefaultLimit, 1, MaxLimit),
        request.Query["search"].FirstOrDefault() is { Length: > 0 } search ? search : null);

    public bool Matches(string name) => Search is null || name.Contains(Search, StringComparison.OrdinalIgnoreCase);

    /// <summary>The page of <paramref name="items"/> (already filtered and ordered) with the total count.</summary>
    public Page<T> Apply<T>(IReadOnlyList<T> items)
    {
        var start = Math.Min(Offset, items.Count);
        var count = Math.Min(Limit, items.Count - start);
        var page = new T[count];
        for (var i = 0; i < count; i++)
        {
            page[i] = items[start + i];
        }
        return new Page<T>(items.Count, Offset, Limit, page);
    }
}

/// <summary>One page of a list: <c>total</c> items match, <c>items</c> are those from <c>offset</c>.</summary>
internal sealed record Page<T>(int Total, int Offset, int Limit, IReadOnlyList<T> Items);

/// <summary>Query-string and error-body helpers the API files share.</summary>
internal static class Query
{
    public static int? Int(HttpRequest request, string name) =>
        int.TryParse(request.Query[name].FirstOrDefault(), out var value) ? value : null;

    /// <summary>The request's JSON body as <typeparamref name="T"/>, or (body null) the 400 answer that names <paramref name="what"/> when it is not one.</summary>
    public static async Task<(T? Body, IResult? Error)> BodyAsync<T>(HttpRequest request, string what)
        where T : class
    {
        try
        {
            var body = await request.ReadFromJsonAsync<T>(request.HttpContext.RequestAborted).ConfigureAwait(false);
            return body is null ? (null, Error(400, "InvalidRequest", $"The body is not {what}.")) : (body, null);
        }
        catch (JsonException e)
        {
            return (null, Error(400, "InvalidRequest", $"The body is not {what}: {e.Message}"));
        }
    }

    public static long? Long(HttpRequest request, string name) =>
        long.TryParse(request.Query[name].FirstOrDefault(), out var value) ? value : null;

    /// <summary>
    /// The console's error body: <c>{"error": code, "message": text, "fields": [{"field", "message"}]}</c>. The
    /// message is the server's own (a Kafka error's text, AWS's validation message) so the page shows it verbatim.
    /// </summary>
    public static IResult Error(int status, string code, string message, IReadOnlyList<FieldError>? fields = null) =>
        Results.Json(new ErrorBody(code, message, fields ?? []), statusCode: status);
}

internal sealed record ErrorBody(string Error, string Message, IReadOnlyList<FieldError> Fields);

/// <summary>A message that belongs beside one form field (<c>field</c> is the request member's path, e.g. <c>deliveryStreamName</c>).</summary>
internal sealed record FieldError(string Field, string Message);
