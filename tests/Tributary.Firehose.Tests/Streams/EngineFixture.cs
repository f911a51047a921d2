using System.IO.Compression;
using Microsoft.Extensions.Logging.Abstractions;
using Tributary.Broker;
using Tributary.Delivery.Compression;
using Tributary.Firehose.Model;
using Tributary.Firehose.Streams;
using Tributary.ObjectStores;

namespace Tributary.Firehose.Tests.Streams;

/// <summary>An in-process broker, a local object store and the delivery streams on them, in a temporary directory.</summary>
internal sealed class EngineFixture : IAsyncDisposable
{
    private EngineFixture(string root, Broker.Broker broker, LocalDirectoryStore store, DeliveryStreams streams)
    {
        Root = root;
        Broker = broker;
        Store = store;
        Streams = streams;
    }

    public string Root { get; }

    public Broker.Broker Broker { get; }

    public LocalDirectoryStore Store { get; }

    public DeliveryStreams Streams { get; private set; }

    public string ObjectsRoot => Path.Combine(Root, "objects");

    /// <summary>False keeps the directory for a second fixture on the same data (a restart).</summary>
    public bool DeleteOnDispose { get; set; } = true;

    public static async Task<EngineFixture> StartAsync(string? root = null, IObjectStore? store = null, Func<DeliveryOptions, DeliveryOptions>? options = null)
    {
        root ??= Path.Combine(Path.GetTempPath(), "tributary-delivery-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var broker = await Tributary.Broker.Broker.OpenAsync(new BrokerOptions { DataDirectory = Path.Combine(root, "data") });
        var local = new LocalDirectoryStore(Path.Combine(root, "objects"));
        var streams = DeliveryStreams.Open(broker, store ?? local, options is null ? Options(root) : options(Options(root)), NullLoggerFactory.Instance);
        streams.StartAll();
        return new EngineFixture(root, broker, local, streams);
    }

    public static DeliveryOptions Options(string root) => new()
    {
        Directory = Path.Combine(root, "data", "__cluster", "delivery"),
        TablesDirectory = Path.Combine(root, "tables"),
        PollWaitMs = 50,
    };

    public static DeliveryStreamDefinition DirectPut(string name, Func<S3DestinationDefinition, S3DestinationDefinition>? destination = null)
    {
        var baseDestination = new S3DestinationDefinition { BucketArn = "arn:aws:s3:::bucket", BufferIntervalInSeconds = 1, BufferSizeInMBs = 1, Compression = CompressionFormat.Gzip };
        return new DeliveryStreamDefinition { Name = name, Destination = destination is null ? baseDestination : destination(baseDestination) };
    }

    /// <summary>Every object of the bucket: key → decompressed bytes (by extension).</summary>
    public async Task<SortedDictionary<string, byte[]>> ObjectsAsync(string bucket = "bucket")
    {
        var result = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        if (!Directory.Exists(Path.Combine(ObjectsRoot, bucket)))
        {
            return result;
        }
        await foreach (var info in Store.ListAsync(bucket))
        {
            await using var stream = await Store.OpenReadAsync(bucket, info.Key);
            using var data = new MemoryStream();
            if (info.Key.EndsWith(".gz", StringComparison.Ordinal))
            {
                await using var gzip = new GZipStream(stream, CompressionMode.Decompress);
                await gzip.CopyToAsync(data);
            }
            else
            {
                await stream.CopyToAsync(data);
            }
            result[info.Key] = data.ToArray();
        }
        return result;
    }

    public static Task WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        Eventually.HoldsAsync(condition, what, timeout, TimeSpan.FromMilliseconds(100));

    /// <summary>Stops the streams (as a crash would, without delivering buffers) and opens them again on the same state.</summary>
    public async Task RestartStreamsAsync()
    {
        await Streams.DisposeAsync();
        Streams = DeliveryStreams.Open(Broker, Store, Options(Root), NullLoggerFactory.Instance);
        Streams.StartAll();
    }

    public async ValueTask DisposeAsync()
    {
        await Streams.DisposeAsync();
        await Broker.DisposeAsync();
        if (!DeleteOnDispose)
        {
            return;
        }
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
