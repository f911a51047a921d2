using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tributary.Connect.Config;
using Tributary.Connect.Runtime.Herder;
using Tributary.Connect.Runtime.Plugins;
using Tributary.Connect.Runtime.Worker;

namespace Tributary.Connect.Runtime.Rest;

/// <summary>
/// Connect's REST entities as JSON, field names and order as Kafka's Jackson output (<c>runtime/rest/entities</c>):
/// ConnectorInfo, ConnectorStateInfo, TaskInfo, ConfigInfos, ConfigKeyInfo, PluginInfo, ErrorMessage. Stateless.
/// </summary>
public static class RestJson
{
    public static JsonObject Error(int status, string message) => new() { ["error_code"] = status, ["message"] = message };

    public static JsonObject ConnectorInfo(ConnectorInfo info) => new()
    {
        ["name"] = info.Name,
        ["config"] = StringMap(info.Config),
        ["tasks"] = new JsonArray([.. info.Tasks.Select(t => (JsonNode)TaskId(info.Name, t))]),
        ["type"] = info.Type,
    };

    public static JsonObject TaskId(string connector, int task) => new() { ["connector"] = connector, ["task"] = task };

    public static JsonObject Status(ConnectorStatus status) => new()
    {
        ["name"] = status.Name,
        ["connector"] = State(status.Connector, null),
        ["tasks"] = new JsonArray([.. status.Tasks.Select(t => (JsonNode)State(t.State, t.Id))]),
        ["type"] = status.Type,
    };

    /// <summary>A connector state (<paramref name="id"/> null) or a task state; <c>trace</c> left out when empty, as Kafka's @JsonInclude(NON_EMPTY).</summary>
    public static JsonObject State(StateInfo state, int? id)
    {
        var json = new JsonObject();
        if (id is { } task)
        {
            json["id"] = task;
        }
        json["state"] = state.State.ToString();
        if (!string.IsNullOrEmpty(state.Trace))
        {
            json["trace"] = state.Trace;
        }
        json["worker_id"] = state.WorkerId;
        return json;
    }

    public static JsonObject StringMap(IReadOnlyDictionary<string, string> map)
    {
        var json = new JsonObject();
        foreach (var (key, value) in map)
        {
            json[key] = value;
        }
        return json;
    }

    public static JsonObject Plugin(PluginDescriptor plugin) => new() { ["class"] = plugin.ClassName, ["type"] = plugin.TypeName, ["version"] = plugin.Version };

    public static JsonObject ConfigKeyInfo(ConfigKey key) => new()
    {
        ["name"] = key.Name,
        ["type"] = ConfigDef.TypeName(key.Type),
        ["required"] = !key.HasDefault,
        ["default_value"] = key.HasDefault ? ConfigDef.ConvertToString(key.DefaultValue, key.Type) : null,
        ["importance"] = key.Importance.ToString().ToUpperInvariant(),
        ["documentation"] = key.Documentation,
        ["group"] = key.Group,
        ["order"] = key.OrderInGroup,
        ["width"] = key.Width.ToString().ToUpperInvariant(),
        ["display_name"] = key.DisplayName ?? key.Name,
        ["dependents"] = new JsonArray([.. key.Dependents.Select(d => (JsonNode)JsonValue.Create(d)!)]),
    };

    public static JsonObject ConfigInfos(ConfigInfos infos) => new()
    {
        ["name"] = infos.Name,
        ["error_count"] = infos.ErrorCount,
        ["groups"] = new JsonArray([.. infos.Groups.Select(g => (JsonNode)JsonValue.Create(g)!)]),
        ["configs"] = new JsonArray([.. infos.Configs.Select(c => (JsonNode)new JsonObject
        {
            ["definition"] = c.Definition is null ? null : ConfigKeyInfo(c.Definition),
            ["value"] = new JsonObject
            {
                ["name"] = c.Value.Name,
                ["value"] = ValueText(c.Value.Value, c.Definition?.Type),
                ["recommended_values"] = new JsonArray([.. c.Value.RecommendedValues.Select(v => (JsonNode)JsonValue.Create(ValueText(v, c.Definition?.Type))!)]),
                ["errors"] = new JsonArray([.. c.Value.ErrorMessages.Select(m => (JsonNode)JsonValue.Create(m)!)]),
                ["visible"] = c.Value.Visible,
            },
        })]),
    };

    /// <summary>A JSON value of a connector offset map entry (strings, longs, doubles, booleans as themselves).</summary>
    public static JsonNode? OffsetValue(object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        long l => JsonValue.Create(l),
        int i => JsonValue.Create(i),
        double d => JsonValue.Create(d),
        float f => JsonValue.Create(f),
        IReadOnlyDictionary<string, object?> map => OffsetMap(map),
        _ => JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture)),
    };

    public static JsonObject OffsetMap(IReadOnlyDictionary<string, object?> map)
    {
        var json = new JsonObject();
        foreach (var (key, value) in map)
        {
            json[key] = OffsetValue(value);
        }
        return json;
    }

    /// <summary>A JSON element of a request body as a Connect offset value (integers long, other numbers double).</summary>
    public static object? FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null => null,
        JsonValueKind.Number => element.TryGetInt64(out var l) ? (object)l : element.GetDouble(),
        JsonValueKind.Object => element.EnumerateObject().ToDictionary(p => p.Name, p => FromJson(p.Value), StringComparer.Ordinal),
        _ => throw new BadRequestException("Offset values must be primitive types"),
    };

    private static string? ValueText(object? value, ConfigType? type) =>
        value switch
        {
            null => null,
            string s => s,
            _ when type is { } t => ConfigDef.ConvertToString(value, t),
            _ => Convert.ToString(value, CultureInfo.InvariantCulture),
        };
}
