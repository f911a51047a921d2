using System.Security.Cryptography;
using System.Text;
using Tributary.Foundation.IO;

namespace Tributary.S3.Storage;

/// <summary>
/// Object metadata files under <c>&lt;area&gt;/&lt;bucket&gt;/&lt;h[0..2]&gt;/&lt;h&gt;.json</c>, h the SHA-256 of the key in hex:
/// a fixed-length name whatever the key (a key can be 1,024 bytes, a file name 255), and no clash between a key and
/// the keys "under" it. Written before the object's rename (see <see cref="EmbeddedBuckets"/>), so an object put
/// through the S3 API always finds its sidecar; one that does not describe the file is ignored. Thread-safe.
/// </summary>
public sealed class MetadataSidecars(string area)
{
    public ObjectMetadata? Read(string bucket, string key)
    {
        try
        {
            return ObjectMetadata.FromJson(File.ReadAllBytes(PathOf(bucket, key)));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Replaces the sidecar durably: a temporary file of its own (concurrent puts of one key each write theirs; the last
    /// rename wins, as the last put does), fsync, rename, directory fsync.
    /// </summary>
    public void Write(string bucket, string key, ObjectMetadata metadata) => Replace(bucket, key, metadata, durable: true);

    /// <summary>Replaces the sidecar without fsync: for metadata that can be computed again (an ETag read from the bytes).</summary>
    public void WriteCache(string bucket, string key, ObjectMetadata metadata) => Replace(bucket, key, metadata, durable: false);

    private void Replace(string bucket, string key, ObjectMetadata metadata, bool durable)
    {
        var path = PathOf(bucket, key);
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            using (var handle = File.OpenHandle(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                RandomAccess.Write(handle, metadata.ToJson(), 0);
                if (durable)
                {
                    NativeFile.FlushData(handle);
                }
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
        if (durable)
        {
            DurableFile.FlushDirectory(directory);
        }
    }

    public void Delete(string bucket, string key)
    {
        try
        {
            File.Delete(PathOf(bucket, key));
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    public void DeleteBucket(string bucket)
    {
        var directory = Path.Combine(area, bucket);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private string PathOf(string bucket, string key)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        return Path.Combine(area, bucket, hash[..2], hash + ".json");
    }
}
