using Tributary.Interop.Tests;

namespace Tributary.Kinesis.Tests;

/// <summary>
/// The real `tributary` program as a separate process with the AWS APIs on free loopback ports (HTTP/1.1 and
/// HTTP/2), ready when it prints its "serving" line; stopped with SIGTERM (and required to exit 0), or killed with
/// SIGKILL by crash tests. Restartable on the same data directory. Used as an xunit class fixture.
/// </summary>
public sealed class KinesisServer : IAsyncLifetime
{
    private readonly TributaryProcess _process;

    public KinesisServer()
    {
        _process = new TributaryProcess(DataDirectory, () => ["kafka.port=0", $"aws.port={Port}", $"aws.http2.port={Http2Port}", "admin.port=0", .. Settings]);
    }

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "tributary-kinesis-" + Guid.NewGuid().ToString("N"));

    public int Port { get; } = TributaryProcess.FreePort();

    public int Http2Port { get; } = TributaryProcess.FreePort();

    /// <summary>The Kafka port the server picked (kafka.port=0), read from its "serving" line.</summary>
    public int KafkaPort
    {
        get
        {
            var kafka = System.Text.RegularExpressions.Regex.Match(_process.ServingLine, @"Kafka on [^:]+:(\d+)");
            return kafka.Success ? int.Parse(kafka.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        }
    }

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
