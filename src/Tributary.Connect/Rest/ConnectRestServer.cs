using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tributary.Connect.Errors;
using Tributary.Connect.Runtime.Herder;

namespace Tributary.Connect.Runtime.Rest;

/// <summary>
/// The Connect REST API on Kestrel (Kafka's <c>ConnectRestServer</c>): routes each request to its resource
/// (<see cref="RootResource"/>, <see cref="ConnectorsResource"/>, <see cref="ConnectorPluginsResource"/>,
/// <see cref="LoggersResource"/>), and maps every failure to Connect's <c>{"error_code","message"}</c> body:
/// NotFound 404, AlreadyExists 409, BadRequest 400, ConnectRestException its status, a request that outlives
/// <see cref="RequestTimeout"/> 500 "Request timed out", anything else 500. No exception reaches Kestrel.
/// </summary>
public sealed class ConnectRestServer : IAsyncDisposable
{
    /// <summary>Kafka's RestServer.DEFAULT_REST_REQUEST_TIMEOUT_MS.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(90);

    private readonly WebApplication _app;

    private ConnectRestServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public static async Task<ConnectRestServer> StartAsync(IHerder herder, string host, int port, string? kafkaClusterId, string version, ILoggerFactory loggerFactory)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        var address = host.Length == 0 || host == "0.0.0.0" ? IPAddress.Any : host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(host);
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(address, port, listen => listen.Protocols = HttpProtocols.Http1));
        var app = builder.Build();
        var logger = loggerFactory.CreateLogger("Tributary.Connect.Rest");
        var root = new RootResource(herder, kafkaClusterId, version);
        var connectors = new ConnectorsResource(herder);
        var plugins = new ConnectorPluginsResource(herder);
        var loggers = new LoggersResource();
        app.Run(context => HandleAsync(context, herder, root, connectors, plugins, loggers, logger));
        await app.StartAsync().ConfigureAwait(false);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        return new ConnectRestServer(app, bound.Select(a => new Uri(a.Replace("+", "localhost", StringComparison.Ordinal)).Port).First());
    }

    private static async Task HandleAsync(HttpContext context, IHerder herder, RootResource root, ConnectorsResource connectors, ConnectorPluginsResource plugins, LoggersResource loggers, ILogger logger)
    {
        var request = new RestRequest(context);
        RestResponse response;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            timeout.CancelAfter(RequestTimeout);
            var segments = request.Segments;
            if (segments.Count > 0 && segments[0] == "connectors")
            {
                try
                {
                    await herder.ReadyAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
                {
                    throw new ConnectRestException(500, "Request timed out");
                }
            }
            var work = herder.ForwardTarget(request) is { } target
                ? RestForwarder.ForwardAsync(context, target, timeout.Token)
                : segments.Count == 0 || segments[0] == "health"
                ? root.HandleAsync(request, timeout.Token)
                : segments[0] switch
                {
                    "connectors" => connectors.HandleAsync(request, timeout.Token),
                    "connector-plugins" => plugins.HandleAsync(request, timeout.Token),
                    "admin" when segments.Count >= 2 && segments[1] == "loggers" => loggers.HandleAsync(request, timeout.Token),
                    _ => throw new ConnectRestException(404, "HTTP 404 Not Found"),
                };
            try
            {
                response = await work.WaitAsync(RequestTimeout, context.RequestAborted).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw new ConnectRestException(500, "Request timed out");
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            response = ErrorResponse(e, logger);
        }
        context.Response.StatusCode = response.Status;
        foreach (var (name, value) in response.Headers)
        {
            context.Response.Headers[name] = value;
        }
        if (response.Body is not null)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(response.Body.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>Kafka's ConnectExceptionMapper.</summary>
    public static RestResponse ErrorResponse(Exception error, ILogger logger)
    {
        var status = error switch
        {
            ConnectRestException rest => rest.Status,
            NotFoundException => 404,
            AlreadyExistsException => 409,
            JsonException or Microsoft.AspNetCore.Http.BadHttpRequestException => 400,
            _ => 500,
        };
        if (status == 500)
        {
            logger.LogError(error, "Uncaught exception in REST call");
        }
        var message = error is JsonException json ? "Malformed JSON: " + json.Message : error.Message;
        return new RestResponse(status, RestJson.Error(status, message));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>A request as the resources see it: method, path segments (decoded), query and body.</summary>
public sealed class RestRequest(HttpContext context)
{
    public string Method { get; } = context.Request.Method;

    public IReadOnlyList<string> Segments { get; } = [.. (context.Request.Path.Value ?? "/").Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString)];

    public IQueryCollection Query => context.Request.Query;

    public string Path => context.Request.Path.Value ?? "/";

    /// <summary>The body as JSON (BadRequest when empty), parsed with System.Text.Json (JsonException when malformed).</summary>
    public async Task<JsonDocument> JsonBodyAsync(CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (buffer.Length == 0)
        {
            throw new BadRequestException("Request body is empty");
        }
        return JsonDocument.Parse(buffer.ToArray());
    }

    /// <summary>A boolean query parameter (Jersey's @DefaultValue semantics: absent → the default; anything but "true" → false).</summary>
    public bool QueryFlag(string name, bool defaultValue) =>
        Query.TryGetValue(name, out var values) && values.Count > 0 ? string.Equals(values[0], "true", StringComparison.OrdinalIgnoreCase) : defaultValue;
}

/// <summary>A response: status, optional JSON body, extra headers.</summary>
public sealed record RestResponse(int Status, JsonNode? Body = null)
{
    public IReadOnlyList<(string Name, string Value)> Headers { get; init; } = [];
}
