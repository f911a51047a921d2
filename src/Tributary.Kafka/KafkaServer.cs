using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tributary.Broker;
using Tributary.Kafka.Handlers;

namespace Tributary.Kafka;

/// <summary>
/// Hosts the Kafka listener on Kestrel: binds, registers one handler per API key, and stops gracefully.
/// The listener is the only place that knows sockets; everything below sees frames and messages.
/// </summary>
public sealed class KafkaServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KafkaServer(WebApplication app, int port, KafkaHandlerRegistry handlers)
    {
        _app = app;
        Port = port;
        Handlers = handlers;
    }

    /// <summary>The bound port (the configured one, or the one the OS picked for port 0).</summary>
    public int Port { get; }

    public KafkaHandlerRegistry Handlers { get; }

    public static async Task<KafkaServer> StartAsync(IBrokerApi broker, KafkaListenerOptions options, ILoggerFactory loggerFactory, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(options);
        var handlers = new KafkaHandlerRegistry();
        var listener = new AdvertisedListener(string.IsNullOrEmpty(options.AdvertisedHost) ? options.Host : options.AdvertisedHost, options.Port);
        RegisterHandlers(handlers, broker, listener);
        builder.Services.AddSingleton(handlers);
        builder.Services.AddSingleton(services => new KafkaRequestProcessor(handlers, loggerFactory.CreateLogger<KafkaRequestProcessor>()));
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Parse(options.Host), options.Port, listen => listen.UseConnectionHandler<KafkaConnectionHandler>());
        });
        var app = builder.Build();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var port = BoundPort(app, options.Port);
        listener.Port = port;
        return new KafkaServer(app, port, handlers);
    }

    /// <summary>The handlers this broker serves. ApiVersions advertises exactly these.</summary>
    private static void RegisterHandlers(KafkaHandlerRegistry handlers, IBrokerApi broker, AdvertisedListener listener)
    {
        handlers.Add(new ApiVersions(handlers));
        handlers.Add(new Produce(broker));
        handlers.Add(new Fetch(broker));
        handlers.Add(new ListOffsets(broker));
        handlers.Add(new Metadata(broker, listener));
        handlers.Add(new CreateTopics(broker));
        handlers.Add(new DeleteTopics(broker));
        handlers.Add(new InitProducerId(broker));
        handlers.Add(new DeleteRecords(broker));
        handlers.Add(new DescribeConfigs(broker));
        handlers.Add(new AlterConfigs(broker));
        handlers.Add(new DescribeLogDirs(broker));
        handlers.Add(new CreatePartitions(broker));
        handlers.Add(new IncrementalAlterConfigs(broker));
        handlers.Add(new DescribeCluster(broker, listener));
        handlers.Add(new FindCoordinator(broker, listener));
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
    }

    private static int BoundPort(WebApplication app, int configured)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        foreach (var address in addresses ?? [])
        {
            if (Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Port > 0)
            {
                return uri.Port;
            }
        }
        return configured;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
