using System.Security.Cryptography;
using Tributary.ObjectStores;

namespace Tributary.S3.Storage;

/// <summary>
/// The embedded bucket as S3 sees it: a <see cref="LocalDirectoryStore"/> (the delivery streams' and the S3 sink's
/// default destination) plus what S3 keeps that the store does not — ETags, Content-Types and user metadata
/// (<see cref="MetadataSidecars"/>), multipart uploads (<see cref="MultipartUploads"/>) and spool files. All of that lives
/// in <c>&lt;root&gt;/.tributary-s3/</c>, which is not a valid bucket name, so it never shows as a bucket or in a listing.
/// <para>
/// Writes: a request body is spooled to <c>spool/</c> (same file system), its sidecar is written, then the store's
/// all-or-nothing put takes the spool file (hard link, fsync, rename): a reader sees the old object or the new one,
/// never a torn one, and the sidecar is stamped with the file's length and modification time, which the link keeps.
/// Objects that arrived another way (a delivery stream) get their ETag — the MD5 of their bytes — computed on first
/// use and cached in a sidecar. Thread-safe.
/// </para>
/// </summary>
public sealed class EmbeddedBuckets
{
    /// <summary>The hidden area under the store's root.</summary>
    public const string AreaName = ".tributary-s3";

    private readonly string _spool;

    /// <summary>Opens the area (creating it) and deletes spool files a previous process left behind.</summary>
    public EmbeddedBuckets(LocalDirectoryStore store)
    {
        Store = store;
        var area = Path.Combine(store.Root, AreaName);
        _spool = Path.Combine(area, "spool");
        if (Directory.Exists(_spool))
        {
            Directory.Delete(_spool, recursive: true);
        }
        Directory.CreateDirectory(_spool);
        Sidecars = new MetadataSidecars(Path.Combine(area, "metadata"));
        Uploads = new MultipartUploads(Path.Combine(area, "uploads"));
    }

    public LocalDirectoryStore Store { get; }

    public MetadataSidecars Sidecars { get; }

    public MultipartUploads Uploads { get; }

    /// <summary>A new spool file path (not created) on the store's file system.</summary>
    public string NewSpoolPath() => Path.Combine(_spool, Guid.NewGuid().ToString("N"));

    /// <summary>Throws NoSuchBucket unless the bucket exists (an invalid name cannot exist).</summary>
    public void RequireBucket(string bucket)
    {
        if (!IsValidBucketName(bucket) || !Store.BucketExists(bucket))
        {
            throw S3Errors.NoSuchBucket(bucket);
        }
    }

    public static bool IsValidBucketName(string bucket)
    {
        try
        {
            S3Names.ValidateBucketName(bucket);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>
    /// Throws unless <paramref name="key"/> can be stored: KeyTooLongError above 1,024 bytes; InvalidArgument for keys a
    /// directory cannot hold (an empty, "." or ".." segment, a trailing '/') or that clash with another key as file and
    /// directory ("a" and "a/b").
    /// </summary>
    public void RequireStorableKey(string bucket, string key)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(key) > 1024)
        {
            throw S3Errors.KeyTooLong();
        }
        try
        {
            LocalDirectoryStore.ValidateKey(key);
        }
        catch (ArgumentException e)
        {
            throw S3Errors.InvalidArgument("The embedded bucket stores each key as a file path and cannot hold this one: " + e.Message, "key", key);
        }
        var bucketDirectory = Path.Combine(Store.Root, bucket);
        var path = Path.Combine(bucketDirectory, key);
        if (Directory.Exists(path))
        {
            throw S3Errors.InvalidArgument($"The embedded bucket stores each key as a file path: '{key}' is a prefix of other keys (a directory) and cannot also be an object.", "key", key);
        }
        for (var parent = Path.GetDirectoryName(path); parent is not null && parent.Length > bucketDirectory.Length; parent = Path.GetDirectoryName(parent))
        {
            if (File.Exists(parent))
            {
                var clash = Path.GetRelativePath(bucketDirectory, parent).Replace(Path.DirectorySeparatorChar, '/');
                throw S3Errors.InvalidArgument($"The embedded bucket stores each key as a file path: the object '{clash}' exists, so '{key}' cannot be stored under it.", "key", key);
            }
        }
    }

    /// <summary>
    /// Makes the spool file the object under the key (the file is taken; its path is gone afterwards) with the given
    /// metadata, and returns the metadata as recorded.
    /// </summary>
    public async Task<ObjectMetadata> PutAsync(string bucket, string key, string spoolPath, string etag, string contentType, IReadOnlyDictionary<string, string> userMetadata, CancellationToken cancellationToken)
    {
        try
        {
            var file = new FileInfo(spoolPath);
            var metadata = new ObjectMetadata(etag, contentType, userMetadata, file.Length, file.LastWriteTimeUtc.Ticks);
            Sidecars.Write(bucket, key, metadata);
            await Store.PutAsync(bucket, key, ObjectContent.FromFile(spoolPath), cancellationToken).ConfigureAwait(false);
            return metadata;
        }
        finally
        {
            File.Delete(spoolPath);
        }
    }

    /// <summary>The object's size, time and metadata, or null when there is none under the key.</summary>
    public async Task<StoredObject?> FindAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        var info = Store.TryGetInfo(bucket, key);
        return info is null ? null : await DescribeAsync(bucket, info, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The metadata of a listed or found object: its sidecar when that describes the file, else the MD5 of the bytes
    /// (read once, then cached). Null when the object disappeared meanwhile.
    /// </summary>
    public async Task<StoredObject?> DescribeAsync(string bucket, ObjectInfo info, CancellationToken cancellationToken)
    {
        var sidecar = Sidecars.Read(bucket, info.Key);
        if (sidecar is not null && sidecar.Length == info.Size && sidecar.ModifiedTicks == info.LastModified.UtcTicks)
        {
            return new StoredObject(info, sidecar);
        }
        Stream stream;
        try
        {
            stream = await Store.OpenReadAsync(bucket, info.Key, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        await using (stream.ConfigureAwait(false))
        {
            var digest = await MD5.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
            // Stamp what was read (the file may have been replaced since the listing), not what was listed.
            var handle = ((FileStream)stream).SafeFileHandle;
            var modified = File.GetLastWriteTimeUtc(handle);
            var actual = new ObjectInfo(info.Key, stream.Length, modified);
            var metadata = new ObjectMetadata("\"" + Convert.ToHexStringLower(digest) + "\"", sidecar?.ContentType ?? ObjectMetadata.DefaultContentType,
                sidecar?.UserMetadata ?? ObjectMetadata.NoUserMetadata, actual.Size, modified.Ticks);
            Sidecars.WriteCache(bucket, info.Key, metadata);
            return new StoredObject(actual, metadata);
        }
    }

    public async Task DeleteAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        if (!LocalDirectoryStore.IsValidKey(key))
        {
            return; // no such object can exist
        }
        await Store.DeleteAsync(bucket, key, cancellationToken).ConfigureAwait(false);
        Sidecars.Delete(bucket, key);
    }
}

/// <summary>An object as S3 describes it.</summary>
public sealed record StoredObject(ObjectInfo Info, ObjectMetadata Metadata);
