using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tributary.Connect.Runtime.Rest;

/// <summary>
/// <c>/admin/loggers</c> (KIP-495): the levels of named loggers, kept here and reported as Kafka does
/// (<c>{"logger":{"level","last_modified"}}</c>). Levels are Log4j's names. The root logger starts at INFO.
/// Thread-safe (one lock).
/// </summary>
public sealed class LoggersResource
{
    private static readonly HashSet<string> Levels = ["OFF", "FATAL", "ERROR", "WARN", "INFO", "DEBUG", "TRACE", "ALL"];
    private readonly Lock _lock = new();
    private readonly SortedDictionary<string, (string Level, long? LastModified)> _loggers = new(StringComparer.Ordinal) { ["root"] = ("INFO", null) };

    public async Task<RestResponse> HandleAsync(RestRequest request, CancellationToken cancellationToken)
    {
        var segments = request.Segments;
        if (segments.Count == 2 && request.Method == "GET")
        {
            lock (_lock)
            {
                var all = new JsonObject();
                foreach (var (name, (current, modified)) in _loggers)
                {
                    all[name] = new JsonObject { ["level"] = current, ["last_modified"] = modified };
                }
                return new RestResponse(200, all);
            }
        }
        if (segments.Count != 3)
        {
            throw new ConnectRestException(404, "HTTP 404 Not Found");
        }
        var logger = segments[2];
        if (request.Method == "GET")
        {
            lock (_lock)
            {
                return _loggers.TryGetValue(logger, out var found)
                    ? new RestResponse(200, new JsonObject { ["level"] = found.Level, ["last_modified"] = found.LastModified })
                    : throw new ConnectRestException(404, "Logger " + logger + " not found.");
            }
        }
        if (request.Method != "PUT")
        {
            throw RootResource.MethodNotAllowed();
        }
        using var body = await request.JsonBodyAsync(cancellationToken).ConfigureAwait(false);
        if (body.RootElement.ValueKind != JsonValueKind.Object || !body.RootElement.TryGetProperty("level", out var levelElement) || levelElement.ValueKind != JsonValueKind.String)
        {
            throw new BadRequestException("Desired 'level' parameter was not specified in request.");
        }
        var level = levelElement.GetString()!.ToUpperInvariant();
        if (!Levels.Contains(level))
        {
            throw new ConnectRestException(404, "invalid log level '" + levelElement.GetString() + "'.");
        }
        var scope = request.Query.TryGetValue("scope", out var scopes) ? scopes[0] ?? "worker" : "worker";
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        lock (_lock)
        {
            var affected = new JsonArray();
            foreach (var name in _loggers.Keys.Where(n => n == logger || n.StartsWith(logger + ".", StringComparison.Ordinal) || logger == "root").ToList())
            {
                _loggers[name] = (level, now);
                affected.Add(name);
            }
            if (!_loggers.ContainsKey(logger))
            {
                _loggers[logger] = (level, now);
                affected.Add(logger);
            }
            return string.Equals(scope, "cluster", StringComparison.OrdinalIgnoreCase) ? new RestResponse(204) : new RestResponse(200, affected);
        }
    }
}
