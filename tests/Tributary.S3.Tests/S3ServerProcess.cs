using System.Text.Json;

namespace Tributary.S3.Tests;

/// <summary>
/// The real `tributary serve` as a separate process with the S3 API on its AWS port (loopback, a port the OS picked) and
/// the embedded bucket in a directory of its own; the AWS CLI run against it. Each test owns one.
/// </summary>
public sealed class S3ServerProcess : IAsyncDisposable
{
    private readonly TributaryProcess _process;

    private S3ServerProcess()
    {
        _process = new TributaryProcess(Path.Combine(Root, "data"), () =>
            ["aws.http2.port=-1", "connect.rest.port=-1", $"delivery.local.directory={ObjectsDirectory}"]);
    }

    public string Root { get; } = Directory.CreateTempSubdirectory("tributary-s3-").FullName;

    public string ObjectsDirectory => Path.Combine(Root, "objects");

    /// <summary>A scratch directory for the clients' files.</summary>
    public string Work => Directory.CreateDirectory(Path.Combine(Root, "work")).FullName;

    public string Endpoint => $"http://127.0.0.1:{_process.Ports.Aws}";

    public string Output => _process.Output;

    public static async Task<S3ServerProcess> StartAsync()
    {
        var server = new S3ServerProcess();
        await server._process.StartAsync();
        return server;
    }

    /// <summary>Runs <c>aws ARGS --endpoint-url …</c>; the result, whatever the exit code.</summary>
    /// <remarks>
    /// The CLI gets the Firehose model tests/interop/firehose/cli_model.py writes (through AWS_DATA_PATH): its bundled one
    /// refuses buffering intervals below 60 s, which the delivery test uses to see objects within a second.
    /// </remarks>
    public async Task<ClientResult> AwsAsync(params string[] args)
    {
        S3Clients.RequireAwsCli();
        var models = Path.Combine(Root, "cli-model");
        if (!Directory.Exists(models))
        {
            var script = Path.Combine(InteropPaths.RepositoryRoot, "tests", "interop", "firehose", "cli_model.py");
            (await ClientProcess.RunAsync(S3Clients.Python, [script, models], TimeSpan.FromSeconds(30))).EnsureSuccess();
        }
        var environment = S3Clients.Environment();
        environment["AWS_DATA_PATH"] = models;
        return await ClientProcess.RunAsync(S3Clients.AwsCli, [.. args, "--endpoint-url", Endpoint, "--output", "json"], TimeSpan.FromSeconds(80),
            workingDirectory: Work, environment: environment);
    }

    public async Task<JsonElement> AwsJsonAsync(params string[] args)
    {
        var result = (await AwsAsync(args)).EnsureSuccess();
        return result.StandardOutput.Trim().Length == 0 ? default : JsonDocument.Parse(result.StandardOutput).RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _process.StopAsync();
        }
        finally
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}
