using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tributary.Firehose.Tests.EndToEnd;

/// <summary>
/// Delivery to a real S3-compatible server (s3rver, npm, as a separate process) through the S3 API: the server runs
/// with delivery.destination=s3; objects are read back with the AWS CLI's s3api; an object above the part size
/// goes as a multipart upload (seen in s3rver's request log).
/// </summary>
[Trait("Category", "process")]
public sealed class S3DeliveryTests
{
    private const string S3rverKey = "S3RVER";

    [Fact]
    public async Task Records_put_to_a_stream_land_once_each_in_s3rver_with_multipart_for_large_objects()
    {
        var root = Path.Combine(Path.GetTempPath(), "tributary-s3rver-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(root, "data"));
        var requestLog = Path.Combine(root, "requests.log");
        await File.WriteAllTextAsync(requestLog, "");
        using var s3rver = await StartS3rverAsync(Path.Combine(root, "data"), requestLog);
        try
        {
            await using var server = await DeliveryServer.StartAsync(
                "delivery.destination=s3", $"delivery.s3.endpoint=http://127.0.0.1:{s3rver.Port}", $"delivery.s3.access.key={S3rverKey}",
                $"delivery.s3.secret.key={S3rverKey}", "delivery.s3.part.size.bytes=5242880");
            var work = Path.Combine(server.Root, "work");
            Directory.CreateDirectory(work);
            var create = new JsonObject
            {
                ["DeliveryStreamName"] = "to-s3",
                ["DeliveryStreamType"] = "DirectPut",
                ["ExtendedS3DestinationConfiguration"] = new JsonObject
                {
                    ["RoleARN"] = "arn:aws:iam::000000000000:role/firehose",
                    ["BucketARN"] = "arn:aws:s3:::landing",
                    ["Prefix"] = "raw/",
                    // The size hint, not the clock, closes the object: 6 MiB, reached by the very last record below.
                    ["BufferingHints"] = new JsonObject { ["SizeInMBs"] = 6, ["IntervalInSeconds"] = 60 },
                    ["CompressionFormat"] = "UNCOMPRESSED",
                },
            };
            var createFile = Path.Combine(work, "create.json");
            await File.WriteAllTextAsync(createFile, create.ToJsonString());
            (await server.AwsAsync("firehose", "create-delivery-stream", "--cli-input-json", "file://" + createFile)).EnsureSuccess();
            // Three batches of 500 records of exactly 4,195 bytes (with the newline): 1,499 records stay below 6 MiB, the
            // 1,500th crosses it, so one object of 6,292,500 bytes is delivered, above the 5 MiB part size.
            var expected = new List<string>();
            for (var batch = 0; batch < 3; batch++)
            {
                var records = new JsonArray();
                for (var i = 0; i < 500; i++)
                {
                    var head = $"{{\"batch\":{batch},\"i\":{i},\"pad\":\"";
                    var line = head + new string((char)('a' + i % 26), 4194 - head.Length - 2) + "\"}";
                    expected.Add(line);
                    records.Add(new JsonObject { ["Data"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(line + "\n")) });
                }
                var file = Path.Combine(work, $"batch{batch}.json");
                await File.WriteAllTextAsync(file, records.ToJsonString());
                var put = await server.AwsJsonAsync("firehose", "put-record-batch", "--delivery-stream-name", "to-s3", "--records", "file://" + file);
                Assert.Equal(0, put.GetProperty("FailedPutCount").GetInt32());
            }
            var keys = new List<string>();
            await DeliveryServer.WaitForAsync(() =>
            {
                keys = ListKeysAsync(s3rver.Port).GetAwaiter().GetResult();
                return keys.Count > 0 && keys.Sum(k => DownloadAsync(s3rver.Port, k, work).GetAwaiter().GetResult().Count) >= expected.Count;
            }, TimeSpan.FromSeconds(90), () => "the records in s3rver\n" + server.Output);
            Assert.Single(keys);
            var delivered = new List<string>();
            foreach (var key in keys)
            {
                Assert.Matches(@"^raw/\d{4}/\d{2}/\d{2}/\d{2}/to-s3-1-\d{4}(-\d{2}){5}-[0-9a-f-]{36}$", key);
                delivered.AddRange(await DownloadAsync(s3rver.Port, key, work));
            }
            Assert.Equal(expected.Order(StringComparer.Ordinal), delivered.Order(StringComparer.Ordinal));
            var requests = await File.ReadAllLinesAsync(requestLog);
            Assert.Contains(requests, r => r.StartsWith("POST /landing/raw/", StringComparison.Ordinal) && r.Contains("uploads", StringComparison.Ordinal));
            Assert.True(requests.Count(r => r.StartsWith("PUT /landing/raw/", StringComparison.Ordinal) && r.Contains("partNumber=", StringComparison.Ordinal)) >= 2,
                "expected a multipart upload of at least two parts:\n" + string.Join('\n', requests));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static Dictionary<string, string> S3Environment() => new()
    {
        ["AWS_ACCESS_KEY_ID"] = S3rverKey,
        ["AWS_SECRET_ACCESS_KEY"] = S3rverKey,
        ["AWS_DEFAULT_REGION"] = "us-east-1",
        ["AWS_CONFIG_FILE"] = "/dev/null",
        ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
        ["AWS_PAGER"] = "",
    };

    private static async Task<List<string>> ListKeysAsync(int port)
    {
        var result = await ClientProcess.RunAsync(FirehoseClients.AwsCli,
            ["s3api", "list-objects-v2", "--bucket", "landing", "--endpoint-url", $"http://127.0.0.1:{port}", "--output", "json"], TimeSpan.FromSeconds(60), environment: S3Environment());
        if (result.ExitCode != 0 || result.StandardOutput.Trim().Length == 0)
        {
            return [];
        }
        var root = JsonDocument.Parse(result.StandardOutput).RootElement;
        return root.TryGetProperty("Contents", out var contents) ? [.. contents.EnumerateArray().Select(c => c.GetProperty("Key").GetString()!)] : [];
    }

    private static async Task<List<string>> DownloadAsync(int port, string key, string work)
    {
        var file = Path.Combine(work, "download-" + Guid.NewGuid().ToString("N"));
        (await ClientProcess.RunAsync(FirehoseClients.AwsCli,
            ["s3api", "get-object", "--bucket", "landing", "--key", key, file, "--endpoint-url", $"http://127.0.0.1:{port}", "--output", "json"], TimeSpan.FromSeconds(60), environment: S3Environment())).EnsureSuccess();
        var lines = (await File.ReadAllLinesAsync(file)).Where(l => l.Length > 0).ToList();
        File.Delete(file);
        return lines;
    }

    private static async Task<S3rverProcess> StartS3rverAsync(string directory, string requestLog)
    {
        var s3 = Path.Combine(InteropPaths.RepositoryRoot, "tests", "interop", "s3");
        Assert.True(Directory.Exists(Path.Combine(s3, "node_modules", "s3rver")), "s3rver is not installed: run ./test.sh (npm ci in tests/interop/s3)");
        var start = new ProcessStartInfo(InteropClients.Node, [Path.Combine(s3, "start-s3rver.mjs"), directory, requestLog])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = s3,
        };
        var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        string? line = null;
        try
        {
            line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
        }
        if (line is null)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("s3rver did not start:\n" + await process.StandardError.ReadToEndAsync());
        }
        return new S3rverProcess(process, JsonDocument.Parse(line!).RootElement.GetProperty("port").GetInt32());
    }

    /// <summary>s3rver running beside the test; closing its stdin ends it, killing is the fallback.</summary>
    private sealed class S3rverProcess(Process process, int port) : IDisposable
    {
        public int Port { get; } = port;

        public void Dispose()
        {
            process.StandardInput.Close();
            if (!process.WaitForExit(5000))
            {
                process.Kill(entireProcessTree: true);
            }
            process.Dispose();
        }
    }
}
