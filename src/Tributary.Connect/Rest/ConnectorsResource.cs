using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tributary.Connect.Runtime.Config;
using Tributary.Connect.Runtime.Herder;
using Tributary.Connect.Runtime.Worker;

namespace Tributary.Connect.Runtime.Rest;

/// <summary>
/// <c>/connectors</c> and everything under it (Kafka's <c>ConnectorsResource</c>): list with <c>expand</c>, create with
/// <c>initial_state</c>, info, config GET/PUT/PATCH, status, tasks, task status and restart, connector restart
/// (KIP-745), pause/resume/stop, delete, offsets GET/PATCH/DELETE (KIP-875) and active topics (KIP-558), with Kafka's
/// status codes and messages. Standalone mode: no forwarding.
/// </summary>
public sealed class ConnectorsResource(IHerder herder)
{
    public async Task<RestResponse> HandleAsync(RestRequest request, CancellationToken cancellationToken)
    {
        var s = request.Segments;
        var method = request.Method;
        if (s.Count == 1)
        {
            return method switch
            {
                "GET" => List(request),
                "POST" => await CreateAsync(request, cancellationToken).ConfigureAwait(false),
                _ => throw RootResource.MethodNotAllowed(),
            };
        }
        var name = s[1];
        if (s.Count == 2)
        {
            switch (method)
            {
                case "GET":
                    return new RestResponse(200, RestJson.ConnectorInfo(herder.Info(name)));
                case "DELETE":
                    await herder.DeleteConnectorAsync(name, cancellationToken).ConfigureAwait(false);
                    return new RestResponse(204);
                default:
                    throw RootResource.MethodNotAllowed();
            }
        }
        var action = s[2];
        if (s.Count == 3)
        {
            switch (action, method)
            {
                case ("config", "GET"):
                    return new RestResponse(200, RestJson.StringMap(herder.Config(name)));
                case ("config", "PUT"):
                    return await PutConfigAsync(request, name, cancellationToken).ConfigureAwait(false);
                case ("config", "PATCH"):
                    return await PatchConfigAsync(request, name, cancellationToken).ConfigureAwait(false);
                case ("status", "GET"):
                    return new RestResponse(200, RestJson.Status(herder.Status(name)));
                case ("tasks", "GET"):
                    return new RestResponse(200, new JsonArray([.. herder.TaskConfigs(name).Select(t => (JsonNode)new JsonObject { ["id"] = RestJson.TaskId(name, t.Id), ["config"] = RestJson.StringMap(t.Config) })]));
                case ("tasks-config", "GET"):
                    var tasksConfig = new JsonObject();
                    foreach (var (id, config) in herder.TaskConfigs(name))
                    {
                        tasksConfig[$"{name}-{id}"] = RestJson.StringMap(config);
                    }
                    return new RestResponse(200, tasksConfig);
                case ("restart", "POST"):
                    return await RestartAsync(request, name, cancellationToken).ConfigureAwait(false);
                case ("pause", "PUT"):
                    await herder.SetTargetStateAsync(name, TargetState.PAUSED, cancellationToken).ConfigureAwait(false);
                    return new RestResponse(202);
                case ("resume", "PUT"):
                    await herder.SetTargetStateAsync(name, TargetState.STARTED, cancellationToken).ConfigureAwait(false);
                    return new RestResponse(202);
                case ("stop", "PUT"):
                    await herder.SetTargetStateAsync(name, TargetState.STOPPED, cancellationToken).ConfigureAwait(false);
                    return new RestResponse(204);
                case ("offsets", "GET"):
                    return await GetOffsetsAsync(name, cancellationToken).ConfigureAwait(false);
                case ("offsets", "PATCH"):
                    return await AlterOffsetsAsync(request, name, cancellationToken).ConfigureAwait(false);
                case ("offsets", "DELETE"):
                    return new RestResponse(200, new JsonObject { ["message"] = await herder.ModifyOffsetsAsync(name, null, cancellationToken).ConfigureAwait(false) });
                case ("topics", "GET"):
                    RequireTopicTracking(reset: false);
                    return new RestResponse(200, new JsonObject { [name] = new JsonObject { ["topics"] = new JsonArray([.. herder.ActiveTopics(name).Select(t => (JsonNode)JsonValue.Create(t)!)]) } });
                case ("config" or "status" or "tasks" or "tasks-config" or "restart" or "pause" or "resume" or "stop" or "offsets" or "topics", _):
                    throw RootResource.MethodNotAllowed();
            }
        }
        if (s.Count == 4 && action == "topics" && s[3] == "reset")
        {
            if (method != "PUT")
            {
                throw RootResource.MethodNotAllowed();
            }
            RequireTopicTracking(reset: true);
            await herder.ResetActiveTopicsAsync(name, cancellationToken).ConfigureAwait(false);
            return new RestResponse(202);
        }
        if (s.Count is 5 && action == "tasks")
        {
            if (!int.TryParse(s[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var task))
            {
                throw new ConnectRestException(404, "HTTP 404 Not Found");
            }
            switch (s[4], method)
            {
                case ("status", "GET"):
                    return new RestResponse(200, RestJson.State(herder.TaskStatus(name, task), task));
                case ("restart", "POST"):
                    await herder.RestartTaskAsync(name, task, cancellationToken).ConfigureAwait(false);
                    return new RestResponse(204);
                case ("status" or "restart", _):
                    throw RootResource.MethodNotAllowed();
            }
        }
        throw new ConnectRestException(404, "HTTP 404 Not Found");
    }

    private RestResponse List(RestRequest request)
    {
        var names = herder.ConnectorNames();
        var expand = request.Query.TryGetValue("expand", out var values) ? values.Where(v => v is "status" or "info").ToHashSet() : [];
        if (expand.Count == 0)
        {
            return new RestResponse(200, new JsonArray([.. names.Select(n => (JsonNode)JsonValue.Create(n)!)]));
        }
        var result = new JsonObject();
        foreach (var name in names)
        {
            var entry = new JsonObject();
            try
            {
                if (expand.Contains("status"))
                {
                    entry["status"] = RestJson.Status(herder.Status(name));
                }
                if (expand.Contains("info"))
                {
                    entry["info"] = RestJson.ConnectorInfo(herder.Info(name));
                }
            }
            catch (Tributary.Connect.Errors.NotFoundException)
            {
                continue;
            }
            result[name] = entry;
        }
        return new RestResponse(200, result);
    }

    private async Task<RestResponse> CreateAsync(RestRequest request, CancellationToken cancellationToken)
    {
        using var body = await request.JsonBodyAsync(cancellationToken).ConfigureAwait(false);
        var root = body.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new BadRequestException("Request body must be a JSON object with \"name\" and \"config\"");
        }
        var name = root.TryGetProperty("name", out var nameElement) && nameElement.ValueKind == JsonValueKind.String ? nameElement.GetString()!.Trim() : null;
        if (name is null)
        {
            throw new BadRequestException("Connector name must be specified");
        }
        if (!root.TryGetProperty("config", out var configElement) || configElement.ValueKind != JsonValueKind.Object)
        {
            throw new BadRequestException("Connector config must be specified");
        }
        var initial = TargetState.STARTED;
        if (root.TryGetProperty("initial_state", out var stateElement) && stateElement.ValueKind != JsonValueKind.Null)
        {
            initial = stateElement.GetString()?.ToUpperInvariant() switch
            {
                "RUNNING" => TargetState.STARTED,
                "PAUSED" => TargetState.PAUSED,
                "STOPPED" => TargetState.STOPPED,
                _ => throw new BadRequestException("Invalid initial state: " + stateElement.GetRawText() + "; must be one of RUNNING, PAUSED, STOPPED"),
            };
        }
        var config = StringMap(configElement, "Connector configuration");
        CheckName(name, config);
        var (info, _) = await herder.PutConnectorConfigAsync(name, config, allowReplace: false, initial, cancellationToken).ConfigureAwait(false);
        return new RestResponse(201, RestJson.ConnectorInfo(info)) { Headers = [("Location", "/connectors/" + Uri.EscapeDataString(name))] };
    }

    private async Task<RestResponse> PutConfigAsync(RestRequest request, string name, CancellationToken cancellationToken)
    {
        using var body = await request.JsonBodyAsync(cancellationToken).ConfigureAwait(false);
        var config = StringMap(body.RootElement, "Connector configuration");
        CheckName(name, config);
        var (info, created) = await herder.PutConnectorConfigAsync(name, config, allowReplace: true, TargetState.STARTED, cancellationToken).ConfigureAwait(false);
        var response = new RestResponse(created ? 201 : 200, RestJson.ConnectorInfo(info));
        return created ? response with { Headers = [("Location", "/connectors/" + Uri.EscapeDataString(name))] } : response;
    }

    private async Task<RestResponse> PatchConfigAsync(RestRequest request, string name, CancellationToken cancellationToken)
    {
        using var body = await request.JsonBodyAsync(cancellationToken).ConfigureAwait(false);
        if (body.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new BadRequestException("Connector configuration patch must be a JSON object");
        }
        var merged = new Dictionary<string, string>(herder.Config(name), StringComparer.Ordinal);
        foreach (var property in body.RootElement.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Null)
            {
                merged.Remove(property.Name);
            }
            else
            {
                merged[property.Name] = Text(property.Value, "Connector configuration");
            }
        }
        CheckName(name, merged);
        var (info, _) = await herder.PutConnectorConfigAsync(name, merged, allowReplace: true, TargetState.STARTED, cancellationToken).ConfigureAwait(false);
        return new RestResponse(200, RestJson.ConnectorInfo(info));
    }

    private async Task<RestResponse> RestartAsync(RestRequest request, string name, CancellationToken cancellationToken)
    {
        var includeTasks = request.QueryFlag("includeTasks", false);
        var onlyFailed = request.QueryFlag("onlyFailed", false);
        var plan = await herder.RestartAsync(name, includeTasks, onlyFailed, cancellationToken).ConfigureAwait(false);
        return !includeTasks && !onlyFailed ? new RestResponse(204) : new RestResponse(202, RestJson.Status(plan));
    }

    private async Task<RestResponse> GetOffsetsAsync(string name, CancellationToken cancellationToken)
    {
        var offsets = await herder.OffsetsAsync(name, cancellationToken).ConfigureAwait(false);
        var list = new JsonArray([.. offsets.Select(o => (JsonNode)new JsonObject
        {
            ["partition"] = RestJson.OffsetMap(o.Partition),
            ["offset"] = o.Offset is null ? null : RestJson.OffsetMap(o.Offset),
        })]);
        return new RestResponse(200, new JsonObject { ["offsets"] = list });
    }

    private async Task<RestResponse> AlterOffsetsAsync(RestRequest request, string name, CancellationToken cancellationToken)
    {
        using var body = await request.JsonBodyAsync(cancellationToken).ConfigureAwait(false);
        var root = body.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("offsets", out var offsetsElement) || offsetsElement.ValueKind != JsonValueKind.Array || offsetsElement.GetArrayLength() == 0)
        {
            throw new BadRequestException("Partitions / offsets need to be provided for an alter offsets request");
        }
        var changes = new List<(Dictionary<string, object?> Partition, Dictionary<string, object?>? Offset)>();
        foreach (var entry in offsetsElement.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object || !entry.TryGetProperty("partition", out var partition) || partition.ValueKind != JsonValueKind.Object)
            {
                throw new BadRequestException("The partition for a source connector offset cannot be null or missing");
            }
            var offset = entry.TryGetProperty("offset", out var offsetElement) ? offsetElement : default;
            changes.Add(((Dictionary<string, object?>)RestJson.FromJson(partition)!, offset.ValueKind is JsonValueKind.Object ? (Dictionary<string, object?>)RestJson.FromJson(offset)! : offset.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? null : throw new BadRequestException("Offsets must be JSON objects or null")));
        }
        return new RestResponse(200, new JsonObject { ["message"] = await herder.ModifyOffsetsAsync(name, changes, cancellationToken).ConfigureAwait(false) });
    }

    private void RequireTopicTracking(bool reset)
    {
        var worker = herder.WorkerConfig;
        if (!worker.GetBoolean(WorkerConfig.TopicTrackingEnable))
        {
            throw new ConnectRestException(403, reset ? "Topic tracking is disabled." : "Topic tracking is disabled.");
        }
        if (reset && !worker.GetBoolean(WorkerConfig.TopicTrackingAllowReset))
        {
            throw new ConnectRestException(403, "Topic tracking reset is disabled.");
        }
    }

    /// <summary>Kafka's checkAndPutConnectorConfigName: the name may not be empty, and config.name must equal it.</summary>
    private static void CheckName(string name, Dictionary<string, string> config)
    {
        if (name.Trim().Length == 0)
        {
            throw new BadRequestException("Connector name cannot be empty");
        }
        if (config.TryGetValue(ConnectorConfig.Name, out var included))
        {
            if (included != name)
            {
                throw new BadRequestException("Connector name configuration (" + included + ") doesn't match connector name in the URL (" + name + ")");
            }
        }
        else
        {
            config[ConnectorConfig.Name] = name;
        }
    }

    /// <summary>A JSON object of strings (numbers and booleans are taken as their text, as Jackson does for Map&lt;String,String&gt;).</summary>
    public static Dictionary<string, string> StringMap(JsonElement element, string what)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new BadRequestException(what + " must be a JSON object of strings");
        }
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }
            map[property.Name] = Text(property.Value, what);
        }
        return map;
    }

    private static string Text(JsonElement value, string what) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        _ => throw new BadRequestException(what + " values must be strings"),
    };
}
