using System.Text.Json;
using Microsoft.Extensions.Logging;
using Tributary.Aws;
using Tributary.Broker;
using Tributary.Firehose.Api;
using Tributary.Firehose.Model;
using Tributary.Firehose.Streams;
using Tributary.ObjectStores;
using Tributary.S3;
using Tributary.S3.Storage;

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

    /// <summary>The object store delivery.destination names.</summary>
    public static IObjectStore CreateStore(ObjectStoreChoice choice) => choice.Destination switch
    {
        "s3" => new S3ObjectStore(choice.S3),
        _ => new LocalDirectoryStore(choice.LocalDirectory),
    };

    public static DeliveryHost Open(IBrokerApi broker, TributaryOptions settings, ILoggerFactory loggerFactory)
    {
        var store = CreateStore(settings.ObjectStore);
        var streams = DeliveryStreams.Open(broker, store, settings.Delivery, loggerFactory);
        var service = FirehoseApi.CreateService(streams, settings.Firehose);
        return new DeliveryHost(streams, store, service);
    }

    /// <summary>
    /// The S3 API over the embedded bucket (delivery.local.directory): the store delivery streams write to when the
    /// destination is local, otherwise a store of its own on that directory (so `aws s3` still reaches the local objects).
    /// </summary>
    public S3Service CreateS3Service(TributaryOptions settings, ILoggerFactory loggerFactory)
    {
        var local = Store as LocalDirectoryStore ?? new LocalDirectoryStore(settings.ObjectStore.LocalDirectory);
        return new S3Service(new EmbeddedBuckets(local), settings.AwsServer.Credentials, loggerFactory.CreateLogger<S3Service>());
    }

    /// <summary>Starts the engines, then creates the streams the configuration file declares that do not exist yet.</summary>
    public async Task StartAsync(string? declaredStreamsFile, CancellationToken cancellationToken = default)
    {
        Streams.StartAll();
        if (declaredStreamsFile is not { } file)
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
