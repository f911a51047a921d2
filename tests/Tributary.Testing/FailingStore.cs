using Tributary.ObjectStores;

namespace Tributary.Testing;

/// <summary>Lets <c>failAfter</c> puts through, then fails every put (an object store that went away).</summary>
public sealed class FailingStore(IObjectStore inner, int failAfter) : IObjectStore
{
    private int _puts;

    public int Failures { get; private set; }

    public Task EnsureBucketAsync(string bucket, CancellationToken cancellationToken = default) => inner.EnsureBucketAsync(bucket, cancellationToken);

    public Task PutAsync(string bucket, string key, ObjectContent content, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Increment(ref _puts) > failAfter)
        {
            Failures++;
            throw new IOException("injected failure");
        }
        return inner.PutAsync(bucket, key, content, cancellationToken);
    }

    public Task<bool> ExistsAsync(string bucket, string key, CancellationToken cancellationToken = default) => inner.ExistsAsync(bucket, key, cancellationToken);

    public Task<Stream> OpenReadAsync(string bucket, string key, CancellationToken cancellationToken = default) => inner.OpenReadAsync(bucket, key, cancellationToken);

    public IAsyncEnumerable<ObjectInfo> ListAsync(string bucket, string prefix = "", CancellationToken cancellationToken = default) => inner.ListAsync(bucket, prefix, cancellationToken);

    public Task DeleteAsync(string bucket, string key, CancellationToken cancellationToken = default) => inner.DeleteAsync(bucket, key, cancellationToken);
}
