using System.Net;
using System.Security.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tributary.Broker;
using Tributary.Kafka.Handlers;
using Tributary.Kafka.Security;

namespace Tributary.Kafka;

/// <summary>
/// Hosts the Kafka listeners on Kestrel: binds each (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL; TLS through Kestrel's
/// connection middleware), registers one handler per API key, and stops gracefully. The listeners are the only place
/// that knows sockets; everything below sees frames and messages.
/// </summary>
public sealed class KafkaServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KafkaServer(WebApplication app, IReadOnlyList<ListenerBinding> listeners, KafkaHandlerRegistry handlers)
    {
        _app = app;
        Listeners = listeners;
        Handlers = handlers;
        // In-process clients (the embedded Connect worker, MSK's bootstrap string) speak neither TLS nor SASL: they use
        // the first PLAINTEXT listener when there is one.
        var local = listeners.FirstOrDefault(l => l.Endpoint.Protocol == SecurityProtocol.Plaintext) ?? listeners[0];
        Port = local.BoundPort;
        LocalHost = local.Endpoint.Host is "0.0.0.0" or "::" ? "127.0.0.1" : local.Endpoint.Host;
    }

    /// <summary>The bound port of the first PLAINTEXT listener (else of the first listener).</summary>
    public int Port { get; }

    /// <summary>The address this machine's own clients dial for <see cref="Port"/> (loopback for a wildcard bind).</summary>
    public string LocalHost { get; }

    /// <summary>Every listener with the port it bound.</summary>
    public IReadOnlyList<ListenerBinding> Listeners { get; }

    public KafkaHandlerRegistry Handlers { get; }

    /// <summary>
    /// What the serving line prints: "127.0.0.1:9092" for the single default listener (as before listeners existed;
    /// scripts read the port at the end), else "127.0.0.1:9092 (PLAINTEXT), 0.0.0.0:9093 (SASL_SSL)".
    /// </summary>
    public string Describe() => Listeners is [{ Endpoint: { Name: "PLAINTEXT", Protocol: SecurityProtocol.Plaintext } } only]
        ? $"{only.Endpoint.Host}:{only.BoundPort}"
        : string.Join(", ", Listeners.Select(l => $"{l.Endpoint.Host}:{l.BoundPort} ({l.Endpoint.Name})"));

    public static async Task<KafkaServer> StartAsync(IBrokerApi broker, KafkaListenerOptions options, ILoggerFactory loggerFactory, CancellationToken cancellationToken = default)
    {
        var endpoints = options.EffectiveListeners;
        if (endpoints.Any(e => e.Protocol.UsesTls()) && options.Security.Certificate is null)
        {
            throw new InvalidOperationException("a TLS listener needs kafka.ssl.certificate.location and kafka.ssl.key.location");
        }
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostLifetime, OwnerStoppedLifetime>();
        var handlers = new KafkaHandlerRegistry();
        RegisterHandlers(handlers, broker, options.Security);
        builder.Services.AddSingleton(handlers);
        builder.Services.AddSingleton(services => new KafkaRequestProcessor(handlers, loggerFactory.CreateLogger<KafkaRequestProcessor>()));
        var bindings = endpoints.Select(e => new ListenerBinding(e, new AdvertisedListener(string.IsNullOrEmpty(e.AdvertisedHost) ? e.Host : e.AdvertisedHost, e.AdvertisedPort))).ToList();
        var listenOptions = new Dictionary<ListenerBinding, ListenOptions>();
        builder.WebHost.UseKestrel(kestrel =>
        {
            foreach (var binding in bindings)
            {
                kestrel.Listen(IPAddress.Parse(binding.Endpoint.Host), binding.Endpoint.Port, listen =>
                {
                    listenOptions[binding] = listen;
                    if (binding.Endpoint.Protocol.UsesTls())
                    {
                        listen.UseHttps(new HttpsConnectionAdapterOptions
                        {
                            ServerCertificate = options.Security.Certificate,
                            ClientCertificateMode = options.Security.ClientAuthentication.Mode switch
                            {
                                SslClientAuth.Required => ClientCertificateMode.RequireCertificate,
                                SslClientAuth.Requested => ClientCertificateMode.AllowCertificate,
                                _ => ClientCertificateMode.NoCertificate,
                            },
                            ClientCertificateValidation = options.Security.ClientAuthentication.Validate,
                            CheckCertificateRevocation = false,
                            SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                        });
                    }
                    listen.Use(next => connection =>
                    {
                        connection.Items[ListenerBinding.ConnectionItemKey] = binding;
                        return next(connection);
                    });
                    listen.UseConnectionHandler<KafkaConnectionHandler>();
                });
            }
        });
        var app = builder.Build();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        foreach (var binding in bindings)
        {
            // Kestrel writes the port the OS picked for port 0 back into the listen options once bound.
            binding.BoundPort = listenOptions[binding].IPEndPoint?.Port ?? binding.Endpoint.Port;
            if (binding.Advertised.Port == 0)
            {
                binding.Advertised.Port = binding.BoundPort;
            }
        }
        return new KafkaServer(app, bindings, handlers);
    }

    /// <summary>The handlers this broker serves. ApiVersions advertises exactly these.</summary>
    private static void RegisterHandlers(KafkaHandlerRegistry handlers, IBrokerApi broker, KafkaSecurityOptions security)
    {
        handlers.Add(new ApiVersions(handlers));
        handlers.Add(new Produce(broker));
        handlers.Add(new Fetch(broker));
        handlers.Add(new ListOffsets(broker));
        handlers.Add(new Metadata(broker));
        handlers.Add(new CreateTopics(broker));
        handlers.Add(new DeleteTopics(broker));
        handlers.Add(new InitProducerId(broker));
        handlers.Add(new DeleteRecords(broker));
        handlers.Add(new DescribeConfigs(broker));
        handlers.Add(new AlterConfigs(broker));
        handlers.Add(new DescribeLogDirs(broker));
        handlers.Add(new CreatePartitions(broker));
        handlers.Add(new IncrementalAlterConfigs(broker));
        handlers.Add(new DescribeCluster(broker));
        handlers.Add(new FindCoordinator(broker));
        handlers.Add(new JoinGroup(broker));
        handlers.Add(new SyncGroup(broker));
        handlers.Add(new Heartbeat(broker));
        handlers.Add(new LeaveGroup(broker));
        handlers.Add(new OffsetCommit(broker, TimeProvider.System));
        handlers.Add(new OffsetFetch(broker));
        handlers.Add(new OffsetDelete(broker));
        handlers.Add(new ListGroups(broker));
        handlers.Add(new DescribeGroups(broker));
        handlers.Add(new DeleteGroups(broker));
        handlers.Add(new ConsumerGroupHeartbeat(broker));
        handlers.Add(new ConsumerGroupDescribe(broker));
        handlers.Add(new AddPartitionsToTxn(broker));
        handlers.Add(new AddOffsetsToTxn(broker));
        handlers.Add(new EndTxn(broker));
        handlers.Add(new WriteTxnMarkers(broker));
        handlers.Add(new TxnOffsetCommit(broker, TimeProvider.System));
        handlers.Add(new DescribeTransactions(broker));
        handlers.Add(new ListTransactions(broker, TimeProvider.System));
        handlers.Add(new SaslHandshake(security));
        handlers.Add(new SaslAuthenticate());
        handlers.Add(new DescribeUserScramCredentials(security.Credentials));
        handlers.Add(new AlterUserScramCredentials(security.Credentials));
        handlers.Add(new DescribeAcls(security.Authorizer));
        handlers.Add(new CreateAcls(security.Authorizer));
        handlers.Add(new DeleteAcls(security.Authorizer));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
