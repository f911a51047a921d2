using System.Text.Json;
using Microsoft.Extensions.Logging;
using Tributary.Aws;
using Tributary.Broker;
using Tributary.Firehose.Api;
using Tributary.Firehose.Model;
using Tributary.Firehose.Streams;
using Tributary.ObjectStores;

namespace Tributary.Server;

/// <summary>
/// Wires delivery streams (delivery.* options): the object store (local directory or S3), the stream registry on the
/// broker, the Firehose API service for the AWS endpoints, and the streams declared in delivery.streams.file.
/// </summary>
public sealed class DeliveryHost : IAsyncDisposable
{
    private DeliveryHost(DeliveryStreams streams, IObjectStore store, AwsService service)
    {
        Streams = streams;
        Store = store;
        Service = service;
    }

    public DeliveryStreams Streams { get; }

    public IObjectStore Store { get; }

    /// <summary>The Firehose API (X-Amz-Target Firehose_20150804) for the AWS endpoints.</summary>
    public AwsService Service { get; }

    public static DeliveryOptions Options(ServerConfiguration configuration, string dataDirectory) => new()
    {
        Directory = Path.Combine(dataDirectory, Tributary.Broker.Broker.ClusterDirectoryName, "delivery"),
        TablesDirectory = Path.Combine(dataDirectory, configuration.GetString(ServerConfiguration.Keys.DeliveryTablesDirectory)),
        Region = configuration.GetString(ServerConfiguration.Keys.AwsRegion),
        AccountId = configuration.GetString(ServerConfiguration.Keys.AwsAccountId),
        MaxStreams = configuration.GetInt32(ServerConfiguration.Keys.DeliveryMaxStreams, 1, 100_000),
        MaxBufferedBytes = configuration.GetInt64(ServerConfiguration.Keys.DeliveryMaxBufferedBytes, 1024 * 1024, long.MaxValue),
        MaxActivePartitions = configuration.GetInt32(ServerConfiguration.Keys.DeliveryMaxActivePartitions, 1, 100_000),
        LambdaEndpoints = ParseEndpoints(Unless(configuration.GetString(ServerConfiguration.Keys.DeliveryLambdaEndpoints), "none") ?? ""),
        LambdaTimeout = TimeSpan.FromMilliseconds(configuration.GetInt32(ServerConfiguration.Keys.DeliveryLambdaTimeoutMs, 1, 900_000)),
    };

    /// <summary>The object store delivery.destination names.</summary>
    public static IObjectStore CreateStore(ServerConfiguration configuration, string dataDirectory)
    {
        var destination = configuration.GetString(ServerConfiguration.Keys.DeliveryDestination);
        switch (destination)
        {
            case "local":
                // Path.Combine keeps an absolute setting as it is and puts a relative one under the data directory.
                return new LocalDirectoryStore(Path.Combine(dataDirectory, configuration.GetString(ServerConfiguration.Keys.DeliveryLocalDirectory)));
            case "s3":
                return new S3ObjectStore(new S3StoreOptions
                {
                    ServiceUrl = Unless(configuration.GetString(ServerConfiguration.Keys.DeliveryS3Endpoint), "aws"),
                    Region = configuration.GetString(ServerConfiguration.Keys.DeliveryS3Region),
                    ForcePathStyle = configuration.GetBool(ServerConfiguration.Keys.DeliveryS3PathStyle),
                    AccessKeyId = Unless(configuration.GetString(ServerConfiguration.Keys.DeliveryS3AccessKey), "chain"),
                    SecretAccessKey = Unless(configuration.GetString(ServerConfiguration.Keys.DeliveryS3SecretKey), "chain"),
                    PartSize = configuration.GetInt64(ServerConfiguration.Keys.DeliveryS3PartSizeBytes, 5 * 1024 * 1024, 5L * 1024 * 1024 * 1024),
                    CreateBuckets = configuration.GetBool(ServerConfiguration.Keys.DeliveryS3CreateBuckets),
                });
            default:
                throw new ConfigurationException($"Option '{ServerConfiguration.Keys.DeliveryDestination}' must be local or s3; got '{destination}'.");
        }
    }

    /// <summary>"NAME=URL,NAME=URL" (names may be ARNs, which contain ':' but never '=' or ',').</summary>
    public static IReadOnlyDictionary<string, string> ParseEndpoints(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=');
            if (equals <= 0 || !Uri.TryCreate(pair[(equals + 1)..], UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new ConfigurationException($"Option '{ServerConfiguration.Keys.DeliveryLambdaEndpoints}' expects NAME=http(s)://URL pairs separated by commas; got '{pair}'.");
            }
            result[pair[..equals]] = pair[(equals + 1)..];
        }
        return result;
    }

    /// <summary>Null for an empty value or the option's "not set" word (none, aws, chain).</summary>
    private static string? Unless(string text, string unset) => text.Length == 0 || text == unset ? null : text;

    public static DeliveryHost Open(IBrokerApi broker, ServerConfiguration configuration, string dataDirectory, ILoggerFactory loggerFactory)
    {
        var store = CreateStore(configuration, dataDirectory);
        var streams = DeliveryStreams.Open(broker, store, Options(configuration, dataDirectory), loggerFactory);
        var service = FirehoseApi.CreateService(streams, new FirehoseOptions
        {
            Region = configuration.GetString(ServerConfiguration.Keys.AwsRegion),
            AccountId = configuration.GetString(ServerConfiguration.Keys.AwsAccountId),
        });
        return new DeliveryHost(streams, store, service);
    }

    /// <summary>Starts the engines, then creates the streams the configuration file declares that do not exist yet.</summary>
    public async Task StartAsync(ServerConfiguration configuration, CancellationToken cancellationToken = default)
    {
        Streams.StartAll();
        if (Unless(configuration.GetString(ServerConfiguration.Keys.DeliveryStreamsFile), "none") is not { } file)
        {
            return;
        }
        using var document = JsonDocument.Parse(await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false));
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new ConfigurationException($"{file}: expected a JSON array of CreateDeliveryStream request bodies.");
        }
        foreach (var element in document.RootElement.EnumerateArray())
        {
            DeliveryStreamDefinition definition;
            try
            {
                definition = FirehoseDefinitions.ParseCreate(element);
            }
            catch (Exception e) when (e is AwsErrorException or DeliveryException)
            {
                throw new ConfigurationException($"{file}: a declared delivery stream is invalid: {e.Message}");
            }
            try
            {
                await Streams.EnsureDeclaredAsync(definition, cancellationToken).ConfigureAwait(false);
            }
            catch (DeliveryException e)
            {
                throw new ConfigurationException($"{file}: delivery stream {definition.Name} could not be created: {e.Message}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Streams.DisposeAsync().ConfigureAwait(false);
        if (Store is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync().ConfigureAwait(false);
        }
        else if (Store is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }
}
