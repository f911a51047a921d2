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
/// <c>POST /connectors/{name}/tasks/{id}/restart</c>; the creation wizard's <c>POST /connectors/plugins/{class}/validate</c>
/// (Connect's <c>PUT /connector-plugins/{class}/config/validate</c>, answered as one entry per key with its definition,
/// value and errors: <see cref="Validation"/>), <c>POST /connectors</c> (<c>{"name", "config"}</c>, Connect's create)
/// and <c>DELETE /connectors/{name}</c>. Connect's answers pass through: its status code, and its <c>message</c> as the
/// console's error message.
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
        api.MapPost("/connectors/plugins/{plugin}/validate", async (string plugin, HttpRequest request) =>
        {
            var (config, invalid) = await ConfigBodyAsync(request).ConfigureAwait(false);
            if (config is null)
            {
                return invalid!;
            }
            var (status, body, error) = await CallAsync(connect, HttpMethod.Put, $"connector-plugins/{Uri.EscapeDataString(plugin)}/config/validate", request.HttpContext.RequestAborted, config).ConfigureAwait(false);
            return error ?? Results.Json(Validation(body!.Value), statusCode: status);
        });
        api.MapPost("/connectors", async (HttpRequest request) =>
        {
            var (body, invalid) = await ConfigBodyAsync(request).ConfigureAwait(false);
            if (body is null)
            {
                return invalid!;
            }
            var (status, created, error) = await CallAsync(connect, HttpMethod.Post, "connectors", request.HttpContext.RequestAborted, body).ConfigureAwait(false);
            return error ?? Results.Json(created, statusCode: status);
        });
        api.MapDelete("/connectors/{name}", (string name, HttpRequest request) =>
            PassAsync(connect, HttpMethod.Delete, "connectors/" + Uri.EscapeDataString(name), request));
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

    /// <summary>One configuration key of a validation answer: its definition (null for a key no definition names) and the value's state.</summary>
    internal sealed record KeyView(
        string Name, string Group, int Order, string DisplayName, string Type, bool Required, string? Default, string Importance,
        string? Documentation, string? Value, IReadOnlyList<string> Errors, IReadOnlyList<string> Recommended, bool Visible);

    internal sealed record ValidationView(string? Name, int ErrorCount, IReadOnlyList<string> Groups, IReadOnlyList<KeyView> Configs);

    /// <summary>
    /// Connect's ConfigInfos (<c>{"name", "error_count", "groups", "configs": [{"definition": {...}, "value": {...}}]}</c>)
    /// as the wizard draws it: keys in their group's order (groups as Connect lists them, keys by their <c>order</c>
    /// within a group, then by name); a key without a group goes to "Other".
    /// </summary>
    internal static ValidationView Validation(JsonElement infos)
    {
        var groups = new List<string>();
        if (infos.TryGetProperty("groups", out var g) && g.ValueKind == JsonValueKind.Array)
        {
            groups.AddRange(g.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!));
        }
        var keys = new List<KeyView>();
        if (infos.TryGetProperty("configs", out var configs) && configs.ValueKind == JsonValueKind.Array)
        {
            foreach (var config in configs.EnumerateArray())
            {
                var definition = config.TryGetProperty("definition", out var d) ? d : default;
                var value = config.TryGetProperty("value", out var v) ? v : default;
                var name = Text(value, "name") ?? Text(definition, "name");
                if (name is null)
                {
                    continue;
                }
                var group = Text(definition, "group") is { Length: > 0 } named ? named : "Other";
                if (!groups.Contains(group))
                {
                    groups.Add(group);
                }
                keys.Add(new KeyView(
                    name, group,
                    definition.ValueKind == JsonValueKind.Object && definition.TryGetProperty("order", out var o) && o.TryGetInt32(out var order) ? order : int.MaxValue,
                    Text(definition, "display_name") is { Length: > 0 } display ? display : name,
                    Text(definition, "type") ?? "STRING",
                    definition.ValueKind == JsonValueKind.Object && definition.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.True,
                    Text(definition, "default_value"),
                    Text(definition, "importance") ?? "LOW",
                    Text(definition, "documentation"),
                    Text(value, "value"),
                    Strings(value, "errors"),
                    Strings(value, "recommended_values"),
                    value.ValueKind != JsonValueKind.Object || !value.TryGetProperty("visible", out var visible) || visible.ValueKind != JsonValueKind.False));
            }
        }
        keys.Sort((a, b) =>
        {
            var byGroup = groups.IndexOf(a.Group).CompareTo(groups.IndexOf(b.Group));
            return byGroup != 0 ? byGroup : a.Order != b.Order ? a.Order.CompareTo(b.Order) : string.CompareOrdinal(a.Name, b.Name);
        });
        var errorCount = infos.TryGetProperty("error_count", out var count) && count.TryGetInt32(out var n) ? n : keys.Sum(k => k.Errors.Count > 0 ? 1 : 0);
        return new ValidationView(Text(infos, "name"), errorCount, groups, keys);
    }

    private static string[] Strings(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
            ? [.. array.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!)]
            : [];

    /// <summary>A JSON object body (a configuration map, or a create request), passed on to Connect as it is.</summary>
    private static async Task<(JsonElement? Body, IResult? Error)> ConfigBodyAsync(HttpRequest request)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted).ConfigureAwait(false);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? (document.RootElement.Clone(), null)
                : (null, Query.Error(400, "InvalidRequest", "The body must be a JSON object."));
        }
        catch (JsonException e)
        {
            return (null, Query.Error(400, "InvalidRequest", "The body is not JSON: " + e.Message));
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static async Task<IResult> PassAsync(Func<Uri?> connect, HttpMethod method, string path, HttpRequest request)
    {
        var (status, body, error) = await CallAsync(connect, method, path, request.HttpContext.RequestAborted).ConfigureAwait(false);
        return error ?? (body is { } json ? Results.Json(json, statusCode: status) : Results.StatusCode(status));
    }

    /// <summary>Calls the worker; a failure becomes the console's error body (503 when the worker cannot be reached).</summary>
    private static async Task<(int Status, JsonElement? Body, IResult? Error)> CallAsync(Func<Uri?> connect, HttpMethod method, string path, CancellationToken cancellationToken, JsonElement? content = null)
    {
        if (connect() is not { } root)
        {
            return (503, null, Query.Error(503, "ConnectUnavailable", "Connect is not running on this server (connect.port is off)."));
        }
        try
        {
            using var outgoing = new HttpRequestMessage(method, new Uri(root, path));
            if (content is { } json)
            {
                outgoing.Content = new StringContent(json.GetRawText(), System.Text.Encoding.UTF8, "application/json");
            }
            using var response = await Http.SendAsync(outgoing, cancellationToken).ConfigureAwait(false);
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
