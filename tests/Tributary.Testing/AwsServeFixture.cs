namespace Tributary.Testing;

/// <summary>
/// The real `tributary serve` as a separate process (AWS APIs on a loopback port the OS picked), restartable on the
/// same data directory; the base of a test project's xunit class fixture (which adds IAsyncLifetime: this project has no xunit core), which names it (the data directory's
/// prefix) and its client scripts. Also the AWS clients' fixed environment: dummy credentials (Tributary accepts any
/// unless aws.credentials is set) and no user configuration, and the checks that the AWS CLI and boto3 are installed.
/// </summary>
public abstract class AwsServeFixture
{
    public const string AwsCli = "/usr/bin/aws";
    public const string Python = "/usr/bin/python3";

    private readonly TributaryProcess _process;

    protected AwsServeFixture(string name)
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), $"tributary-{name}-" + Guid.NewGuid().ToString("N"));
        _process = new TributaryProcess(DataDirectory, () => Settings);
    }

    public string DataDirectory { get; }

    public List<string> Settings { get; } = [];

    public string Endpoint => $"http://127.0.0.1:{_process.Ports.Aws}";

    /// <summary>The Kafka listener's bound port (for clients of the served broker beside the AWS APIs).</summary>
    public int KafkaPort => _process.Ports.Kafka;

    /// <summary>The "serving" line of the latest start (it names every bound listener).</summary>
    public string ServingLine => _process.ServingLine;

    /// <summary>The admin port (GET /metrics, /health).</summary>
    public int AdminPort => _process.Ports.Admin;

    public string Output => _process.Output;

    public static Dictionary<string, string> Environment() => new()
    {
        ["AWS_ACCESS_KEY_ID"] = "tributary",
        ["AWS_SECRET_ACCESS_KEY"] = "tributary",
        ["AWS_DEFAULT_REGION"] = "us-east-1",
        ["AWS_REGION"] = "us-east-1",
        ["AWS_PAGER"] = "",
        ["AWS_CONFIG_FILE"] = "/dev/null",
        ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
    };

    public static void RequireAwsCli() =>
        Assert.True(File.Exists(AwsCli), "The AWS CLI is not installed at /usr/bin/aws: run ./test.sh to install it (Debian package awscli)");

    public static async Task RequireBoto3()
    {
        Assert.True(File.Exists(Python), "/usr/bin/python3 is missing: install Debian's python3");
        var result = await ClientProcess.RunAsync(Python, ["-c", "import boto3"], TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, "boto3 is not installed for /usr/bin/python3: run ./test.sh to install it (Debian package python3-boto3)\n" + result);
    }

    public Task InitializeAsync() => _process.StartAsync();

    public Task RestartAsync() => _process.RestartAsync();

    public async Task DisposeAsync()
    {
        try
        {
            await _process.StopAsync();
        }
        finally
        {
            if (Directory.Exists(DataDirectory))
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
        }
    }
}
