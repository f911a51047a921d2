using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Tributary.WebConsole.Api;

/// <summary>
/// Connectors, through the Connect worker's own REST API (Kafka 3.9's, served by serve's embedded worker):
/// <c>GET /connectors</c> (paged; type, state, tasks by state), <c>GET /connectors/plugins</c>,
/// <c>GET /connectors/{name}</c> (status with each task's state and trace, and the config), and the actions
/// <c>POST /connectors/{name}/pause|resume|stop|restart</c> (restart includes the tasks) and
/// <c>POST /connectors/{name}/tasks/{id}/restart</c>. Connect's answers pass through: its status code, and its
/// <c>message</c> as the console's error message.
/// </summary>
internal static class ConnectorsApi
{
    /// <summary>One client for the loopback worker; its timeout bounds a page's wait on a stuck worker.</summary>
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public static void Map(IEndpointRouteBuilder api, Func<Uri?> connect)
    {
        api.MapGet("/connectors", async (HttpRequest request) =>
        {
            var (status, body, error) = await CallAsync(connect, HttpMethod.Get, "connectors?expand=status&expand=info", request.HttpContext.RequestAborted).ConfigureAwait(false);
            return error ?? Results.Json(List(body!.Value, Paging.From(request)), statusCode: status);
        });
        api.MapGet("/connectors/plugins", (HttpRequest request) => PassAsync(connect, HttpMethod.Get, "connector-plugins?connectorsOnly=true", request));
        api.MapGet("/connectors/{name}", async (string name, HttpRequest request) =>
        {
            var path = "connectors/" + Uri.EscapeDataString(name);
            var (status, state, error) = await CallAsync(connect, HttpMethod.Get, path + "/status", request.HttpContext.RequestAborted).ConfigureAwait(false);
            if (error is not null)
            {
                return error;
            }
            var (_, config, configError) = await CallAsync(connect, HttpMethod.Get, path + "/config", request.HttpContext.RequestAborted).ConfigureAwait(false);
            return configError ?? Results.Json(new { Status = state, Config = config }, statusCode: status);
        });
        foreach (var (action, method, suffix) in new[]
        {
            ("pause", HttpMethod.Put, "/pause"),
            ("resume", HttpMethod.Put, "/resume"),
            ("stop", HttpMethod.Put, "/stop"),
            ("restart", HttpMethod.Post, "/restart?includeTasks=true&onlyFailed=false"),
        })
        {
            api.MapPost("/connectors/{name}/" + action, (string name, HttpRequest request) =>
                PassAsync(connect, method, "connectors/" + Uri.EscapeDataString(name) + suffix, request));
        }
        api.MapPost("/connectors/{name}/tasks/{task:int}/restart", (string name, int task, HttpRequest request) =>
            PassAsync(connect, HttpMethod.Post, $"connectors/{Uri.EscapeDataString(name)}/tasks/{task}/restart", request));
    }

    internal sealed record ConnectorRow(string Name, string Type, string State, string? WorkerId, int Tasks, int RunningTasks, int FailedTasks, string? ConnectorClass);

    /// <summary>Rows from Connect's <c>GET /connectors?expand=status&amp;expand=info</c> map (connector name → {status, info}).</summary>
    internal static Page<ConnectorRow> List(JsonElement expanded, Paging paging)
    {
        var rows = new List<ConnectorRow>();
        if (expanded.ValueKind == JsonValueKind.Object)
        {
            foreach (var connector in expanded.EnumerateObject())
            {
                if (!paging.Matches(connector.Name))
                {
                    continue;
                }
                var status = connector.Value.TryGetProperty("status", out var s) ? s : default;
                var info = connector.Value.TryGetProperty("info", out var i) ? i : default;
                var state = status.ValueKind == JsonValueKind.Object && status.TryGetProperty("connector", out var c) ? c : default;
                var tasks = status.ValueKind == JsonValueKind.Object && status.TryGetProperty("tasks", out var t) && t.ValueKind == JsonValueKind.Array ? [.. t.EnumerateArray()] : Array.Empty<JsonElement>();
                rows.Add(new ConnectorRow(
                    connector.Name,
                    Text(status, "type") ?? Text(info, "type") ?? "unknown",
                    Text(state, "state") ?? "UNKNOWN",
                    Text(state, "worker_id"),
                    tasks.Length,
                    tasks.Count(task => Text(task, "state") == "RUNNING"),
                    tasks.Count(task => Text(task, "state") == "FAILED"),
                    info.ValueKind == JsonValueKind.Object && info.TryGetProperty("config", out var config) ? Text(config, "connector.class") : null));
            }
        }
        rows.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return paging.Apply(rows);
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static async Task<IResult> PassAsync(Func<Uri?> connect, HttpMethod method, string path, HttpRequest request)
    {
        var (status, body, error) = await CallAsync(connect, method, path, request.HttpContext.RequestAborted).ConfigureAwait(false);
        return error ?? (body is { } json ? Results.Json(json, statusCode: status) : Results.StatusCode(status));
    }

    /// <summary>Calls the worker; a failure becomes the console's error body (503 when the worker cannot be reached).</summary>
    private static async Task<(int Status, JsonElement? Body, IResult? Error)> CallAsync(Func<Uri?> connect, HttpMethod method, string path, CancellationToken cancellationToken)
    {
        if (connect() is not { } root)
        {
            return (503, null, Query.Error(503, "ConnectUnavailable", "Connect is not running on this server (connect.port is off)."));
        }
        try
        {
            using var response = await Http.SendAsync(new HttpRequestMessage(method, new Uri(root, path)), cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            JsonElement? body = null;
            if (text.Length > 0)
            {
                using var document = JsonDocument.Parse(text);
                body = document.RootElement.Clone();
            }
            var status = (int)response.StatusCode;
            if (status >= 400)
            {
                var message = body is { ValueKind: JsonValueKind.Object } b && b.TryGetProperty("message", out var m) ? m.GetString() : null;
                return (status, body, Query.Error(status, "Connect" + status, message ?? $"Connect answered {status} {response.ReasonPhrase}."));
            }
            return (status, body, null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return (502, null, Query.Error(502, "ConnectUnreachable", $"Cannot reach the Connect worker at {root}: {e.Message}"));
        }
    }
}
