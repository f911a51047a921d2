using Microsoft.Extensions.Logging;
using Tributary.Aws;
using Tributary.Broker;
using Tributary.Kinesis;

namespace Tributary.Server;

/// <summary>
/// Wires the AWS-compatible HTTP endpoints (aws.* options) and the Kinesis API (kinesis.* options) onto the
/// broker, and runs the on-demand shard splitter. Disposing stops the endpoints first, then the splitter.
/// </summary>
public sealed class KinesisHost : IAsyncDisposable
{
    /// <summary>How often on-demand streams are checked for hot shards.</summary>
    private static readonly TimeSpan SplitCheckInterval = TimeSpan.FromSeconds(60);

    /// <summary>Null when both AWS ports are disabled (-1).</summary>
    private readonly AwsHttpServer? _server;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _splitter;

    private KinesisHost(AwsHttpServer? server, KinesisStreams streams, ILogger logger)
    {
        _server = server;
        Streams = streams;
        _splitter = RunSplitterAsync(streams, logger, _stop.Token);
    }

    public KinesisStreams Streams { get; }

    public int Port => _server?.Port ?? -1;

    public int Http2Port => _server?.Http2Port ?? -1;

    /// <summary>
    /// Opens the Kinesis streams and starts the AWS endpoints with the Kinesis service, the services
    /// <paramref name="otherServices"/> returns (given the streams, e.g. delivery streams reading from them) and the REST
    /// services (S3) that answer requests without X-Amz-Target.
    /// </summary>
    public static async Task<KinesisHost> StartAsync(IBrokerApi broker, TributaryOptions settings, ILoggerFactory loggerFactory,
        Func<KinesisStreams, IReadOnlyList<AwsService>>? otherServices = null, IReadOnlyList<IAwsRestService>? restServices = null)
    {
        var streams = KinesisStreams.Open(broker, settings.Kinesis);
        var options = settings.AwsServer;
        List<AwsService> services = [KinesisApi.CreateService(streams), .. otherServices?.Invoke(streams) ?? []];
        // With both ports disabled nothing listens (Kestrel would otherwise bind its default port).
        var server = options.Port < 0 && options.Http2Port < 0 ? null
            : await AwsHttpServer.StartAsync(services, restServices ?? [], options, loggerFactory).ConfigureAwait(false);
        return new KinesisHost(server, streams, loggerFactory.CreateLogger<KinesisHost>());
    }

    private static async Task RunSplitterAsync(KinesisStreams streams, ILogger logger, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(SplitCheckInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    streams.SplitHotShards(SplitCheckInterval.TotalSeconds);
                }
                catch (Exception e) when (e is IOException or AwsErrorException or InvalidOperationException)
                {
                    logger.LogWarning(e, "On-demand shard split failed; retrying at the next check.");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        await _splitter.ConfigureAwait(false);
        _stop.Dispose();
    }
}
