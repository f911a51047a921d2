using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Tributary.Connect.Runtime.Rest;

/// <summary>
/// Re-sends a request to the worker that must serve it (Kafka's <c>HerderRequestHandler</c> forwarding): same method,
/// path, query and body to <c>&lt;target&gt;&lt;path&gt;?forward=…</c>. The first hop sends <c>forward=true</c>, the
/// second <c>forward=false</c>; a request that arrives with <c>forward=false</c> and still is not ours fails with 409
/// (the group is moving). The answer (status and body) goes back unchanged. Thread-safe (one shared HttpClient).
/// </summary>
public static class RestForwarder
{
    private static readonly HttpClient Http = new() { Timeout = ConnectRestServer.RequestTimeout };

    public static async Task<RestResponse> ForwardAsync(HttpContext context, string target, CancellationToken cancellationToken)
    {
        var query = QueryHelpers.ParseQuery(context.Request.QueryString.Value);
        var hop = query.TryGetValue("forward", out var forward) ? forward.ToString() : null;
        if (string.Equals(hop, "false", StringComparison.OrdinalIgnoreCase))
        {
            throw new ConnectRestException(409, "Cannot complete request because of a conflicting operation (e.g. worker rebalance)");
        }
        var parameters = query.Where(q => q.Key != "forward").SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v))).ToList();
        parameters.Add(new("forward", hop is null ? "true" : "false"));
        var uri = QueryHelpers.AddQueryString(target.TrimEnd('/') + (context.Request.Path.Value ?? "/"), parameters);
        using var message = new HttpRequestMessage(new HttpMethod(context.Request.Method), uri);
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, cancellationToken).ConfigureAwait(false);
        if (body.Length > 0)
        {
            message.Content = new ByteArrayContent(body.ToArray());
            message.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }
        HttpResponseMessage answer;
        try
        {
            answer = await Http.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new ConnectRestException(409, $"Cannot complete request momentarily: the worker at {target} that must serve it is not reachable ({e.Message}), likely because a rebalance is underway.");
        }
        using (answer)
        {
            var text = await answer.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var headers = answer.Headers.Location is { } location ? new[] { ("Location", location.ToString()) } : [];
            return new RestResponse((int)answer.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text)) { Headers = headers };
        }
    }
}
