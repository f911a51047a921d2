using System.Text.Json;
using Microsoft.Extensions.Logging;
using Tributary.Cdc.MySql;
using Tributary.Cdc.Postgres;
using Tributary.Client;
using Tributary.Client.Security;
using Tributary.Connect.Datagen;
using Tributary.Connect.File;
using Tributary.Connect.Json;
using Tributary.Connect.Runtime.Config;
using Tributary.Connect.Runtime.Distributed;
using Tributary.Connect.Runtime.Herder;
using Tributary.Connect.Runtime.Plugins;
using Tributary.Connect.Runtime.Rest;
using Tributary.Connect.Runtime.Storage;
using Tributary.Connect.Runtime.Worker;
using Tributary.Connect.S3;
using Tributary.Connect.Transforms;

namespace Tributary.Server;

/// <summary>
/// A Connect worker as the host runs it: the client to its Kafka cluster, the plugins (the built-in converters,
/// transformations, FileStream connectors, the S3 sink and Debezium's MySQL and PostgreSQL sources plus plugin.path), the herder (standalone with
/// an offsets file, or distributed with the internal topics) and the REST listener. <c>tributary connect-standalone</c>
/// and <c>connect-distributed</c> run one against any cluster; <c>tributary serve</c> runs a distributed one against
/// its own Kafka listener. Disposal stops the REST listener, then every connector (flushing offsets), then the client.
/// </summary>
public sealed class ConnectHost : IAsyncDisposable
{
    private readonly KafkaClient _client;
    private readonly IHerder _herder;
    private readonly IAsyncDisposable _herderLifetime;
    private readonly ConnectRestServer _rest;

    private ConnectHost(KafkaClient client, IHerder herder, IAsyncDisposable herderLifetime, StandaloneHerder local, ConnectRestServer rest, string host)
    {
        _client = client;
        _herder = herder;
        _herderLifetime = herderLifetime;
        LocalHerder = local;
        _rest = rest;
        Host = host;
    }

    public IHerder Herder => _herder;

    /// <summary>
    /// Completes with a message when the worker must exit (a distributed worker the group refused for good, such as a
    /// session timeout outside the broker's range); never completes otherwise.
    /// </summary>
    public Task<string> Fatal => _herder is DistributedHerder distributed ? distributed.Fatal : Never;

    private static readonly Task<string> Never = new TaskCompletionSource<string>().Task;

    /// <summary>The herder of what runs in this process (the distributed herder's inner one), for the metrics.</summary>
    public StandaloneHerder LocalHerder { get; }

    /// <summary>The REST address as printed ("" host: every interface).</summary>
    public string Host { get; }

    public int Port => _rest.Port;

    /// <param name="distributed">Distributed-mode settings (connect-distributed, serve): the worker joins its group and keeps everything in the internal topics; null: standalone.</param>
    /// <param name="importOffsetsFile">
    /// Distributed only: an offsets file of a standalone worker (serve's embedded worker was one until this version)
    /// whose offsets are copied into the offsets topic where it has none, then renamed to <c>.imported</c>.
    /// </param>
    public static async Task<ConnectHost> StartAsync(WorkerConfig worker, ILoggerFactory loggerFactory, DistributedConfig? distributed = null, CancellationToken cancellationToken = default, string? importOffsetsFile = null)
    {
        var logger = loggerFactory.CreateLogger("Tributary.Connect");
        var plugins = new PluginRegistry(
            [typeof(JsonConverter).Assembly, typeof(Filter).Assembly, typeof(FileStreamSourceConnector).Assembly, typeof(DatagenConnector).Assembly, typeof(S3SinkConnector).Assembly, typeof(global::Tributary.Connect.Registry.Protobuf.ProtobufConverter).Assembly, typeof(MySqlSourceConnector).Assembly, typeof(PostgresSourceConnector).Assembly],
            worker.PluginPaths,
            message => logger.LogWarning("{Message}", message));
        // The worker's own connections (group membership, internal topics, tasks without client settings of their own)
        // are secured by its top-level security.protocol / ssl.* / sasl.* keys; a bad value fails the start.
        var security = ClientSecurityProperties.From(worker.Originals);
        var client = new KafkaClient(new KafkaClientOptions { BootstrapServers = worker.BootstrapServerList, ClientId = "connect-worker", Security = security });
        try
        {
            var metadata = await client.RefreshMetadataAsync([], cancellationToken: cancellationToken).ConfigureAwait(false);
            if (distributed is not null)
            {
                return await StartDistributedAsync(worker, distributed, plugins, client, metadata.ClusterId, loggerFactory, importOffsetsFile, cancellationToken).ConfigureAwait(false);
            }
            var offsets = new FileOffsetStore(worker.GetString(WorkerConfig.OffsetStorageFileName));
            var (host, port) = worker.RestListener;
            KafkaConfigStore? configStore = null;
            if (worker.GetString(WorkerConfig.ConfigStorageTopic) is { Length: > 0 } configTopic)
            {
                configStore = new KafkaConfigStore(client, configTopic);
                await configStore.EnsureTopicAsync(cancellationToken).ConfigureAwait(false);
            }
            var herder = new StandaloneHerder(worker, plugins, client, offsets, $"{(host.Length == 0 ? "0.0.0.0" : host)}:{port}", loggerFactory, configStore);
            if (configStore is not null)
            {
                await herder.RestoreAsync(await configStore.LoadAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            }
            ConnectRestServer rest;
            try
            {
                rest = await ConnectRestServer.StartAsync(herder, host, port, metadata.ClusterId, Program.Version, loggerFactory).ConfigureAwait(false);
            }
            catch
            {
                await herder.DisposeAsync().ConfigureAwait(false);
                throw;
            }
            return new ConnectHost(client, herder, herder, herder, rest, host);
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// A distributed worker: its id (host:port others reach its REST API at: rest.advertised.host.name/port, else the
    /// listener's; a wildcard host is advertised as 127.0.0.1), the herder (internal topics, group), then REST.
    /// </summary>
    private static async Task<ConnectHost> StartDistributedAsync(WorkerConfig worker, DistributedConfig distributed, PluginRegistry plugins, KafkaClient client, string? clusterId, ILoggerFactory loggerFactory, string? importOffsetsFile, CancellationToken cancellationToken)
    {
        var (host, port) = worker.RestListener;
        if (port == 0 && worker.Originals.GetValueOrDefault(WorkerConfig.RestAdvertisedPort) is null)
        {
            throw new Tributary.Connect.Errors.ConfigException(WorkerConfig.Listeners, worker.GetList(WorkerConfig.Listeners)[0], "A distributed worker needs a fixed REST port (or rest.advertised.port): the other workers forward requests to it");
        }
        var advertisedHost = worker.GetString(WorkerConfig.RestAdvertisedHostName) is { Length: > 0 } named ? named : host is "" or "0.0.0.0" ? "127.0.0.1" : host;
        var advertisedPort = worker.Originals.TryGetValue(WorkerConfig.RestAdvertisedPort, out var portText) ? int.Parse(portText, System.Globalization.CultureInfo.InvariantCulture) : port;
        var herder = new DistributedHerder(worker, distributed, plugins, client, $"{advertisedHost}:{advertisedPort}", loggerFactory);
        try
        {
            var import = importOffsetsFile is not null && File.Exists(importOffsetsFile) ? new FileOffsetStore(importOffsetsFile) : null;
            await herder.StartAsync(cancellationToken, import).ConfigureAwait(false);
            if (import is not null)
            {
                // Copied and flushed to the topic: the file is kept for reference but never read again.
                File.Move(importOffsetsFile!, importOffsetsFile + ".imported", overwrite: true);
            }
            var rest = await ConnectRestServer.StartAsync(herder, host, port, clusterId, Program.Version, loggerFactory).ConfigureAwait(false);
            return new ConnectHost(client, herder, herder, herder.LocalHerder, rest, host);
        }
        catch
        {
            await herder.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// A free TCP port on <paramref name="host"/> now (bound and released): a distributed worker must know the port
    /// its REST listener will have before it joins its group, since the others reach it there.
    /// </summary>
    public static int FreePort(string host)
    {
        var address = host is "" or "0.0.0.0" ? System.Net.IPAddress.Any : host == "localhost" ? System.Net.IPAddress.Loopback : System.Net.IPAddress.Parse(host);
        var listener = new System.Net.Sockets.TcpListener(address, 0);
        listener.Start();
        try
        {
            return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <summary>
    /// Reads a connector file as connect-standalone does: a .json file holds a flat config map or a create request
    /// (<c>{"name","config","initial_state"}</c>); anything else is a .properties file.
    /// </summary>
    public static (string Name, Dictionary<string, string> Config, TargetState InitialState) ReadConnectorFile(string path)
    {
        if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            if (root.TryGetProperty("config", out var config) && config.ValueKind == JsonValueKind.Object)
            {
                var map = ConnectorsResource.StringMap(config, "Connector configuration");
                var name = root.TryGetProperty("name", out var nameElement) ? nameElement.GetString() ?? "" : map.GetValueOrDefault(ConnectorConfig.Name, "");
                var state = root.TryGetProperty("initial_state", out var stateElement) && stateElement.ValueKind == JsonValueKind.String
                    ? stateElement.GetString()!.ToUpperInvariant() switch { "PAUSED" => TargetState.PAUSED, "STOPPED" => TargetState.STOPPED, _ => TargetState.STARTED }
                    : TargetState.STARTED;
                return (name, map, state);
            }
            var flat = ConnectorsResource.StringMap(root, "Connector configuration");
            return (flat.GetValueOrDefault(ConnectorConfig.Name, ""), flat, TargetState.STARTED);
        }
        var properties = PropertiesFile.Load(path);
        return (properties.GetValueOrDefault(ConnectorConfig.Name, ""), properties, TargetState.STARTED);
    }

    public async ValueTask DisposeAsync()
    {
        await _rest.DisposeAsync().ConfigureAwait(false);
        await _herderLifetime.DisposeAsync().ConfigureAwait(false);
        await _client.DisposeAsync().ConfigureAwait(false);
    }
}
