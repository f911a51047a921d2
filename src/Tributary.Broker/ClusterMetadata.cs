using System.Buffers.Text;
using System.Text.Json;
using Tributary.Foundation.IO;

namespace Tributary.Broker;

/// <summary>
/// The broker's own small state in <c>__cluster/cluster.json</c>: the cluster id (generated once) and the end
/// of the reserved producer id block. Not thread-safe: callers serialise changes.
/// </summary>
internal sealed class ClusterMetadata
{
    public const string FileName = "cluster.json";
    private const int FormatVersion = 1;

    private readonly string _path;

    private ClusterMetadata(string path, string clusterId, long producerIdBlockEnd)
    {
        _path = path;
        ClusterId = clusterId;
        ProducerIdBlockEnd = producerIdBlockEnd;
    }

    public string ClusterId { get; }

    /// <summary>Producer ids below this may have been handed out; the next start continues from here.</summary>
    public long ProducerIdBlockEnd { get; private set; }

    /// <summary>Loads the file, or creates it with a new cluster id (or <paramref name="expectedClusterId"/>).</summary>
    public static ClusterMetadata LoadOrCreate(string clusterDirectory, string? expectedClusterId)
    {
        var path = Path.Combine(clusterDirectory, FileName);
        if (File.Exists(path))
        {
            var file = JsonSerializer.Deserialize(File.ReadAllBytes(path), BrokerJsonContext.Default.ClusterFile)
                ?? throw new InvalidDataException($"{path} is empty.");
            if (file.Version != FormatVersion)
            {
                throw new InvalidDataException($"{path} has format version {file.Version}; this broker reads version {FormatVersion}.");
            }
            if (expectedClusterId is not null && expectedClusterId != file.ClusterId)
            {
                throw new InvalidOperationException($"The data directory belongs to cluster {file.ClusterId}, not {expectedClusterId}.");
            }
            return new ClusterMetadata(path, file.ClusterId, file.ProducerIdBlockEnd);
        }
        var metadata = new ClusterMetadata(path, expectedClusterId ?? NewClusterId(), 0);
        metadata.Write(0);
        return metadata;
    }

    /// <summary>Durably moves the reserved producer id block end to <paramref name="end"/> before any id below it is used.</summary>
    public void ReserveProducerIds(long end)
    {
        // Written before it takes effect: if the write fails no id of the new block may be handed out.
        Write(end);
        ProducerIdBlockEnd = end;
    }

    /// <summary>A random UUID in Kafka's text form: 22 characters of unpadded base64url, never starting with '-'.</summary>
    public static string NewClusterId()
    {
        while (true)
        {
            var id = Base64Url.EncodeToString(Guid.NewGuid().ToByteArray());
            if (!id.StartsWith('-'))
            {
                return id;
            }
        }
    }

    private void Write(long producerIdBlockEnd) =>
        DurableFile.WriteAtomically(_path, JsonSerializer.SerializeToUtf8Bytes(new ClusterFile(FormatVersion, ClusterId, producerIdBlockEnd), BrokerJsonContext.Default.ClusterFile));
}
