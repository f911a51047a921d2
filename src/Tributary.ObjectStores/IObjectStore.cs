namespace Tributary.ObjectStores;

/// <summary>
/// Where objects go: a local directory laid out like S3 or an S3-compatible service. Keys are S3 keys
/// ('/'-separated, case-sensitive). Every method is thread-safe.
/// <para>Contract the sink engine's exactly-once protocol (src/Tributary.Delivery) relies on:</para>
/// <list type="bullet">
/// <item><see cref="PutAsync"/> is all or nothing: when it returns the whole object is durable under the key; when it
/// fails or the process dies, the key holds either nothing or its previous complete object, never a part.</item>
/// <item>A put of an existing key replaces it (S3 semantics), so a replay after a crash rewrites the same key.</item>
/// <item>Missing objects: <see cref="OpenReadAsync"/> throws <see cref="FileNotFoundException"/>, <see cref="DeleteAsync"/>
/// succeeds. A missing bucket: <see cref="DirectoryNotFoundException"/> (call <see cref="EnsureBucketAsync"/> first).</item>
/// <item>Invalid bucket names or keys: <see cref="ArgumentException"/>.</item>
/// </list>
/// </summary>
public interface IObjectStore
{
    /// <summary>Creates the bucket if it does not exist (S3: only when the store may create buckets; otherwise checks it exists).</summary>
    Task EnsureBucketAsync(string bucket, CancellationToken cancellationToken = default);

    /// <summary>Stores <paramref name="content"/> under <paramref name="key"/>, replacing any object there.</summary>
    Task PutAsync(string bucket, string key, ObjectContent content, CancellationToken cancellationToken = default);

    /// <summary>
    /// As <see cref="PutAsync"/> (all or nothing, replacing), for objects a crash may lose because they can be made
    /// again — Athena's query results: the store need not make the object durable before returning (a local directory
    /// skips its fsyncs; S3 is durable anyway). Stores without a cheaper path put durably.
    /// </summary>
    Task PutUnsyncedAsync(string bucket, string key, ObjectContent content, CancellationToken cancellationToken = default) =>
        PutAsync(bucket, key, content, cancellationToken);

    Task<bool> ExistsAsync(string bucket, string key, CancellationToken cancellationToken = default);

    /// <summary>A stream over the object's bytes; the caller disposes it.</summary>
    Task<Stream> OpenReadAsync(string bucket, string key, CancellationToken cancellationToken = default);

    /// <summary>The objects whose keys start with <paramref name="prefix"/>, in ascending key order (ordinal).</summary>
    IAsyncEnumerable<ObjectInfo> ListAsync(string bucket, string prefix = "", CancellationToken cancellationToken = default);

    Task DeleteAsync(string bucket, string key, CancellationToken cancellationToken = default);
}

/// <summary>One listed object.</summary>
public sealed record ObjectInfo(string Key, long Size, DateTimeOffset LastModified);

/// <summary>
/// The bytes of an object to put, of known length, readable as many times as the store needs (a retry, each multipart
/// part). The sink engine spools each object to a local file first and puts it with <see cref="FromFile"/>, so an object of
/// any size never sits in memory.
/// </summary>
public abstract class ObjectContent
{
    /// <summary>The object's size in bytes.</summary>
    public abstract long Length { get; }

    /// <summary>A new readable, seekable stream over all the content, positioned at 0; the caller disposes it.</summary>
    public abstract Stream OpenRead();

    /// <summary>
    /// A file's content; it must not change until the put completes (its length is taken now). A store on the same file
    /// system may take the file itself rather than a copy (<see cref="LocalDirectoryStore"/> hard-links it): the caller
    /// may delete or replace the file afterwards, never rewrite it in place.
    /// </summary>
    public static ObjectContent FromFile(string path) => new FileContent(path);

    /// <summary>The full path of a <see cref="FromFile"/> content, else null.</summary>
    internal virtual string? LocalPath => null;

    /// <summary>Bytes in memory (small objects, tests).</summary>
    public static ObjectContent FromBytes(ReadOnlyMemory<byte> bytes) => new BytesContent(bytes);

    private sealed class FileContent : ObjectContent
    {
        private readonly string _path;

        public FileContent(string path)
        {
            _path = Path.GetFullPath(path);
            Length = new FileInfo(_path).Length;
        }

        public override long Length { get; }

        internal override string? LocalPath => _path;

        public override Stream OpenRead() =>
            new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
    }

    private sealed class BytesContent(ReadOnlyMemory<byte> bytes) : ObjectContent
    {
        public override long Length => bytes.Length;

        public override Stream OpenRead() =>
            System.Runtime.InteropServices.MemoryMarshal.TryGetArray(bytes, out var segment)
                ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
                : new MemoryStream(bytes.ToArray(), writable: false);
    }
}

/// <summary>S3's naming rules (bucket names, keys, bucket ARNs), which every store follows.</summary>
public static class S3Names
{
    private const string S3ArnPrefix = "arn:aws:s3:::";

    /// <summary>The bucket of an S3 bucket ARN (<c>arn:aws:s3:::BUCKET</c>; other partitions such as aws-cn too).</summary>
    public static string BucketFromArn(string bucketArn)
    {
        ArgumentNullException.ThrowIfNull(bucketArn);
        var parts = bucketArn.Split(':');
        if (parts.Length == 6 && parts[0] == "arn" && parts[2] == "s3" && parts[3].Length == 0 && parts[4].Length == 0 && parts[5].Length > 0 && !parts[5].Contains('/', StringComparison.Ordinal))
        {
            return parts[5];
        }
        throw new ArgumentException($"'{bucketArn}' is not an S3 bucket ARN ({S3ArnPrefix}BUCKET).", nameof(bucketArn));
    }

    /// <summary>
    /// Checks a bucket name against S3's rules for new buckets (3–63 characters of lowercase letters, digits, '.' and
    /// '-', starting and ending with a letter or digit, no "..") — which also keeps it a safe directory name.
    /// </summary>
    public static void ValidateBucketName(string bucket)
    {
        ArgumentNullException.ThrowIfNull(bucket);
        var valid = bucket.Length is >= 3 and <= 63
            && (char.IsAsciiLetterLower(bucket[0]) || char.IsAsciiDigit(bucket[0]))
            && (char.IsAsciiLetterLower(bucket[^1]) || char.IsAsciiDigit(bucket[^1]))
            && !bucket.Contains("..", StringComparison.Ordinal);
        foreach (var c in bucket)
        {
            valid &= char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-';
        }
        if (!valid)
        {
            throw new ArgumentException($"'{bucket}' is not a valid bucket name (3-63 characters of a-z, 0-9, '.', '-', starting and ending with a letter or digit).", nameof(bucket));
        }
    }

    /// <summary>S3's key limits: 1–1024 bytes of UTF-8.</summary>
    public static void ValidateKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 0 || System.Text.Encoding.UTF8.GetByteCount(key) > 1024)
        {
            throw new ArgumentException($"An object key must be 1-1024 bytes of UTF-8 (got {System.Text.Encoding.UTF8.GetByteCount(key)}).", nameof(key));
        }
    }
}
