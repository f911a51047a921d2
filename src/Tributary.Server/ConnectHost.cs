using System.Text.Json;
using Microsoft.Extensions.Logging;
using Tributary.Cdc.MySql;
using Tributary.Client;
using Tributary.Connect.File;
using Tributary.Connect.Json;
using Tributary.Connect.Runtime.Config;
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
/// transformations, FileStream connectors, the S3 sink and Debezium's MySQL source plus plugin.path), the offsets file, the standalone herder and the REST
/// listener. <c>tributary connect-standalone</c> runs one against any cluster; <c>tributary serve</c> runs one against
/// its own Kafka listener. Disposal stops the REST listener, then every connector (flushing offsets), then the client.
/// </summary>
public sealed class ConnectHost : IAsyncDisposable
{
    private readonly KafkaClient _client;
    private readonly StandaloneHerder _herder;
    private readonly ConnectRestServer _rest;

    private ConnectHost(KafkaClient client, StandaloneHerder herder, ConnectRestServer rest, string host)
    {
        _client = client;
        _herder = herder;
        _rest = rest;
        Host = host;
    }

    public StandaloneHerder Herder => _herder;

    /// <summary>The REST address as printed ("" host: every interface).</summary>
    public string Host { get; }

    public int Port => _rest.Port;

    public static async Task<ConnectHost> StartAsync(WorkerConfig worker, ILoggerFactory loggerFactory, CancellationToken cancellationToken = default)
    {
        var logger = loggerFactory.CreateLogger("Tributary.Connect");
        var plugins = new PluginRegistry(
            [typeof(JsonConverter).Assembly, typeof(Filter).Assembly, typeof(FileStreamSourceConnector).Assembly, typeof(S3SinkConnector).Assembly, typeof(MySqlSourceConnector).Assembly],
            worker.PluginPaths,
            message => logger.LogWarning("{Message}", message));
        var client = new KafkaClient(new KafkaClientOptions { BootstrapServers = worker.BootstrapServerList, ClientId = "connect-worker" });
        try
        {
            var metadata = await client.RefreshMetadataAsync([], cancellationToken: cancellationToken).ConfigureAwait(false);
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
            return new ConnectHost(client, herder, rest, host);
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
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
        await _herder.DisposeAsync().ConfigureAwait(false);
        await _client.DisposeAsync().ConfigureAwait(false);
    }
}
