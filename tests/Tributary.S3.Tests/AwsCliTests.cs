using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tributary.S3.Tests;

/// <summary>
/// The AWS CLI v2 (`aws s3` and `aws s3api`) as a separate process against the real `tributary serve`: what a delivery
/// stream wrote listed and fetched, a 50 MB multipart round trip, ranges, copies, batch deletes, listings and the
/// multipart calls with their errors, as the CLI sends and parses them.
/// </summary>
[Trait("Category", "process")]
public sealed class AwsCliTests
{
    private static string WriteFile(string directory, string name, string content)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public async Task Aws_s3_ls_and_cp_list_and_fetch_what_a_delivery_stream_wrote()
    {
        await using var server = await S3ServerProcess.StartAsync();
        var create = new JsonObject
        {
            ["DeliveryStreamName"] = "clicks",
            ["DeliveryStreamType"] = "DirectPut",
            ["ExtendedS3DestinationConfiguration"] = new JsonObject
            {
                ["RoleARN"] = "arn:aws:iam::000000000000:role/firehose",
                ["BucketARN"] = "arn:aws:s3:::lake",
                ["Prefix"] = "clicks/",
                ["BufferingHints"] = new JsonObject { ["SizeInMBs"] = 1, ["IntervalInSeconds"] = 1 },
                ["CompressionFormat"] = "UNCOMPRESSED",
            },
        };
        await server.AwsJsonAsync("firehose", "create-delivery-stream", "--cli-input-json", "file://" + WriteFile(server.Work, "create.json", create.ToJsonString()));
        var records = new JsonArray();
        var expected = new List<string>();
        for (var i = 0; i < 200; i++)
        {
            var line = $"{{\"user\":\"u{i % 7}\",\"n\":{i}}}";
            expected.Add(line);
            records.Add(new JsonObject { ["Data"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(line + "\n")) });
        }
        var put = await server.AwsJsonAsync("firehose", "put-record-batch", "--delivery-stream-name", "clicks", "--records", "file://" + WriteFile(server.Work, "records.json", records.ToJsonString()));
        Assert.Equal(0, put.GetProperty("FailedPutCount").GetInt32());

        // Wait, through the S3 API itself, until the delivered objects hold every record.
        var download = Path.Combine(server.Work, "download");
        var listing = "";
        await Eventually.HoldsAsync(async () =>
        {
            listing = (await server.AwsAsync("s3", "ls", "s3://lake/", "--recursive")).StandardOutput;
            if (!listing.Contains("clicks/", StringComparison.Ordinal))
            {
                return false;
            }
            if (Directory.Exists(download))
            {
                Directory.Delete(download, recursive: true);
            }
            (await server.AwsAsync("s3", "cp", "s3://lake/", download, "--recursive", "--only-show-errors")).EnsureSuccess();
            return Lines(download).Count == expected.Count;
        }, () => "every record delivered and listed; last listing:\n" + listing + "\n" + server.Output, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(500));
        Assert.Equal(expected.Order(StringComparer.Ordinal), Lines(download).Order(StringComparer.Ordinal));

        // Every delivered file is listed with its key and size, and nothing else (no hidden areas).
        var onDisk = Directory.EnumerateFiles(Path.Combine(server.ObjectsDirectory, "lake"), "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(Path.Combine(server.ObjectsDirectory, "lake"), f).Replace('\\', '/'), f => new FileInfo(f).Length);
        var listed = listing.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(parts => parts[3], parts => long.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(onDisk.OrderBy(p => p.Key, StringComparer.Ordinal), listed.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.All(listed.Keys, key => Assert.Matches(@"^clicks/\d{4}/\d{2}/\d{2}/\d{2}/clicks-", key));

        // One object to stdout, byte-equal to the file the stream wrote.
        var first = onDisk.Keys.Order(StringComparer.Ordinal).First();
        var single = (await server.AwsAsync("s3", "cp", "s3://lake/" + first, "-")).EnsureSuccess();
        Assert.Equal(File.ReadAllText(Path.Combine(server.ObjectsDirectory, "lake", first)), single.StandardOutput);

        // The bucket is listed by `aws s3 ls` and the delimiter listing shows the prefix.
        Assert.Contains(" lake", (await server.AwsAsync("s3", "ls")).EnsureSuccess().StandardOutput, StringComparison.Ordinal);
        Assert.Contains("PRE clicks/", (await server.AwsAsync("s3", "ls", "s3://lake/")).EnsureSuccess().StandardOutput, StringComparison.Ordinal);
    }

    private static List<string> Lines(string directory) =>
        [.. Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).SelectMany(f => File.ReadAllLines(f)).Where(l => l.Length > 0)];

    [Fact]
    public async Task Aws_s3_cp_of_a_50_MB_file_goes_multipart_and_round_trips_byte_equal()
    {
        await using var server = await S3ServerProcess.StartAsync();
        const int Size = 50 * 1024 * 1024;
        var source = Path.Combine(server.Work, "big.bin");
        var bytes = new byte[Size];
        new Random(19).NextBytes(bytes);
        await File.WriteAllBytesAsync(source, bytes);
        (await server.AwsAsync("s3", "mb", "s3://big-bucket")).EnsureSuccess();
        (await server.AwsAsync("s3", "cp", source, "s3://big-bucket/data/big.bin", "--only-show-errors")).EnsureSuccess();

        // The CLI's default 8 MiB chunks: 7 parts, and S3's multipart ETag over their MD5s.
        var md5s = new List<byte>();
        for (var offset = 0; offset < Size; offset += 8 * 1024 * 1024)
        {
            md5s.AddRange(MD5.HashData(bytes.AsSpan(offset, Math.Min(8 * 1024 * 1024, Size - offset))));
        }
        var head = await server.AwsJsonAsync("s3api", "head-object", "--bucket", "big-bucket", "--key", "data/big.bin");
        Assert.Equal($"\"{Convert.ToHexStringLower(MD5.HashData(md5s.ToArray()))}-7\"", head.GetProperty("ETag").GetString());
        Assert.Equal(Size, head.GetProperty("ContentLength").GetInt64());

        var target = Path.Combine(server.Work, "back.bin");
        (await server.AwsAsync("s3", "cp", "s3://big-bucket/data/big.bin", target, "--only-show-errors")).EnsureSuccess();
        var downloaded = await File.ReadAllBytesAsync(target);
        Assert.True(bytes.AsSpan().SequenceEqual(downloaded), "the downloaded file differs from the uploaded one");

        // No upload is left in progress, and the staging area shows nowhere.
        var uploads = await server.AwsJsonAsync("s3api", "list-multipart-uploads", "--bucket", "big-bucket");
        Assert.False(uploads.ValueKind == JsonValueKind.Object && uploads.TryGetProperty("Uploads", out var list) && list.GetArrayLength() > 0, uploads.ToString());
        var listing = (await server.AwsAsync("s3", "ls", "s3://big-bucket/", "--recursive")).EnsureSuccess().StandardOutput;
        Assert.Equal(["data/big.bin"], listing.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3]));
        var buckets = await server.AwsJsonAsync("s3api", "list-buckets");
        Assert.Equal(["big-bucket"], buckets.GetProperty("Buckets").EnumerateArray().Select(b => b.GetProperty("Name").GetString()));
    }

    [Fact]
    public async Task S3api_ranges_copies_listings_and_batch_deletes()
    {
        await using var server = await S3ServerProcess.StartAsync();
        await server.AwsJsonAsync("s3api", "create-bucket", "--bucket", "work");
        var duplicate = await server.AwsAsync("s3api", "create-bucket", "--bucket", "work");
        Assert.Contains("(BucketAlreadyOwnedByYou)", duplicate.StandardError, StringComparison.Ordinal);
        var invalid = await server.AwsAsync("s3api", "create-bucket", "--bucket", "Bad_Name");
        Assert.Contains("(InvalidBucketName)", invalid.StandardError, StringComparison.Ordinal);

        var body = WriteFile(server.Work, "alphabet.txt", "abcdefghijklmnopqrstuvwxyz");
        var put = await server.AwsJsonAsync("s3api", "put-object", "--bucket", "work", "--key", "docs/a b+c=d.txt", "--body", body,
            "--content-type", "text/x-alphabet", "--metadata", "origin=test,run=1");
        Assert.Equal("\"" + Convert.ToHexStringLower(MD5.HashData("abcdefghijklmnopqrstuvwxyz"u8)) + "\"", put.GetProperty("ETag").GetString());

        async Task<(string Text, JsonElement Response)> RangeAsync(string range)
        {
            var output = Path.Combine(server.Work, "range.out");
            var response = await server.AwsJsonAsync("s3api", "get-object", "--bucket", "work", "--key", "docs/a b+c=d.txt", "--range", range, output);
            return (File.ReadAllText(output), response);
        }
        var (text, response) = await RangeAsync("bytes=0-9");
        Assert.Equal(("abcdefghij", "bytes 0-9/26", 10), (text, response.GetProperty("ContentRange").GetString(), response.GetProperty("ContentLength").GetInt32()));
        Assert.Equal("vwxyz", (await RangeAsync("bytes=-5")).Text);
        Assert.Equal("uvwxyz", (await RangeAsync("bytes=20-")).Text);
        Assert.Equal("yz", (await RangeAsync("bytes=24-1000")).Text);
        Assert.Equal("text/x-alphabet", response.GetProperty("ContentType").GetString());
        Assert.Equal("1", response.GetProperty("Metadata").GetProperty("run").GetString());
        var outside = await server.AwsAsync("s3api", "get-object", "--bucket", "work", "--key", "docs/a b+c=d.txt", "--range", "bytes=26-30", Path.Combine(server.Work, "x"));
        Assert.Equal(254, outside.ExitCode);
        Assert.Contains("An error occurred (InvalidRange) when calling the GetObject operation: The requested range is not satisfiable", outside.StandardError, StringComparison.Ordinal);

        // CopyObject keeps the metadata by default and takes the request's with REPLACE.
        var copy = await server.AwsJsonAsync("s3api", "copy-object", "--bucket", "work", "--key", "copies/one.txt", "--copy-source", "work/docs/a b+c=d.txt");
        Assert.Equal(put.GetProperty("ETag").GetString(), copy.GetProperty("CopyObjectResult").GetProperty("ETag").GetString());
        var copied = await server.AwsJsonAsync("s3api", "head-object", "--bucket", "work", "--key", "copies/one.txt");
        Assert.Equal(("text/x-alphabet", "test"), (copied.GetProperty("ContentType").GetString(), copied.GetProperty("Metadata").GetProperty("origin").GetString()));
        await server.AwsJsonAsync("s3api", "copy-object", "--bucket", "work", "--key", "copies/two.txt", "--copy-source", "work/copies/one.txt",
            "--metadata-directive", "REPLACE", "--content-type", "text/plain");
        copied = await server.AwsJsonAsync("s3api", "head-object", "--bucket", "work", "--key", "copies/two.txt");
        Assert.Equal("text/plain", copied.GetProperty("ContentType").GetString());
        Assert.False(copied.GetProperty("Metadata").TryGetProperty("origin", out _));
        var self = await server.AwsAsync("s3api", "copy-object", "--bucket", "work", "--key", "copies/two.txt", "--copy-source", "work/copies/two.txt");
        Assert.Contains("(InvalidRequest)", self.StandardError, StringComparison.Ordinal);
        var missingSource = await server.AwsAsync("s3api", "copy-object", "--bucket", "work", "--key", "x", "--copy-source", "work/none");
        Assert.Contains("(NoSuchKey)", missingSource.StandardError, StringComparison.Ordinal);

        // Listings: delimiter and common prefixes, and paging by continuation tokens (one key per page).
        for (var i = 0; i < 5; i++)
        {
            await server.AwsJsonAsync("s3api", "put-object", "--bucket", "work", "--key", $"logs/2026/day-{i}.log", "--body", body);
        }
        var top = await server.AwsJsonAsync("s3api", "list-objects-v2", "--bucket", "work", "--delimiter", "/");
        Assert.Equal(["copies/", "docs/", "logs/"], top.GetProperty("CommonPrefixes").EnumerateArray().Select(p => p.GetProperty("Prefix").GetString()));
        var paged = await server.AwsJsonAsync("s3api", "list-objects-v2", "--bucket", "work", "--prefix", "logs/", "--page-size", "2");
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"logs/2026/day-{i}.log"), paged.GetProperty("Contents").EnumerateArray().Select(c => c.GetProperty("Key").GetString()));
        var after = await server.AwsJsonAsync("s3api", "list-objects-v2", "--bucket", "work", "--start-after", "logs/2026/day-2.log");
        Assert.Equal(["logs/2026/day-3.log", "logs/2026/day-4.log"], after.GetProperty("Contents").EnumerateArray().Select(c => c.GetProperty("Key").GetString()));
        var v1 = await server.AwsJsonAsync("s3api", "list-objects", "--bucket", "work", "--marker", "docs/", "--max-keys", "2", "--no-paginate");
        Assert.Equal(["docs/a b+c=d.txt", "logs/2026/day-0.log"], v1.GetProperty("Contents").EnumerateArray().Select(c => c.GetProperty("Key").GetString()));

        // DeleteObjects: each key reported (a missing one too), the objects gone.
        var deleted = await server.AwsJsonAsync("s3api", "delete-objects", "--bucket", "work", "--delete",
            "Objects=[{Key=logs/2026/day-0.log},{Key=logs/2026/day-1.log},{Key=never-there}]");
        Assert.Equal(["logs/2026/day-0.log", "logs/2026/day-1.log", "never-there"], deleted.GetProperty("Deleted").EnumerateArray().Select(d => d.GetProperty("Key").GetString()).Order(StringComparer.Ordinal));
        var left = await server.AwsJsonAsync("s3api", "list-objects-v2", "--bucket", "work", "--prefix", "logs/");
        Assert.Equal(3, left.GetProperty("Contents").GetArrayLength());
        var notEmpty = await server.AwsAsync("s3api", "delete-bucket", "--bucket", "work");
        Assert.Contains("(BucketNotEmpty)", notEmpty.StandardError, StringComparison.Ordinal);
        (await server.AwsAsync("s3", "rb", "s3://work", "--force")).EnsureSuccess();
        var gone = await server.AwsAsync("s3api", "head-bucket", "--bucket", "work");
        Assert.Contains("(404)", gone.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task S3api_multipart_calls_and_their_errors()
    {
        await using var server = await S3ServerProcess.StartAsync();
        await server.AwsJsonAsync("s3api", "create-bucket", "--bucket", "parts");
        var upload = (await server.AwsJsonAsync("s3api", "create-multipart-upload", "--bucket", "parts", "--key", "assembled.bin", "--content-type", "application/x-test"))
            .GetProperty("UploadId").GetString()!;
        var big = Path.Combine(server.Work, "five-mib.bin");
        var bigBytes = new byte[5 * 1024 * 1024];
        new Random(5).NextBytes(bigBytes);
        await File.WriteAllBytesAsync(big, bigBytes);
        var small = WriteFile(server.Work, "small.bin", "the tail");
        var tiny = WriteFile(server.Work, "tiny.bin", "too small to be first");
        var etag1 = (await server.AwsJsonAsync("s3api", "upload-part", "--bucket", "parts", "--key", "assembled.bin", "--upload-id", upload, "--part-number", "1", "--body", tiny)).GetProperty("ETag").GetString()!;
        var etag2 = (await server.AwsJsonAsync("s3api", "upload-part", "--bucket", "parts", "--key", "assembled.bin", "--upload-id", upload, "--part-number", "2", "--body", small)).GetProperty("ETag").GetString()!;
        var parts = await server.AwsJsonAsync("s3api", "list-parts", "--bucket", "parts", "--key", "assembled.bin", "--upload-id", upload);
        Assert.Equal([(1, etag1, 21L), (2, etag2, 8L)], parts.GetProperty("Parts").EnumerateArray().Select(p => (p.GetProperty("PartNumber").GetInt32(), p.GetProperty("ETag").GetString()!, p.GetProperty("Size").GetInt64())));
        var listedUploads = await server.AwsJsonAsync("s3api", "list-multipart-uploads", "--bucket", "parts");
        Assert.Equal([upload], listedUploads.GetProperty("Uploads").EnumerateArray().Select(u => u.GetProperty("UploadId").GetString()));

        string Completion(params (int Number, string ETag)[] list) =>
            "file://" + WriteFile(server.Work, "complete.json", new JsonObject
            {
                ["Parts"] = new JsonArray([.. list.Select(p => (JsonNode)new JsonObject { ["PartNumber"] = p.Number, ["ETag"] = p.ETag })]),
            }.ToJsonString());
        async Task<string> CompleteErrorAsync(params (int, string)[] list) =>
            (await server.AwsAsync("s3api", "complete-multipart-upload", "--bucket", "parts", "--key", "assembled.bin", "--upload-id", upload, "--multipart-upload", Completion(list))).StandardError;

        Assert.Contains("(EntityTooSmall)", await CompleteErrorAsync((1, etag1), (2, etag2)), StringComparison.Ordinal);
        Assert.Contains("(InvalidPart)", await CompleteErrorAsync((1, etag2), (2, etag2)), StringComparison.Ordinal);
        Assert.Contains("(InvalidPart)", await CompleteErrorAsync((1, etag1), (3, etag2)), StringComparison.Ordinal);
        Assert.Contains("(InvalidPartOrder)", await CompleteErrorAsync((2, etag2), (1, etag1)), StringComparison.Ordinal);

        // Part 1 uploaded again at 5 MiB replaces the small one; the upload completes.
        etag1 = (await server.AwsJsonAsync("s3api", "upload-part", "--bucket", "parts", "--key", "assembled.bin", "--upload-id", upload, "--part-number", "1", "--body", big)).GetProperty("ETag").GetString()!;
        var completed = await server.AwsJsonAsync("s3api", "complete-multipart-upload", "--bucket", "parts", "--key", "assembled.bin", "--upload-id", upload, "--multipart-upload", Completion((1, etag1), (2, etag2)));
        var expectedETag = "\"" + Convert.ToHexStringLower(MD5.HashData([.. MD5.HashData(bigBytes), .. MD5.HashData("the tail"u8)])) + "-2\"";
        Assert.Equal(expectedETag, completed.GetProperty("ETag").GetString());
        var output = Path.Combine(server.Work, "assembled.out");
        var got = await server.AwsJsonAsync("s3api", "get-object", "--bucket", "parts", "--key", "assembled.bin", output);
        Assert.Equal(("application/x-test", expectedETag), (got.GetProperty("ContentType").GetString(), got.GetProperty("ETag").GetString()));
        var assembled = await File.ReadAllBytesAsync(output);
        Assert.True(((byte[])[.. bigBytes, .. "the tail"u8.ToArray()]).AsSpan().SequenceEqual(assembled));
        var again = await server.AwsAsync("s3api", "complete-multipart-upload", "--bucket", "parts", "--key", "assembled.bin", "--upload-id", upload, "--multipart-upload", Completion((1, etag1), (2, etag2)));
        Assert.Contains("(NoSuchUpload)", again.StandardError, StringComparison.Ordinal);

        // Abort removes an upload and its parts; a second abort is NoSuchUpload.
        var other = (await server.AwsJsonAsync("s3api", "create-multipart-upload", "--bucket", "parts", "--key", "dropped.bin")).GetProperty("UploadId").GetString()!;
        await server.AwsJsonAsync("s3api", "upload-part", "--bucket", "parts", "--key", "dropped.bin", "--upload-id", other, "--part-number", "1", "--body", small);
        (await server.AwsAsync("s3api", "abort-multipart-upload", "--bucket", "parts", "--key", "dropped.bin", "--upload-id", other)).EnsureSuccess();
        var abortAgain = await server.AwsAsync("s3api", "abort-multipart-upload", "--bucket", "parts", "--key", "dropped.bin", "--upload-id", other);
        Assert.Contains("(NoSuchUpload)", abortAgain.StandardError, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(server.ObjectsDirectory, ".tributary-s3", "uploads")));
        var keys = await server.AwsJsonAsync("s3api", "list-objects-v2", "--bucket", "parts");
        Assert.Equal(["assembled.bin"], keys.GetProperty("Contents").EnumerateArray().Select(c => c.GetProperty("Key").GetString()));
    }
}
