using System.Net.Http.Json;
using System.Text.Json;

namespace Tributary.WebConsole.Tests;

/// <summary>
/// The real <c>tributary serve</c> (every listener on a port the OS picks, Connect on) with the console on its admin
/// port, and the browser scripts of tests/interop/console run against it as separate processes. Screenshots go to a
/// temporary directory removed with the data, or to docs/console/ when CONSOLE_SCREENSHOTS=docs (how the committed ones
/// were made).
/// </summary>
public sealed class ConsoleServer : IAsyncDisposable
{
    public static readonly string Scripts = Path.Combine(InteropPaths.Scripts, "console");
    private readonly TributaryProcess _process;
    private readonly bool _keepScreenshots;

    public ConsoleServer(Action<string>? seed = null)
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), "tributary-console-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataDirectory);
        seed?.Invoke(DataDirectory);
        _process = new TributaryProcess(DataDirectory, () => ["admin.port=0", "connect.rest.port=0"], TimeSpan.FromSeconds(180));
        _keepScreenshots = Environment.GetEnvironmentVariable("CONSOLE_SCREENSHOTS") == "docs";
        Screenshots = _keepScreenshots
            ? Path.Combine(InteropPaths.RepositoryRoot, "docs", "console")
            : DataDirectory + "-screenshots";
        Directory.CreateDirectory(Screenshots);
    }

    public string DataDirectory { get; }

    public string Screenshots { get; }

    public string BaseUrl => $"http://127.0.0.1:{_process.Ports.Admin}";

    public string ConnectUrl => $"http://127.0.0.1:{_process.Ports.Connect}";

    /// <summary>The AWS APIs (S3, Glue, Athena, Kinesis, Firehose) of the served process.</summary>
    public string AwsEndpoint => $"http://127.0.0.1:{_process.Ports.Aws}";

    /// <summary>Runs the AWS CLI against the served AWS endpoint (the fixed test credentials) and fails with its output when it fails.</summary>
    public async Task<string> AwsAsync(params string[] args)
    {
        AwsServeFixture.RequireAwsCli();
        var result = await ClientProcess.RunAsync(AwsServeFixture.AwsCli, ["--endpoint-url", AwsEndpoint, "--no-cli-pager", .. args], TimeSpan.FromSeconds(60),
            environment: AwsServeFixture.Environment());
        Assert.True(result.ExitCode == 0, $"aws {string.Join(' ', args)}:\n{result}");
        return result.StandardOutput;
    }

    public string Output => _process.Output;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    public Task StartAsync() => _process.StartAsync();

    public Task KillAsync() => _process.KillAsync();

    /// <summary>Fails with the install command when Chromium or the npm packages are missing.</summary>
    public static void RequireBrowser()
    {
        Assert.True(File.Exists("/usr/bin/chromium"), "Chromium is not installed: run ./test.sh (apt-get install chromium)");
        Assert.True(InteropClients.OnPath(InteropClients.Node) is not null, "node is not installed: run ./test.sh");
        Assert.True(File.Exists(Path.Combine(Scripts, "node_modules", "puppeteer-core", "package.json")) && File.Exists(Path.Combine(Scripts, "node_modules", "axe-core", "axe.min.js")),
            "puppeteer-core and axe-core are not installed: run ./test.sh (npm ci in tests/interop/console)");
    }

    /// <summary>Runs one browser scenario (scenarios.mjs) and returns its JSON lines; fails with its output when it fails.</summary>
    public async Task<IReadOnlyList<JsonElement>> RunScenarioAsync(string scenario, string argument = "", TimeSpan? timeout = null)
    {
        var result = await ClientProcess.RunAsync(InteropClients.Node, [Path.Combine(Scripts, "scenarios.mjs"), scenario, BaseUrl, Screenshots, argument], timeout ?? TimeSpan.FromSeconds(120), Scripts);
        Assert.True(result.ExitCode == 0, $"browser scenario {scenario} failed:\n{result}\nserver output:\n{Output}");
        return [.. result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone())];
    }

    public async Task PostAsync(string path, object body)
    {
        using var response = await Http.PostAsJsonAsync(BaseUrl + path, body);
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        try
        {
            await _process.StopAsync();
        }
        finally
        {
            Directory.Delete(DataDirectory, recursive: true);
            if (!_keepScreenshots)
            {
                Directory.Delete(Screenshots, recursive: true);
            }
        }
    }
}
