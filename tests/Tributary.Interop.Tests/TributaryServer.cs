namespace Tributary.Interop.Tests;

/// <summary>
/// The real `tributary` program as a separate process (<see cref="TributaryProcess"/>): `serve --data-dir TEMP` with every
/// listener on a port the OS picked (so test servers running in parallel never collide). Used as an xunit class fixture: one broker per test class.
/// </summary>
public class TributaryServer : IAsyncLifetime
{
    private readonly TributaryProcess _process;

    public TributaryServer()
    {
        _process = new TributaryProcess(DataDirectory, () => Settings);
    }

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "tributary-interop-" + Guid.NewGuid().ToString("N"));

    /// <summary>The bound Kafka port (known once started; kept across restarts).</summary>
    public int Port => _process.Ports.Kafka;

    /// <summary>The bootstrap server for clients: 127.0.0.1:PORT.</summary>
    public string Bootstrap => $"127.0.0.1:{Port}";

    public string Output => _process.Output;

    /// <summary>Extra options (KEY=VALUE) a derived fixture passes with --set.</summary>
    protected virtual IEnumerable<string> Settings => [];

    public Task InitializeAsync() => _process.StartAsync();

    /// <summary>Stops the broker with SIGTERM (it must exit 0) and starts it again on the same data directory and ports.</summary>
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
