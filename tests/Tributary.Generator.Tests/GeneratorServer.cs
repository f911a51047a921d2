using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tributary.Generator.Tests;

/// <summary>
/// One real <c>tributary serve</c> shared by a test class (Kafka, the AWS APIs, Connect REST on ports the OS picked;
/// delivered objects in a directory of its own), with the clients the tests drive it with as separate processes:
/// <c>tributary generate</c>, kcat and the AWS CLI.
/// </summary>
public sealed class GeneratorServer : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();

    public TributaryProcess Server { get; private set; } = null!;

    public string Bootstrap => $"127.0.0.1:{Server.Ports.Kafka}";

    public string Endpoint => $"http://127.0.0.1:{Server.Ports.Aws}";

    public string ObjectsDirectory => _directory.File("objects");

    public string Work => _directory.Path;

    public HttpClient Connect { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    public async Task InitializeAsync()
    {
        Server = new TributaryProcess(_directory.File("data"), () => ["aws.http2.port=-1", $"delivery.local.directory={ObjectsDirectory}"]);
        await Server.StartAsync();
        Connect.BaseAddress = new Uri($"http://127.0.0.1:{Server.Ports.Connect}");
    }

    public async Task DisposeAsync()
    {
        Connect.Dispose();
        await Server.DisposeAsync();
        _directory.Dispose();
    }

    /// <summary>Runs <c>tributary generate</c> with these arguments (plus the server's addresses) as its own process.</summary>
    public Task<ClientResult> GenerateAsync(TimeSpan timeout, params string[] args) =>
        ClientProcess.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "tributary.dll"), "generate", .. args, "--bootstrap-servers", Bootstrap, "--endpoint-url", Endpoint],
            timeout, environment: AwsServeFixture.Environment());

    public string WriteFile(string name, string text)
    {
        var path = _directory.File(name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Every record of a topic, read from the beginning to its end with kcat: key and value per line (tab between).</summary>
    public async Task<List<(string Key, string Value)>> ConsumeAsync(string topic)
    {
        InteropClients.RequireKcat();
        var result = (await ClientProcess.RunAsync("kcat", ["-C", "-b", Bootstrap, "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%k\t%s\n"], TimeSpan.FromSeconds(60))).EnsureSuccess();
        return [.. result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t', 2)).Select(p => (p[0], p[1]))];
    }

    /// <remarks>
    /// The CLI gets the Firehose model the delivery-stream tests use (tests/interop/firehose/cli_model.py, through
    /// AWS_DATA_PATH): Debian's bundled one refuses buffering intervals below 60 s, which Firehose now takes.
    /// </remarks>
    public async Task<JsonElement> AwsAsync(params string[] args)
    {
        AwsServeFixture.RequireAwsCli();
        var models = _directory.File("cli-model");
        if (!Directory.Exists(models))
        {
            var script = Path.Combine(InteropPaths.RepositoryRoot, "tests", "interop", "firehose", "cli_model.py");
            (await ClientProcess.RunAsync(AwsServeFixture.Python, [script, models], TimeSpan.FromSeconds(30))).EnsureSuccess();
        }
        var environment = AwsServeFixture.Environment();
        environment["AWS_DATA_PATH"] = models;
        var result = (await ClientProcess.RunAsync(AwsServeFixture.AwsCli, [.. args, "--endpoint-url", Endpoint, "--output", "json"], TimeSpan.FromSeconds(90),
            environment: environment)).EnsureSuccess();
        return result.StandardOutput.Trim().Length == 0 ? default : JsonDocument.Parse(result.StandardOutput).RootElement.Clone();
    }

    /// <summary>Creates a Kinesis stream and waits until it is ACTIVE.</summary>
    public async Task<string> CreateStreamAsync(string name, int shards)
    {
        await AwsAsync("kinesis", "create-stream", "--stream-name", name, "--shard-count", shards.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var arn = "";
        await Eventually.HoldsAsync(async () =>
        {
            var summary = (await AwsAsync("kinesis", "describe-stream-summary", "--stream-name", name)).GetProperty("StreamDescriptionSummary");
            arn = summary.GetProperty("StreamARN").GetString()!;
            return summary.GetProperty("StreamStatus").GetString() == "ACTIVE";
        }, $"stream {name} ACTIVE", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200));
        return arn;
    }

    /// <summary>Creates a delivery stream to the local bucket <paramref name="bucket"/> (1 s buffering), from direct PUT or a Kinesis stream.</summary>
    public async Task CreateDeliveryStreamAsync(string name, string bucket, string? kinesisStreamArn = null)
    {
        var create = new JsonObject
        {
            ["DeliveryStreamName"] = name,
            ["DeliveryStreamType"] = kinesisStreamArn is null ? "DirectPut" : "KinesisStreamAsSource",
            ["ExtendedS3DestinationConfiguration"] = new JsonObject
            {
                ["RoleARN"] = "arn:aws:iam::000000000000:role/firehose",
                ["BucketARN"] = "arn:aws:s3:::" + bucket,
                ["BufferingHints"] = new JsonObject { ["SizeInMBs"] = 8, ["IntervalInSeconds"] = 1 },
            },
        };
        if (kinesisStreamArn is not null)
        {
            create["KinesisStreamSourceConfiguration"] = new JsonObject { ["KinesisStreamARN"] = kinesisStreamArn, ["RoleARN"] = "arn:aws:iam::000000000000:role/firehose" };
        }
        var file = WriteFile($"create-{name}.json", create.ToJsonString());
        await AwsAsync("firehose", "create-delivery-stream", "--cli-input-json", "file://" + file);
    }

    /// <summary>The lines of every object delivered to a bucket so far.</summary>
    public List<string> DeliveredLines(string bucket)
    {
        var root = Path.Combine(ObjectsDirectory, bucket);
        var lines = new List<string>();
        if (!Directory.Exists(root))
        {
            return lines;
        }
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            if (Path.GetRelativePath(root, file).StartsWith('.'))
            {
                continue;
            }
            try
            {
                lines.AddRange(Encoding.UTF8.GetString(File.ReadAllBytes(file)).Split('\n', StringSplitOptions.RemoveEmptyEntries));
            }
            catch (IOException)
            {
                // Being replaced: counted on the next look.
            }
        }
        return lines;
    }

    /// <summary>A Connect REST call: status and JSON body.</summary>
    public async Task<(int Status, JsonNode? Body)> ConnectAsync(HttpMethod method, string path, JsonNode? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        using var response = await Connect.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }
}
