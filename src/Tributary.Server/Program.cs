using System.Reflection;
using Microsoft.Extensions.Logging;
using Tributary.Server.Commands;

namespace Tributary.Server;

/// <summary>
/// The <c>tributary</c> program. Its command line (commands, options, help, errors) is defined in
/// <see cref="TributaryCommandLine"/>, one file per command under Commands/.
/// </summary>
public static class Program
{
    public static Task<int> Main(string[] args)
    {
        if (args is ["connect-standalone" or "connect-distributed", ..])
        {
            // A Connect worker's thread-pool threads do not spin before sleeping (the runtime's default spins up to
            // 70 rounds). A worker usually shares its cores with a broker or with other workers, and its loop wakes
            // once per produce round trip: the spinning was 40 % of its sampled CPU time, and without it the worker
            // used ~10 % less CPU for the same records (bench/results/connect.README.md). Set before the pool starts.
            AppContext.SetData("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit", 0);
        }
        return TributaryCommandLine.InvokeAsync(args);
    }

    public static string Version => typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>
    /// Opens the broker on the data directory, starts the Kafka listener and runs until SIGINT or SIGTERM;
    /// then stops accepting requests, closes every log cleanly (flush, checkpoint) and exits 0.
    /// </summary>
    public static async Task<int> ServeAsync(ServerConfiguration configuration)
    {
        var options = OptionBinder.Bind(configuration);
        var brokerOptions = options.Broker;
        var listenerOptions = options.KafkaListener;
        using var stop = new Commands.StopSignal();
        // Kestrel warns at every start that the AWS port's HTTP/2 has no TLS: that port serves cleartext HTTP/2 on purpose
        // (the connection preface picks it, Http2PrefaceDetection), and the warning would print before the "serving"
        // line that scripts and harnesses read first. Kestrel's errors still show.
        using var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole(console => console.SingleLine = true)
            .SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Microsoft.AspNetCore.Server.Kestrel", LogLevel.Error));

        KafkaBrokerHost embedded;
        try
        {
            embedded = await KafkaBrokerHost.StartAsync(brokerOptions, listenerOptions, loggerFactory).ConfigureAwait(false);
        }
        catch (KafkaBrokerHostException e)
        {
            Console.Error.WriteLine($"tributary: {e.Message}");
            return 1;
        }
        await using (embedded.ConfigureAwait(false))
        {
            var broker = embedded.Broker;
            var kafka = embedded.Kafka;
            // The Glue catalog first: delivery streams' format conversion resolves its tables there.
            Tributary.Glue.Catalog.DataCatalog dataCatalog;
            try
            {
                dataCatalog = CatalogHost.OpenCatalog(options);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or System.Text.Json.JsonException)
            {
                Console.Error.WriteLine($"tributary: cannot open the Glue catalog: {e.Message}");
                return 1;
            }
            // The registry starts after the delivery streams: subjects are looked up through it once it runs.
            Tributary.Registry.Store.SchemaRegistry? schemaRegistry = null;
            options = options with { Delivery = options.Delivery with { TableSchemas = new HostTableSchemas(new GlueTableSchemas(dataCatalog), new RegistrySubjectSchemas(() => schemaRegistry)) } };
            // Disposed in reverse: the AWS endpoints stop first (no more puts), then the delivery engines.
            DeliveryHost delivery;
            try
            {
                delivery = DeliveryHost.Open(broker, options, loggerFactory);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or InvalidDataException or System.Text.Json.JsonException)
            {
                Console.Error.WriteLine($"tributary: cannot open the delivery streams: {e.Message}");
                return 1;
            }
            await using var deliveryScope = delivery.ConfigureAwait(false);
            CatalogHost catalog;
            try
            {
                catalog = CatalogHost.Open(options, delivery.Store, dataCatalog, loggerFactory);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or System.Text.Json.JsonException)
            {
                Console.Error.WriteLine($"tributary: cannot open Athena: {e.Message}");
                return 1;
            }
            await using var catalogScope = catalog.ConfigureAwait(false);
            // The MSK API: the embedded broker as a cluster (its configuration applied to the broker at open) and the
            // clusters it created, each its own broker, started here; disposed after the AWS endpoints stop.
            Tributary.Msk.MskService msk;
            try
            {
                msk = await MskHost.OpenAsync(broker, options, kafka.Port, loggerFactory).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or System.Text.Json.JsonException or Tributary.Msk.MskException)
            {
                Console.Error.WriteLine($"tributary: cannot open the MSK state: {e.Message}");
                return 1;
            }
            await using var mskScope = msk.ConfigureAwait(false);
            var s3 = delivery.CreateS3Service(options, loggerFactory);
            // The MSK Connect API: connectors' worker groups (child processes) come back from its state here.
            Tributary.MskConnect.MskConnectService mskConnect;
            try
            {
                mskConnect = MskConnectHost.Create(s3.Buckets.Store, options, delivery.Streams, loggerFactory);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or InvalidOperationException or System.Text.Json.JsonException)
            {
                Console.Error.WriteLine($"tributary: cannot open the MSK Connect state: {e.Message}");
                return 1;
            }
            await using var mskConnectScope = mskConnect.ConfigureAwait(false);
            KinesisHost aws;
            try
            {
                aws = await KinesisHost.StartAsync(broker, options, loggerFactory, kinesis =>
                {
                    delivery.Streams.KinesisSourceFactory = KinesisDeliverySource.Factory(broker, kinesis);
                    return [delivery.Service, .. catalog.Services];
                    // S3 first: the fallback for unsigned requests (AwsRestRouting).
                }, [s3, msk, mskConnect]).ConfigureAwait(false);
                await delivery.StartAsync(options.DeliveryStreamsFile).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or InvalidDataException or System.Net.Sockets.SocketException or System.Text.Json.JsonException)
            {
                Console.Error.WriteLine($"tributary: cannot start the AWS APIs: {e.Message}");
                return 1;
            }
            await using var awsScope = aws.ConfigureAwait(false);
            ConnectHost? connectForMetrics = null;
            // The console's data generator runs: stopped (each finishing its send in flight) after the admin port closes,
            // before the broker and the AWS endpoints they send to.
            var generatorRuns = new Tributary.WebConsole.Generator.GeneratorRuns();
            await using var generatorScope = generatorRuns.ConfigureAwait(false);
            AdminHost admin;
            try
            {
                var awsEndpoint = new UriBuilder("http", LoopbackFor(options.AwsServer.Host), aws.Port, "/").Uri;
                var console = new Tributary.WebConsole.ConsoleSources(broker, delivery.Streams, () => aws.Streams,
                    () => connectForMetrics is { } worker ? new UriBuilder("http", options.Connect.Host, worker.Port, "/").Uri : null,
                    catalog.Catalog, catalog.Crawlers, catalog.Executions, generatorRuns, () => awsEndpoint);
                admin = await AdminHost.StartAsync(broker, delivery.Streams, options.Admin, loggerFactory, () => connectForMetrics?.LocalHerder, mskConnect.Registry, console).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or System.Net.Sockets.SocketException)
            {
                Console.Error.WriteLine($"tributary: cannot start the admin port: {e.Message}");
                return 1;
            }
            await using var adminScope = admin.ConfigureAwait(false);
            Tributary.Registry.RegistryServer registry;
            try
            {
                registry = await Tributary.Registry.RegistryServer.StartAsync(broker, options.Registry, loggerFactory).ConfigureAwait(false);
                schemaRegistry = registry.Registry;
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or System.Net.Sockets.SocketException or Tributary.Registry.RegistryException)
            {
                Console.Error.WriteLine($"tributary: cannot start the schema registry: {e.Message}");
                return 1;
            }
            await using var registryScope = registry.ConfigureAwait(false);
            ConnectHost? connect = null;
            if (options.Connect.Port >= 0)
            {
                try
                {
                    var worker = EmbeddedWorker(options, kafka.LocalHost, kafka.Port);
                    connect = await ConnectHost.StartAsync(worker, loggerFactory, new Tributary.Connect.Runtime.Distributed.DistributedConfig(worker.Originals),
                        importOffsetsFile: worker.GetString(Tributary.Connect.Runtime.Config.WorkerConfig.OffsetStorageFileName)).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or InvalidOperationException or System.Net.Sockets.SocketException or Tributary.Client.KafkaClientException)
                {
                    Console.Error.WriteLine($"tributary: cannot start the Connect REST listener on {options.Connect.Host}:{options.Connect.Port}: {e.Message}");
                    return 1;
                }
            }
            connectForMetrics = connect;
            await using var connectScope = (connect ?? (IAsyncDisposable)NoScope.Instance).ConfigureAwait(false);
            var connectText = connect is null ? "Connect off" : $"Connect REST on {options.Connect.Host}:{connect.Port}";
            Console.WriteLine($"tributary {Version} serving; data in {brokerOptions.DataDirectory} ({broker.ListTopics().Count} topics); Kafka on {kafka.Describe()}; AWS APIs (Kinesis, Firehose, S3, MSK, MSK Connect, Glue, Athena) on {options.AwsServer.Host}:{aws.Port} (HTTP/1.1) and :{aws.Http2Port} (HTTP/2); delivery streams: {delivery.Streams.List().Count}; admin (metrics) on {options.Admin.Host}:{admin.Port}; schema registry on {options.Registry.Host}:{registry.Port}; {connectText}. Stop with Ctrl-C or SIGTERM.");
            await stop.Task.ConfigureAwait(false);
            Console.WriteLine("tributary: stopping; closing the listener, flushing and checkpointing logs...");
        }
        Console.WriteLine("tributary: stopped cleanly.");
        return 0;
    }

    /// <summary>The address this process reaches its own listener bound to <paramref name="host"/> at: loopback for a wildcard bind.</summary>
    private static string LoopbackFor(string host) =>
        host is "" or "0.0.0.0" or "*" or "+" ? "127.0.0.1" : host is "::" ? "::1" : host;

    /// <summary>
    /// The worker configuration of serve's embedded Connect worker, a distributed worker as Kafka's sample
    /// <c>connect-distributed.properties</c> sets one up: group <c>connect-cluster</c>, internal topics
    /// <c>connect-configs</c>, <c>connect-offsets</c> and <c>connect-status</c> on the own Kafka listener over loopback,
    /// Connect's JsonConverter for keys and values. The internal topics get 5 and 1 partitions, not Kafka's 25 and 5:
    /// one broker gains nothing from more, and creating and reading 31 partitions added seconds to every first start. Further workers (<c>tributary
    /// connect-distributed</c> with the same group and topics) join it. <c>offset.storage.file.filename</c> names the
    /// offsets file of the standalone worker serve ran before, imported once. Port 0 is resolved to a free port here:
    /// the group must know the REST address before the listener starts.
    /// </summary>
    private static Tributary.Connect.Runtime.Config.WorkerConfig EmbeddedWorker(TributaryOptions options, string kafkaHost, int kafkaPort)
    {
        var restPort = options.Connect.Port == 0 ? ConnectHost.FreePort(options.Connect.Host) : options.Connect.Port;
        return new Tributary.Connect.Runtime.Config.WorkerConfig(new Dictionary<string, string>
        {
            ["bootstrap.servers"] = $"{kafkaHost}:{kafkaPort}",
            ["key.converter"] = "org.apache.kafka.connect.json.JsonConverter",
            ["value.converter"] = "org.apache.kafka.connect.json.JsonConverter",
            ["offset.storage.file.filename"] = Path.Combine(options.DataDirectory, "connect", "offsets.json"),
            ["offset.flush.interval.ms"] = "10000",
            ["group.id"] = "connect-cluster",
            ["config.storage.topic"] = "connect-configs",
            ["offset.storage.topic"] = "connect-offsets",
            ["offset.storage.partitions"] = "5",
            ["status.storage.topic"] = "connect-status",
            ["status.storage.partitions"] = "1",
            ["listeners"] = $"http://{options.Connect.Host}:{restPort}",
        });
    }

    private sealed class NoScope : IAsyncDisposable
    {
        public static readonly NoScope Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
