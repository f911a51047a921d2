
namespace Tributary.Kinesis.Tests;

/// <summary>
/// The real `tributary` program as a separate process with the AWS APIs on loopback ports the OS picked (HTTP/1.1 and
/// HTTP/2), ready when it prints its "serving" line; stopped with SIGTERM (and required to exit 0), or killed with
/// SIGKILL by crash tests. Restartable on the same data directory. Used as an xunit class fixture.
/// </summary>
public sealed class KinesisServer : IAsyncLifetime
{
    private readonly TributaryProcess _process;

    public KinesisServer()
    {
        _process = new TributaryProcess(DataDirectory, () => Settings);
    }

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "tributary-kinesis-" + Guid.NewGuid().ToString("N"));

    /// <summary>The bound ports (known once started; kept across restarts).</summary>
    public int Port => _process.Ports.Aws;

    public int Http2Port => _process.Ports.AwsHttp2;

    public int KafkaPort => _process.Ports.Kafka;

    public List<string> Settings { get; } = [];

    public string Endpoint => $"http://127.0.0.1:{Port}";

    public string Http2Endpoint => $"http://127.0.0.1:{Http2Port}";

    public string Output => _process.Output;

    public Task InitializeAsync() => StartAsync();

    public Task StartAsync() => _process.StartAsync();

    public Task KillAsync() => _process.KillAsync();

    public Task StopAsync() => _process.StopAsync();

    public async Task DisposeAsync()
    {
        try
        {
            await StopAsync();
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
