using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Tributary.ObjectStores.Tests;

/// <summary>The behaviour every <see cref="IObjectStore"/> shares, run against each store.</summary>
[Trait("Category", "process")]
public abstract class ObjectStoreContractTests
{
    protected abstract IObjectStore Store { get; }

    protected static string Bucket() => "b-" + Guid.NewGuid().ToString("N")[..12];

    protected static async Task<byte[]> ReadAllAsync(IObjectStore store, string bucket, string key)
    {
        await using var stream = await store.OpenReadAsync(bucket, key);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    protected static async Task<List<ObjectInfo>> ListAsync(IObjectStore store, string bucket, string prefix = "")
    {
        var items = new List<ObjectInfo>();
        await foreach (var item in store.ListAsync(bucket, prefix))
        {
            items.Add(item);
        }
        return items;
    }

    [Fact]
    public async Task Put_get_list_replace_delete()
    {
        var bucket = Bucket();
        await Store.EnsureBucketAsync(bucket);
        await Store.EnsureBucketAsync(bucket); // idempotent

        var first = Encoding.UTF8.GetBytes("first version\n");
        await Store.PutAsync(bucket, "2018/08/27/10/s-1-2018-08-27-10-30-00-a", ObjectContent.FromBytes(first));
        await Store.PutAsync(bucket, "2018/08/27/11/s-1-2018-08-27-11-00-00-b", ObjectContent.FromBytes("b"u8.ToArray()));
        await Store.PutAsync(bucket, "errors/processing-failed/x", ObjectContent.FromBytes("e"u8.ToArray()));
        await Store.PutAsync(bucket, "2018/08/27/10/empty", ObjectContent.FromBytes(Array.Empty<byte>()));

        Assert.True(await Store.ExistsAsync(bucket, "2018/08/27/10/s-1-2018-08-27-10-30-00-a"));
        Assert.False(await Store.ExistsAsync(bucket, "2018/08/27/10/missing"));
        Assert.False(await Store.ExistsAsync(bucket, "2018/08/27/10")); // a "directory" is not an object
        Assert.Equal(first, await ReadAllAsync(Store, bucket, "2018/08/27/10/s-1-2018-08-27-10-30-00-a"));
        Assert.Empty(await ReadAllAsync(Store, bucket, "2018/08/27/10/empty"));

        var all = await ListAsync(Store, bucket);
        Assert.Equal(["2018/08/27/10/empty", "2018/08/27/10/s-1-2018-08-27-10-30-00-a", "2018/08/27/11/s-1-2018-08-27-11-00-00-b", "errors/processing-failed/x"], all.Select(o => o.Key));
        Assert.Equal(first.Length, all[1].Size);
        Assert.Equal(["2018/08/27/10/empty", "2018/08/27/10/s-1-2018-08-27-10-30-00-a"], (await ListAsync(Store, bucket, "2018/08/27/10/")).Select(o => o.Key));
        Assert.Equal(["2018/08/27/11/s-1-2018-08-27-11-00-00-b"], (await ListAsync(Store, bucket, "2018/08/27/11/s")).Select(o => o.Key));
        Assert.Equal(["errors/processing-failed/x"], (await ListAsync(Store, bucket, "err")).Select(o => o.Key));
        Assert.Empty(await ListAsync(Store, bucket, "nothing/"));

        // A put of an existing key replaces it (the engine rewrites the same key after a crash).
        var second = Encoding.UTF8.GetBytes("second, longer version\n");
        await Store.PutAsync(bucket, "2018/08/27/10/s-1-2018-08-27-10-30-00-a", ObjectContent.FromBytes(second));
        Assert.Equal(second, await ReadAllAsync(Store, bucket, "2018/08/27/10/s-1-2018-08-27-10-30-00-a"));
        Assert.Equal(4, (await ListAsync(Store, bucket)).Count);

        await Store.DeleteAsync(bucket, "2018/08/27/11/s-1-2018-08-27-11-00-00-b");
        await Store.DeleteAsync(bucket, "2018/08/27/11/s-1-2018-08-27-11-00-00-b"); // deleting a missing object succeeds
        Assert.False(await Store.ExistsAsync(bucket, "2018/08/27/11/s-1-2018-08-27-11-00-00-b"));
        Assert.Equal(3, (await ListAsync(Store, bucket)).Count);
        await Assert.ThrowsAsync<FileNotFoundException>(() => Store.OpenReadAsync(bucket, "2018/08/27/11/s-1-2018-08-27-11-00-00-b"));
    }

    [Fact]
    public async Task Files_go_up_from_disk()
    {
        var bucket = Bucket();
        await Store.EnsureBucketAsync(bucket);
        using var temp = Tools.TempDirectory();
        var data = RandomNumberGenerator.GetBytes(300_000);
        await File.WriteAllBytesAsync(temp.File("spool"), data);
        await Store.PutAsync(bucket, "spooled/object.bin", ObjectContent.FromFile(temp.File("spool")));
        Assert.Equal(data, await ReadAllAsync(Store, bucket, "spooled/object.bin"));
    }

    [Fact]
    public async Task Missing_buckets_are_reported()
    {
        var bucket = Bucket();
        await Assert.ThrowsAsync<DirectoryNotFoundException>(() => Store.PutAsync(bucket, "k", ObjectContent.FromBytes("x"u8.ToArray())));
        await Assert.ThrowsAsync<DirectoryNotFoundException>(() => Store.OpenReadAsync(bucket, "k"));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.EnsureBucketAsync("Bad_Bucket"));
    }
}

[Trait("Category", "process")]
public sealed class LocalDirectoryStoreTests : ObjectStoreContractTests, IDisposable
{
    private readonly TempDirectory _root = new();
    private readonly LocalDirectoryStore _store;

    public LocalDirectoryStoreTests() => _store = new LocalDirectoryStore(_root.Path);

    protected override IObjectStore Store => _store;

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task A_file_on_the_same_file_system_is_linked_not_copied_and_outlives_its_source()
    {
        var bucket = Bucket();
        await _store.EnsureBucketAsync(bucket);
        var data = RandomNumberGenerator.GetBytes(100_000);
        var spool = Path.Combine(_root.Path, "spool.obj"); // the store's own file system
        await File.WriteAllBytesAsync(spool, data);
        await _store.PutAsync(bucket, "linked/object.bin", ObjectContent.FromFile(spool));

        var target = Path.Combine(_root.Path, bucket, "linked", "object.bin");
        Assert.Equal("2", await LinkCountAsync(target)); // one inode under two names: no copy was made
        // The writer replaces or deletes its file, never rewrites it in place: the object keeps its bytes.
        File.Delete(spool);
        await File.WriteAllBytesAsync(spool, "another object"u8.ToArray());
        Assert.Equal(data, await ReadAllAsync(_store, bucket, "linked/object.bin"));
        Assert.Equal("1", await LinkCountAsync(target));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_root.Path, LocalDirectoryStore.TempDirectoryName)));
    }

    private static async Task<string> LinkCountAsync(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%h", path]) { RedirectStandardOutput = true })!;
        var output = await stat.StandardOutput.ReadToEndAsync();
        await stat.WaitForExitAsync();
        return output.Trim();
    }

    [Fact]
    public async Task Objects_are_files_laid_out_like_the_bucket()
    {
        await _store.EnsureBucketAsync("my-bucket");
        await _store.PutAsync("my-bucket", "a/b/c.gz", ObjectContent.FromBytes("data"u8.ToArray()));
        Assert.Equal("data", await File.ReadAllTextAsync(Path.Combine(_root.Path, "my-bucket", "a", "b", "c.gz")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_root.Path, LocalDirectoryStore.TempDirectoryName)));
        await _store.DeleteAsync("my-bucket", "a/b/c.gz");
        Assert.False(Directory.Exists(Path.Combine(_root.Path, "my-bucket", "a")), "empty key directories are removed");
        Assert.True(Directory.Exists(Path.Combine(_root.Path, "my-bucket")));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/../../escape")]
    [InlineData("a/./b")]
    [InlineData("/absolute")]
    [InlineData("a//b")]
    [InlineData("trailing/")]
    [InlineData("")]
    [InlineData("nul\0byte")]
    public async Task Keys_that_cannot_be_paths_inside_the_bucket_are_rejected(string key)
    {
        await _store.EnsureBucketAsync("my-bucket");
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _store.PutAsync("my-bucket", key, ObjectContent.FromBytes("x"u8.ToArray())));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _store.OpenReadAsync("my-bucket", key));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _store.DeleteAsync("my-bucket", key));
        Assert.Equal(["my-bucket"], Directory.EnumerateDirectories(_root.Path).Select(Path.GetFileName).Where(n => n != LocalDirectoryStore.TempDirectoryName));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_root.Path, "my-bucket")));
    }

    [Theory]
    [InlineData("..")]
    [InlineData(".tributary-tmp")]
    [InlineData("a/b")]
    [InlineData("ab")]
    public async Task Bucket_names_that_are_not_S3_names_are_rejected(string bucket) =>
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _store.EnsureBucketAsync(bucket));

    [Fact]
    public async Task Buckets_are_listed_without_the_hidden_areas_and_deleted_only_when_empty()
    {
        await _store.EnsureBucketAsync("beta");
        await _store.EnsureBucketAsync("alpha");
        Directory.CreateDirectory(Path.Combine(_root.Path, ".tributary-s3"));
        Assert.Equal(["alpha", "beta"], _store.ListBuckets().Select(b => b.Name));
        await _store.PutAsync("alpha", "dir/file", ObjectContent.FromBytes("x"u8.ToArray()));
        Assert.Equal(BucketDeletion.NotEmpty, _store.DeleteBucket("alpha"));
        var info = _store.TryGetInfo("alpha", "dir/file");
        Assert.Equal(("dir/file", 1L), (info?.Key, info?.Size));
        Assert.Null(_store.TryGetInfo("alpha", "dir"));
        Assert.Null(_store.TryGetInfo("alpha", "dir//file"));
        Assert.Null(_store.TryGetInfo("missing", "dir/file"));
        await _store.DeleteAsync("alpha", "dir/file");
        Assert.Equal(BucketDeletion.Deleted, _store.DeleteBucket("alpha"));
        Assert.Equal(BucketDeletion.NotFound, _store.DeleteBucket("alpha"));
        Assert.False(_store.BucketExists("alpha"));
        Assert.Equal(["beta"], _store.ListBuckets().Select(b => b.Name));
    }

    [Fact]
    public async Task Long_segments_and_key_directory_clashes_are_errors()
    {
        await _store.EnsureBucketAsync("my-bucket");
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _store.PutAsync("my-bucket", new string('x', 256), ObjectContent.FromBytes("x"u8.ToArray())));
        await _store.PutAsync("my-bucket", "a/b", ObjectContent.FromBytes("x"u8.ToArray()));
        await Assert.ThrowsAnyAsync<IOException>(() => _store.PutAsync("my-bucket", "a", ObjectContent.FromBytes("y"u8.ToArray())));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_root.Path, LocalDirectoryStore.TempDirectoryName)));
    }

    [Fact]
    public async Task A_writer_killed_mid_put_leaves_no_object_and_its_leftovers_are_cleaned()
    {
        await _store.EnsureBucketAsync("crash-bucket");
        await _store.PutAsync("crash-bucket", "replaced/object", ObjectContent.FromBytes("old complete object"u8.ToArray()));

        foreach (var key in new[] { "new/object", "replaced/object" })
        {
            var child = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[] { typeof(Program).Assembly.Location, "local-store-crash-writer", _root.Path, "crash-bucket", key })
            {
                child.ArgumentList.Add(arg);
            }
            using var process = Process.Start(child)!;
            string? line;
            try
            {
                // WaitAsync rather than a token: pipe reads do not observe cancellation on Linux.
                line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            }
            catch (TimeoutException)
            {
                line = "(nothing within 60 s)";
            }
            if (line != "writing")
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"the crash writer did not start writing: {line}");
            }
            process.Kill(entireProcessTree: true); // SIGKILL in the middle of the put
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

            var leftovers = Directory.GetFiles(Path.Combine(_root.Path, LocalDirectoryStore.TempDirectoryName));
            Assert.Single(leftovers);
            Assert.True(new FileInfo(leftovers[0]).Length >= 1024 * 1024, "the child had written its first megabyte");
        }

        Assert.False(await _store.ExistsAsync("crash-bucket", "new/object"));
        Assert.Equal("old complete object"u8.ToArray(), await ReadAllAsync(_store, "crash-bucket", "replaced/object"));
        Assert.Equal(["replaced/object"], (await ListAsync(_store, "crash-bucket")).Select(o => o.Key));

        // The next store on the root (a restart) deletes the partial temporary files.
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(_root.Path, LocalDirectoryStore.TempDirectoryName)));
        _ = new LocalDirectoryStore(_root.Path);
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(_root.Path, LocalDirectoryStore.TempDirectoryName)));
    }
}

[Trait("Category", "process")]
public sealed class S3ObjectStoreTests : ObjectStoreContractTests, IClassFixture<S3rverServer>, IDisposable
{
    private const long MiB = 1024 * 1024;

    private readonly S3rverServer _server;
    private readonly S3ObjectStore _store;

    public S3ObjectStoreTests(S3rverServer server)
    {
        _server = server;
        _store = server.Store();
    }

    protected override IObjectStore Store => _store;

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task Objects_above_the_part_size_go_up_in_parts()
    {
        using var store = _server.Store(partSize: 5 * MiB);
        var bucket = Bucket();
        await store.EnsureBucketAsync(bucket);
        using var temp = Tools.TempDirectory();
        var data = RandomNumberGenerator.GetBytes((int)(11 * MiB) + 123);
        await File.WriteAllBytesAsync(temp.File("spool"), data);

        await store.PutAsync(bucket, "big/object.bin", ObjectContent.FromFile(temp.File("spool")));

        var parts = _server.Requests().Where(r => r.StartsWith($"PUT /{bucket}/big/object.bin?", StringComparison.Ordinal) && r.Contains("partNumber=", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, parts.Count); // 5 MiB + 5 MiB + 1 MiB and 123 bytes
        Assert.Contains(_server.Requests(), r => r.StartsWith($"POST /{bucket}/big/object.bin?uploads", StringComparison.Ordinal));
        Assert.Contains(_server.Requests(), r => r.StartsWith($"POST /{bucket}/big/object.bin?uploadId=", StringComparison.Ordinal));
        Assert.Equal(data, await ReadAllAsync(store, bucket, "big/object.bin"));

        // Exactly at the part size: one PutObject.
        await store.PutAsync(bucket, "exact", ObjectContent.FromBytes(new byte[5 * MiB]));
        Assert.DoesNotContain(_server.Requests(), r => r.StartsWith($"POST /{bucket}/exact?uploads", StringComparison.Ordinal));
        Assert.Equal(5 * MiB, (await ListAsync(store, bucket, "exact")).Single().Size);
    }

    [Fact]
    public async Task Transient_failures_are_retried()
    {
        var bucket = Bucket();
        await _store.EnsureBucketAsync(bucket);
        await using var proxy = new FailingProxy(_server.Port, failures: 3);
        using var store = _server.Store(endpoint: proxy.Endpoint);

        await store.PutAsync(bucket, "retried", ObjectContent.FromBytes("after three 503s"u8.ToArray()));

        Assert.Equal(3, proxy.Failed);
        Assert.Equal(3, store.Retries);
        Assert.Equal("after three 503s"u8.ToArray(), await ReadAllAsync(_store, bucket, "retried"));
    }

    [Fact]
    public async Task Retries_stop_after_the_attempt_limit()
    {
        var bucket = Bucket();
        await _store.EnsureBucketAsync(bucket);
        await using var proxy = new FailingProxy(_server.Port, failures: 100);
        using var store = _server.Store(endpoint: proxy.Endpoint, retry: new S3RetryOptions { MaxAttempts = 3, InitialDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(50) });

        var error = await Assert.ThrowsAsync<Amazon.S3.AmazonS3Exception>(() => store.PutAsync(bucket, "never", ObjectContent.FromBytes("x"u8.ToArray())));
        Assert.Equal(503, (int)error.StatusCode);
        Assert.Equal(3, proxy.Failed);
        Assert.False(await _store.ExistsAsync(bucket, "never"));
    }

    [Fact]
    public async Task Buckets_are_created_only_when_allowed()
    {
        var bucket = Bucket();
        using var strict = new S3ObjectStore(new S3StoreOptions { ServiceUrl = _server.Endpoint, ForcePathStyle = true, AccessKeyId = S3rverServer.AccessKey, SecretAccessKey = S3rverServer.AccessKey, CreateBuckets = false });
        await Assert.ThrowsAsync<DirectoryNotFoundException>(() => strict.EnsureBucketAsync(bucket));
        await _store.EnsureBucketAsync(bucket);
        await strict.EnsureBucketAsync(bucket); // exists now: fine
        var listed = (await _server.AwsAsync("s3api", "list-buckets", "--query", "Buckets[].Name", "--output", "text")).EnsureSuccess();
        Assert.Contains(bucket, listed.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_aws_cli_reads_what_the_store_wrote()
    {
        using var store = _server.Store(partSize: 5 * MiB);
        var bucket = Bucket();
        await store.EnsureBucketAsync(bucket);
        using var temp = Tools.TempDirectory();
        var small = Encoding.UTF8.GetBytes("{\"a\":1}\n{\"a\":2}\n");
        var large = RandomNumberGenerator.GetBytes((int)(6 * MiB));
        await File.WriteAllBytesAsync(temp.File("large"), large);
        await store.PutAsync(bucket, "2018/08/27/10/stream-1-2018-08-27-10-30-00-id", ObjectContent.FromBytes(small));
        await store.PutAsync(bucket, "2018/08/27/10/stream-1-2018-08-27-10-31-00-id.bin", ObjectContent.FromFile(temp.File("large")));

        (await _server.AwsAsync("s3api", "get-object", "--bucket", bucket, "--key", "2018/08/27/10/stream-1-2018-08-27-10-30-00-id", temp.File("small.out"))).EnsureSuccess();
        Assert.Equal(small, await File.ReadAllBytesAsync(temp.File("small.out")));
        (await _server.AwsAsync("s3api", "get-object", "--bucket", bucket, "--key", "2018/08/27/10/stream-1-2018-08-27-10-31-00-id.bin", temp.File("large.out"))).EnsureSuccess();
        Assert.Equal(large, await File.ReadAllBytesAsync(temp.File("large.out")));
        var listing = (await _server.AwsAsync("s3api", "list-objects-v2", "--bucket", bucket, "--prefix", "2018/08/27/", "--query", "Contents[].Key", "--output", "text")).EnsureSuccess();
        Assert.Equal("2018/08/27/10/stream-1-2018-08-27-10-30-00-id\t2018/08/27/10/stream-1-2018-08-27-10-31-00-id.bin", listing.StandardOutput.Trim());
    }
}
