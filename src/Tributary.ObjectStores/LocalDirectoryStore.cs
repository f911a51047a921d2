using System.Runtime.CompilerServices;
using System.Text;
using Tributary.Foundation.IO;

namespace Tributary.ObjectStores;

/// <summary>
/// Objects as files: <c>&lt;root&gt;/&lt;bucket&gt;/&lt;key&gt;</c>, where each '/' of a key is a directory level, so the
/// tree looks like the bucket in an S3 console. Thread-safe; several stores may share a root only if they are in one
/// process (a second process's start-up cleanup would delete the first one's temporary files).
/// <para>
/// Atomic puts: the content is copied to a file in <c>&lt;root&gt;/.tributary-tmp/</c> (same file system, hidden, and not a
/// valid bucket name), fsynced, renamed over the final path (rename(2) replaces atomically), and the final directory is
/// fsynced. A file content (<see cref="ObjectContent.FromFile"/>) on the same file system is not copied: it is
/// hard-linked into the temporary area (link(2)) and fsynced there — nearly free when its writer fsynced it already, as
/// the sink engine does its spool files — then renamed the same way. Elsewhere (another file system, no link support)
/// it is copied. A crash at any point leaves the final key absent or complete; the temporary leftovers are deleted when the
/// next store opens the root.
/// </para>
/// <para>
/// Keys must map to paths inside the bucket: no leading '/', no empty, "." or ".." segment (so no "a//b" and no
/// trailing '/', which S3 would accept), no NUL, segments of at most 255 bytes. A key cannot also be a "directory" of
/// another key ("a" and "a/b"): the second put fails with an <see cref="IOException"/>. Empty directories left by
/// deletes are removed.
/// </para>
/// </summary>
public sealed class LocalDirectoryStore : IObjectStore
{
    /// <summary>The temporary area under the root, named so it can never be a bucket.</summary>
    public const string TempDirectoryName = ".tributary-tmp";

    private const int MaxSegmentBytes = 255;

    private readonly string _root;
    private readonly string _temp;

    /// <summary>Opens (creating) the root and deletes temporary files a crashed writer left behind.</summary>
    public LocalDirectoryStore(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        _root = Path.GetFullPath(root);
        _temp = Path.Combine(_root, TempDirectoryName);
        Directory.CreateDirectory(_root);
        if (Directory.Exists(_temp))
        {
            foreach (var leftover in Directory.EnumerateFileSystemEntries(_temp))
            {
                if (Directory.Exists(leftover))
                {
                    Directory.Delete(leftover, recursive: true);
                }
                else
                {
                    File.Delete(leftover);
                }
            }
        }
        Directory.CreateDirectory(_temp);
    }

    public string Root => _root;

    public Task EnsureBucketAsync(string bucket, CancellationToken cancellationToken = default)
    {
        var directory = BucketDirectory(bucket);
        if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory);
            DurableFile.FlushDirectory(_root);
        }
        return Task.CompletedTask;
    }

    public Task PutAsync(string bucket, string key, ObjectContent content, CancellationToken cancellationToken = default) =>
        PutAsync(bucket, key, content, durable: true, cancellationToken);

    /// <summary>The rename into place without the fsyncs of the data and the directory: atomic, not durable.</summary>
    public Task PutUnsyncedAsync(string bucket, string key, ObjectContent content, CancellationToken cancellationToken = default) =>
        PutAsync(bucket, key, content, durable: false, cancellationToken);

    private async Task PutAsync(string bucket, string key, ObjectContent content, bool durable, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var target = ObjectPath(bucket, key, out var bucketDirectory);
        RequireBucket(bucketDirectory, bucket);
        var temporary = Path.Combine(_temp, Guid.NewGuid().ToString("N"));
        try
        {
            if (content.LocalPath is { } source && HardLink.TryCreate(source, temporary))
            {
                using var linked = File.OpenHandle(temporary, FileMode.Open, FileAccess.Read);
                var length = RandomAccess.GetLength(linked);
                if (length != content.Length)
                {
                    throw new IOException($"Content of {bucket}/{key} was {length} bytes, not the {content.Length} announced.");
                }
                if (durable)
                {
                    NativeFile.FlushData(linked);
                }
            }
            else
            {
                await CopyAsync(content, temporary, bucket, key, durable, cancellationToken).ConfigureAwait(false);
            }
            var directory = Path.GetDirectoryName(target)!;
            CreateDirectories(directory, bucketDirectory);
            File.Move(temporary, target, overwrite: true);
            if (durable)
            {
                DurableFile.FlushDirectory(directory);
            }
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>Copies the content to <paramref name="temporary"/> and fsyncs it when <paramref name="durable"/>.</summary>
    private static async Task CopyAsync(ObjectContent content, string temporary, string bucket, string key, bool durable, CancellationToken cancellationToken)
    {
        await using var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16, FileOptions.Asynchronous);
        await using var input = content.OpenRead();
        await input.CopyToAsync(output, 1 << 16, cancellationToken).ConfigureAwait(false);
        if (output.Length != content.Length)
        {
            throw new IOException($"Content of {bucket}/{key} was {output.Length} bytes, not the {content.Length} announced.");
        }
        output.Flush(flushToDisk: durable);
    }

    public Task<bool> ExistsAsync(string bucket, string key, CancellationToken cancellationToken = default) =>
        Task.FromResult(File.Exists(ObjectPath(bucket, key, out _)));

    public Task<Stream> OpenReadAsync(string bucket, string key, CancellationToken cancellationToken = default)
    {
        var path = ObjectPath(bucket, key, out var bucketDirectory);
        RequireBucket(bucketDirectory, bucket);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No object {key} in bucket {bucket}.", path);
        }
        // FileShare.Delete: a concurrent replace renames over the path; this reader keeps the old file.
        return Task.FromResult<Stream>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16, FileOptions.Asynchronous));
    }

    public async IAsyncEnumerable<ObjectInfo> ListAsync(string bucket, string prefix = "", [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var bucketDirectory = BucketDirectory(bucket);
        RequireBucket(bucketDirectory, bucket);
        // Only the directory the prefix names (up to its last '/') can hold matches.
        var lastSlash = prefix.LastIndexOf('/');
        var start = lastSlash < 0 ? bucketDirectory : Path.Combine(bucketDirectory, prefix[..lastSlash]);
        if (!IsInside(Path.GetFullPath(start), bucketDirectory) || !Directory.Exists(start))
        {
            yield break;
        }
        var found = new List<ObjectInfo>();
        foreach (var file in new DirectoryInfo(start).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            var key = Path.GetRelativePath(bucketDirectory, file.FullName).Replace(Path.DirectorySeparatorChar, '/');
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                found.Add(new ObjectInfo(key, file.Length, file.LastWriteTimeUtc));
            }
        }
        found.Sort(static (left, right) => string.CompareOrdinal(left.Key, right.Key));
        foreach (var item in found)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return item;
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }

    public Task DeleteAsync(string bucket, string key, CancellationToken cancellationToken = default)
    {
        var path = ObjectPath(bucket, key, out var bucketDirectory);
        RequireBucket(bucketDirectory, bucket);
        if (!File.Exists(path))
        {
            return Task.CompletedTask;
        }
        File.Delete(path);
        var directory = Path.GetDirectoryName(path)!;
        DurableFile.FlushDirectory(directory);
        // Remove the now-empty "directories" of the key so that they cannot collide with a later key.
        while (!string.Equals(directory, bucketDirectory, StringComparison.Ordinal) && !Directory.EnumerateFileSystemEntries(directory).Any())
        {
            try
            {
                Directory.Delete(directory);
            }
            catch (IOException)
            {
                break; // a concurrent put just used it
            }
            directory = Path.GetDirectoryName(directory)!;
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// The buckets: the root's directories whose names are valid bucket names (so never the hidden areas), by name
    /// (ordinal), with their creation times.
    /// </summary>
    public IReadOnlyList<BucketInfo> ListBuckets()
    {
        var buckets = new List<BucketInfo>();
        foreach (var directory in new DirectoryInfo(_root).EnumerateDirectories())
        {
            if (IsValidBucketName(directory.Name))
            {
                buckets.Add(new BucketInfo(directory.Name, directory.CreationTimeUtc));
            }
        }
        buckets.Sort(static (left, right) => string.CompareOrdinal(left.Name, right.Name));
        return buckets;
    }

    public bool BucketExists(string bucket) => Directory.Exists(BucketDirectory(bucket));

    /// <summary>
    /// Deletes an empty bucket: <see cref="BucketDeletion.NotEmpty"/> while it holds an object (the bucket is kept),
    /// <see cref="BucketDeletion.NotFound"/> when there is none. Empty directories left inside do not count as objects.
    /// </summary>
    public BucketDeletion DeleteBucket(string bucket)
    {
        var directory = BucketDirectory(bucket);
        if (!Directory.Exists(directory))
        {
            return BucketDeletion.NotFound;
        }
        if (Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Any())
        {
            return BucketDeletion.NotEmpty;
        }
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException) when (Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Any())
        {
            return BucketDeletion.NotEmpty; // a concurrent put won
        }
        DurableFile.FlushDirectory(_root);
        return BucketDeletion.Deleted;
    }

    /// <summary>
    /// The object's size and modification time, or null when there is no object under the key (a missing bucket, a key
    /// a directory store cannot hold, or a key that is only a "directory" of other keys).
    /// </summary>
    public ObjectInfo? TryGetInfo(string bucket, string key)
    {
        if (!IsValidBucketName(bucket) || !IsValidKey(key))
        {
            return null;
        }
        var file = new FileInfo(ObjectPath(bucket, key, out _));
        return file.Exists ? new ObjectInfo(key, file.Length, file.LastWriteTimeUtc) : null;
    }

    /// <summary>Whether <paramref name="key"/> follows the rules in the class comment.</summary>
    public static bool IsValidKey(string key)
    {
        try
        {
            ValidateKey(key);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static bool IsValidBucketName(string bucket)
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

    /// <summary>Checks a key against the rules in the class comment; <see cref="ArgumentException"/> says which one failed.</summary>
    public static void ValidateKey(string key)
    {
        S3Names.ValidateKey(key);
        if (key[0] == '/')
        {
            throw new ArgumentException($"Key '{key}' is absolute (starts with '/').", nameof(key));
        }
        if (key.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("A key cannot contain NUL.", nameof(key));
        }
        foreach (var segment in key.Split('/'))
        {
            if (segment.Length == 0 || segment == "." || segment == "..")
            {
                throw new ArgumentException($"Key '{key}' has an empty, '.' or '..' segment, which a directory store cannot hold.", nameof(key));
            }
            if (Encoding.UTF8.GetByteCount(segment) > MaxSegmentBytes)
            {
                throw new ArgumentException($"Key '{key}' has a segment longer than {MaxSegmentBytes} bytes, the file-name limit.", nameof(key));
            }
        }
    }

    private string BucketDirectory(string bucket)
    {
        S3Names.ValidateBucketName(bucket);
        return Path.Combine(_root, bucket);
    }

    private string ObjectPath(string bucket, string key, out string bucketDirectory)
    {
        bucketDirectory = BucketDirectory(bucket);
        ValidateKey(key);
        var path = Path.GetFullPath(Path.Combine(bucketDirectory, key));
        if (!IsInside(path, bucketDirectory))
        {
            throw new ArgumentException($"Key '{key}' escapes its bucket.", nameof(key));
        }
        return path;
    }

    private static bool IsInside(string path, string directory) =>
        path.Length > directory.Length && path.StartsWith(directory, StringComparison.Ordinal) && path[directory.Length] == Path.DirectorySeparatorChar
        || string.Equals(path, directory, StringComparison.Ordinal);

    private static void RequireBucket(string bucketDirectory, string bucket)
    {
        if (!Directory.Exists(bucketDirectory))
        {
            throw new DirectoryNotFoundException($"The bucket {bucket} does not exist.");
        }
    }

    /// <summary>Creates the missing directories between the bucket and <paramref name="directory"/> and makes each new entry durable.</summary>
    private static void CreateDirectories(string directory, string bucketDirectory)
    {
        if (Directory.Exists(directory))
        {
            return;
        }
        var missing = new Stack<string>();
        for (var current = directory; !Directory.Exists(current) && !string.Equals(current, bucketDirectory, StringComparison.Ordinal); current = Path.GetDirectoryName(current)!)
        {
            missing.Push(current);
        }
        while (missing.TryPop(out var next))
        {
            Directory.CreateDirectory(next);
            DurableFile.FlushDirectory(Path.GetDirectoryName(next)!);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Cleaned up when a store next opens the root.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>One bucket of a <see cref="LocalDirectoryStore"/>.</summary>
public sealed record BucketInfo(string Name, DateTimeOffset Created);

/// <summary>What <see cref="LocalDirectoryStore.DeleteBucket"/> did.</summary>
public enum BucketDeletion
{
    Deleted,
    NotFound,
    NotEmpty,
}
