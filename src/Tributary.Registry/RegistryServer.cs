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
using Tributary.Broker;
using Tributary.Client;
using Tributary.Registry.Cluster;
using Tributary.Registry.Handlers;
using Tributary.Registry.Store;

namespace Tributary.Registry;

/// <summary>
/// The registry's REST API on its own Kestrel listener. <see cref="Route"/> maps method and path to one handler per
/// operation (Handlers/); a <see cref="RegistryException"/> becomes the registry's error body and status, a body that is
/// not JSON becomes 400 with error_code 400 (as the registry answers unreadable entities), anything else 500/50001.
/// </summary>
public sealed class RegistryServer : IAsyncDisposable
{
    public const string ContentType = "application/vnd.schemaregistry.v1+json";

    private readonly WebApplication? _app;
    private readonly ClusterParts? _cluster;

    private RegistryServer(WebApplication? app, SchemaRegistry? registry, int port, ClusterParts? cluster = null)
    {
        _app = app;
        Registry = registry;
        Port = port;
        _cluster = cluster;
    }

    /// <summary>What an instance of several owns beside its state: the client, the followed log, the group membership, the forwarding.</summary>
    private sealed record ClusterParts(KafkaClient Client, KafkaRegistryLog Log, RegistryGroupMember Member, LeaderForwarding Forwarding);

    /// <summary>This instance's group membership (null for the single in-process instance).</summary>
    public RegistryGroupMember? Member => _cluster?.Member;

    /// <summary>The bound port, or -1 when disabled.</summary>
    public int Port { get; }

    public SchemaRegistry? Registry { get; }

    public static async Task<RegistryServer> StartAsync(IBrokerApi broker, RegistryOptions options, ILoggerFactory loggerFactory)
    {
        if (options.Port < 0)
        {
            return new RegistryServer(null, null, -1);
        }
        var registry = await SchemaRegistry.OpenAsync(broker, options).ConfigureAwait(false);
        var (app, port) = await ListenAsync(registry, options, loggerFactory, () => null).ConfigureAwait(false);
        return new RegistryServer(app, registry, port);
    }

    /// <summary>
    /// One of several instances over a cluster's topic: follows the topic through a Kafka client, listens, then joins
    /// the registry group (with the bound port in its identity); writes go to the elected leader.
    /// </summary>
    public static async Task<RegistryServer> StartClusterAsync(RegistryOptions options, RegistryClusterOptions cluster, ILoggerFactory loggerFactory, CancellationToken cancellationToken = default)
    {
        var client = new KafkaClient(new KafkaClientOptions { BootstrapServers = cluster.BootstrapServers, ClientId = "tributary-schema-registry" });
        var log = new KafkaRegistryLog(client, options.Topic);
        try
        {
            var registry = await SchemaRegistry.OpenAsync(log, options, cancellationToken).ConfigureAwait(false);
            LeaderForwarding? forwarding = null;
            var (app, port) = await ListenAsync(registry, options, loggerFactory, () => forwarding).ConfigureAwait(false);
            var identity = new RegistryIdentity(cluster.AdvertisedHost ?? options.Host, port, "http", cluster.LeaderEligibility);
            var member = new RegistryGroupMember(client, cluster.GroupId, identity, cluster.SessionTimeout, loggerFactory.CreateLogger<RegistryGroupMember>());
            forwarding = new LeaderForwarding(member, registry);
            member.Start();
            return new RegistryServer(app, registry, port, new ClusterParts(client, log, member, forwarding));
        }
        catch
        {
            await log.DisposeAsync().ConfigureAwait(false);
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<(WebApplication App, int Port)> ListenAsync(SchemaRegistry registry, RegistryOptions options, ILoggerFactory loggerFactory, Func<LeaderForwarding?> forwarding)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        var address = IPAddress.Parse(options.Host);
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(address, options.Port, listen => listen.Protocols = HttpProtocols.Http1));
        var app = builder.Build();
        app.Run(context => HandleAsync(registry, forwarding(), context));
        await app.StartAsync().ConfigureAwait(false);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        return (app, bound.Select(a => new Uri(a).Port).First());
    }

    private static async Task HandleAsync(SchemaRegistry registry, LeaderForwarding? forwarding, HttpContext context)
    {
        JsonNode? answer;
        var status = 200;
        try
        {
            var request = await RegistryRequest.ReadAsync(context).ConfigureAwait(false);
            if (forwarding is not null && await forwarding.ForwardIfFollowerAsync(request, context.RequestAborted).ConfigureAwait(false) is { } forwarded)
            {
                context.Response.StatusCode = forwarded.Status;
                context.Response.ContentType = ContentType;
                await context.Response.WriteAsync(forwarded.Body, context.RequestAborted).ConfigureAwait(false);
                return;
            }
            answer = await Route(registry, request).ConfigureAwait(false);
        }
        catch (RegistryException e)
        {
            status = e.HttpStatus;
            answer = Error(e.ErrorCode, e.Message);
        }
        catch (JsonException e)
        {
            status = 400;
            answer = Error(400, "Unrecognized field or malformed JSON: " + e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            status = 500;
            answer = Error(50001, "Error in the backend data store - " + e.Message);
        }
        context.Response.StatusCode = status;
        context.Response.ContentType = ContentType;
        if (answer is JsonValue text && text.GetValueKind() == JsonValueKind.String && context.Items.ContainsKey(RegistryRequest.RawSchemaKey))
        {
            // GET .../schema answers the schema text itself, not a JSON string.
            await context.Response.WriteAsync(text.GetValue<string>(), context.RequestAborted).ConfigureAwait(false);
            return;
        }
        await context.Response.WriteAsync(answer?.ToJsonString() ?? "null", context.RequestAborted).ConfigureAwait(false);
    }

    private static JsonObject Error(int code, string message) => new() { ["error_code"] = code, ["message"] = message };

    /// <summary>Method and path segments to the operation's handler; unknown paths are 404 with error_code 404.</summary>
    internal static Task<JsonNode?> Route(SchemaRegistry registry, RegistryRequest request)
    {
        var s = request.Segments;
        var get = request.Method == "GET";
        var post = request.Method == "POST";
        var put = request.Method == "PUT";
        var delete = request.Method == "DELETE";
        return (s.Length, s.ElementAtOrDefault(0)) switch
        {
            (0, _) when get => Done(new JsonObject()),
            (2, "schemas") when get && s[1] == "types" => Done(GetSchemaTypes.Handle()),
            (3, "schemas") when get && s[1] == "ids" => Done(GetSchemaById.Handle(registry, request, s[2])),
            (4, "schemas") when get && s[1] == "ids" && s[3] == "schema" => Done(GetSchemaTextById.Handle(registry, request, s[2])),
            (4, "schemas") when get && s[1] == "ids" && s[3] == "subjects" => Done(GetSubjectsById.Handle(registry, request, s[2])),
            (4, "schemas") when get && s[1] == "ids" && s[3] == "versions" => Done(GetVersionsById.Handle(registry, request, s[2])),
            (1, "subjects") when get => Done(ListSubjects.Handle(registry, request)),
            (2, "subjects") when post => Done(LookupSchema.Handle(registry, request, s[1])),
            (2, "subjects") when delete => DeleteSubject.HandleAsync(registry, request, s[1]),
            (3, "subjects") when get && s[2] == "versions" => Done(ListVersions.Handle(registry, request, s[1])),
            (3, "subjects") when post && s[2] == "versions" => RegisterSchema.HandleAsync(registry, request, s[1]),
            (4, "subjects") when get && s[2] == "versions" => Done(GetVersion.Handle(registry, request, s[1], s[3])),
            (4, "subjects") when delete && s[2] == "versions" => DeleteVersion.HandleAsync(registry, request, s[1], s[3]),
            (5, "subjects") when get && s[2] == "versions" && s[4] == "schema" => Done(GetVersionSchemaText.Handle(registry, request, s[1], s[3])),
            (5, "subjects") when get && s[2] == "versions" && s[4] == "referencedby" => Done(GetReferencedBy.Handle(registry, s[1], s[3])),
            (4, "compatibility") when post && s[1] == "subjects" && s[3] == "versions" => Done(TestCompatibility.Handle(registry, request, s[2], null)),
            (5, "compatibility") when post && s[1] == "subjects" && s[3] == "versions" => Done(TestCompatibility.Handle(registry, request, s[2], s[4])),
            (1 or 2, "config") when get => Done(GetConfig.Handle(registry, request, s.ElementAtOrDefault(1))),
            (1 or 2, "config") when put => UpdateConfig.HandleAsync(registry, request, s.ElementAtOrDefault(1)),
            (1 or 2, "config") when delete => DeleteConfig.HandleAsync(registry, s.ElementAtOrDefault(1)),
            (1 or 2, "mode") when get => Done(GetMode.Handle(registry, s.ElementAtOrDefault(1))),
            (1 or 2, "mode") when put => UpdateMode.HandleAsync(registry, request, s.ElementAtOrDefault(1)),
            (1 or 2, "mode") when delete => DeleteMode.HandleAsync(registry, s.ElementAtOrDefault(1)),
            (1, "contexts") when get => Done(new JsonArray(".")),
            _ => throw new RegistryException(404, "HTTP 404 Not Found"),
        };
    }

    private static Task<JsonNode?> Done(JsonNode? node) => Task.FromResult(node);

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            // Leave the group first, so the others elect a new leader at once.
            await _cluster.Member.DisposeAsync().ConfigureAwait(false);
        }
        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }
        if (_cluster is not null)
        {
            _cluster.Forwarding.Dispose();
            await _cluster.Log.DisposeAsync().ConfigureAwait(false);
            await _cluster.Client.DisposeAsync().ConfigureAwait(false);
        }
        Registry?.Dispose();
    }
}
