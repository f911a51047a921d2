using Tributary.ObjectStores;

namespace Tributary.Athena.Engine;

/// <summary>
/// Local files for the objects under a location, for DuckDB to read (it reads no object store itself: no extension is
/// downloaded). Objects of a <see cref="LocalDirectoryStore"/> are its own files; any other store's objects are copied
/// once into the cache directory and reused while the object's size and time are unchanged. Listing skips what Hive
/// and Athena skip: names starting with '_' or '.', "$folder$" markers and empty objects.
/// Thread-safe: concurrent queries may fill the cache; a copy is written to a temporary name and renamed into place.
/// </summary>
public sealed class ObjectFiles(IObjectStore store, string cacheDirectory)
{
    private readonly LocalObjectCopies _copies = new(store, cacheDirectory);

    /// <summary>One object as DuckDB reads it: its local path, size, and whether its bytes start with gzip's magic.</summary>
    public readonly record struct LocalObject(string Path, long Size, bool Gzip);

    /// <summary>
    /// The objects under <paramref name="location"/>; with <paramref name="detectGzip"/> each is opened to look for
    /// gzip's magic (text formats), otherwise <see cref="LocalObject.Gzip"/> is false (Parquet compresses inside the file).
    /// </summary>
    public async Task<List<LocalObject>> ListAsync(S3Location location, bool detectGzip, CancellationToken cancellationToken)
    {
        var result = new List<LocalObject>();
        try
        {
            await foreach (var info in store.ListAsync(location.Bucket, location.Prefix, cancellationToken).ConfigureAwait(false))
            {
                var name = info.Key[(info.Key.LastIndexOf('/') + 1)..];
                var relative = info.Key[location.Prefix.Length..];
                if (info.Size == 0 || name.Length == 0 || name[0] is '_' or '.' || name.EndsWith("$folder$", StringComparison.Ordinal)
                    || relative.Split('/').Any(part => part.StartsWith('_') || part.StartsWith('.')))
                {
                    continue;
                }
                var path = await _copies.PathAsync(location.Bucket, info, cancellationToken).ConfigureAwait(false);
                result.Add(new LocalObject(path, info.Size, detectGzip && IsGzip(path)));
            }
        }
        catch (DirectoryNotFoundException)
        {
            // A missing bucket holds no objects: the table is empty, as in Athena.
        }
        return result;
    }

    private static bool IsGzip(string path)
    {
        Span<byte> head = stackalloc byte[2];
        using var handle = File.OpenHandle(path);
        return RandomAccess.Read(handle, head, 0) == 2 && head[0] == 0x1f && head[1] == 0x8b;
    }
}
