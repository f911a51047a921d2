using System.IO.Compression;
using System.Text.Json;

namespace Tributary.Firehose.Tests.EndToEnd;

/// <summary>
/// The real `tributary serve` as a separate process, with Kafka and the AWS APIs on loopback ports the OS picked and delivered
/// objects in a local directory (or options given). Can be stopped with SIGTERM or killed with SIGKILL and started
/// again on the same data. Each test owns one.
/// </summary>
public sealed class DeliveryServer : IAsyncDisposable
{
    private readonly TributaryProcess _process;

    private DeliveryServer(string[] settings)
    {
        _process = new TributaryProcess(DataDirectory, () =>
        [
            "aws.http2.port=-1", $"delivery.local.directory={ObjectsDirectory}", .. settings,
        ]);
    }

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "tributary-e2e-" + Guid.NewGuid().ToString("N"));

    public string DataDirectory => Path.Combine(Root, "data");

    public string ObjectsDirectory => Path.Combine(Root, "objects");

    /// <summary>The bound ports (known once started; kept across restarts).</summary>
    public int KafkaPort => _process.Ports.Kafka;

    public int AwsPort => _process.Ports.Aws;

    public int AdminPort => _process.Ports.Admin;

    public string Bootstrap => $"127.0.0.1:{KafkaPort}";

    public string Endpoint => $"http://127.0.0.1:{AwsPort}";

    public int RegistryPort => _process.Ports.Registry;

    public string Output => _process.Output;

    public static async Task<DeliveryServer> StartAsync(params string[] settings)
    {
        var server = new DeliveryServer(settings);
        await server._process.StartAsync();
        return server;
    }

    /// <summary>SIGKILL, as a crash: no flush, no clean shutdown.</summary>
    public Task KillAsync() => _process.KillAsync();

    /// <summary>SIGTERM (exit 0 required), then start again on the same data.</summary>
    public Task RestartAsync() => _process.RestartAsync();

    /// <summary>Starts again after <see cref="KillAsync"/>.</summary>
    public Task StartAgainAsync() => _process.StartAsync();

    /// <summary>Runs the AWS CLI against this server; fails the test on a non-zero exit unless told otherwise.</summary>
    /// <remarks>
    /// The CLI gets a Firehose model with the members its bundled one predates (tests/interop/firehose/cli_model.py,
    /// through AWS_DATA_PATH): MSKSourceConfiguration and Tributary's documented extensions.
    /// </remarks>
    public async Task<ClientResult> AwsAsync(params string[] args)
    {
        FirehoseClients.RequireAwsCli();
        var models = Path.Combine(Root, "cli-model");
        if (!Directory.Exists(models))
        {
            var script = Path.Combine(InteropPaths.RepositoryRoot, "tests", "interop", "firehose", "cli_model.py");
            (await ClientProcess.RunAsync(FirehoseClients.Python, [script, models], TimeSpan.FromSeconds(30))).EnsureSuccess();
        }
        var environment = FirehoseClients.Environment();
        environment["AWS_DATA_PATH"] = models;
        return await ClientProcess.RunAsync(FirehoseClients.AwsCli, [.. args, "--endpoint-url", Endpoint, "--output", "json"], TimeSpan.FromSeconds(90), environment: environment);
    }

    public async Task<JsonElement> AwsJsonAsync(params string[] args)
    {
        var result = (await AwsAsync(args)).EnsureSuccess();
        return result.StandardOutput.Trim().Length == 0 ? default : JsonDocument.Parse(result.StandardOutput).RootElement.Clone();
    }

    /// <summary>GET /metrics of the admin port (Prometheus text).</summary>
    public async Task<string> MetricsAsync()
    {
        using var http = new HttpClient();
        return await http.GetStringAsync($"http://127.0.0.1:{AdminPort}/metrics");
    }

    /// <summary>Every delivered object under the bucket: key (relative, '/'-separated) → bytes, gunzipped for .gz keys.</summary>
    public SortedDictionary<string, byte[]> Objects(string bucket)
    {
        var result = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        var root = Path.Combine(ObjectsDirectory, bucket);
        if (!Directory.Exists(root))
        {
            return result;
        }
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            var key = Path.GetRelativePath(root, file).Replace('\\', '/');
            if (key.StartsWith('.'))
            {
                continue;
            }
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(file);
            }
            catch (IOException)
            {
                continue;
            }
            if (key.EndsWith(".gz", StringComparison.Ordinal))
            {
                using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
                using var plain = new MemoryStream();
                gzip.CopyTo(plain);
                bytes = plain.ToArray();
            }
            result[key] = bytes;
        }
        return result;
    }

    public static Task WaitForAsync(Func<bool> condition, TimeSpan timeout, Func<string> what) =>
        Eventually.HoldsAsync(condition, what, timeout, TimeSpan.FromMilliseconds(200));

    /// <summary>
    /// Waits until no delivery stream holds a record it read but has not delivered (every
    /// tributary_delivery_data_freshness_seconds series is 0): after that nothing more can land, so a test may check
    /// for duplicates without waiting a guessed time.
    /// </summary>
    public async Task WaitForIdleAsync(TimeSpan? timeout = null)
    {
        var metrics = "";
        await Eventually.HoldsAsync(async () =>
        {
            metrics = await MetricsAsync();
            var freshness = metrics.Split('\n').Where(l => l.StartsWith("tributary_delivery_data_freshness_seconds", StringComparison.Ordinal)).ToList();
            return freshness.All(l => l.EndsWith(" 0", StringComparison.Ordinal));
        }, "every delivery stream idle (data freshness 0)", timeout ?? TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _process.StopAsync();
        }
        finally
        {
            if (Directory.Exists(Root))
            {
                Directory.Delete(Root, recursive: true);
            }
        }
    }
}
