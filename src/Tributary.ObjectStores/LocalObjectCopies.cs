namespace Tributary.ObjectStores;

/// <summary>
/// A local file for an object, for readers that need a path (DuckDB, the crawler's classifiers): the object's own file
/// on the local directory store, otherwise a copy under <paramref name="cacheDirectory"/> reused while the object's
/// size and time are unchanged. A copy is written to a temporary name and renamed, so a reader never sees half of one.
/// Thread-safe (concurrent copies of one object each rename a complete file).
/// </summary>
public sealed class LocalObjectCopies(IObjectStore store, string cacheDirectory)
{
    public async Task<string> PathAsync(string bucket, ObjectInfo info, CancellationToken cancellationToken)
    {
        if (store is LocalDirectoryStore local)
        {
            return Path.Combine(local.Root, bucket, info.Key);
        }
        var path = Path.Combine(cacheDirectory, bucket, info.Key);
        var cached = new FileInfo(path);
        if (cached.Exists && cached.Length == info.Size && cached.LastWriteTimeUtc >= info.LastModified.UtcDateTime)
        {
            return path;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".part";
        await using (var source = await store.OpenReadAsync(bucket, info.Key, cancellationToken).ConfigureAwait(false))
        await using (var target = File.Create(temporary))
        {
            await source.CopyToAsync(target, cancellationToken).ConfigureAwait(false);
        }
        File.Move(temporary, path, overwrite: true);
        return path;
    }
}
