using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Tributary.Kinesis.Tests;

/// <summary>
/// The real `tributary` program as a separate process with the AWS APIs on free loopback ports (HTTP/1.1 and
/// HTTP/2), ready when it prints its "serving" line; stopped with SIGTERM (and required to exit 0), or killed with
/// SIGKILL by crash tests. Restartable on the same data directory. Used as an xunit class fixture.
/// </summary>
public sealed class KinesisServer : IAsyncLifetime
{
    private static readonly string Program = Path.Combine(AppContext.BaseDirectory, "tributary.dll");
    private readonly List<string> _output = [];
    private TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Process? _process;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "tributary-kinesis-" + Guid.NewGuid().ToString("N"));

    public int Port { get; } = FreePort();

    public int Http2Port { get; } = FreePort();

    /// <summary>The Kafka listener's port (the server picks a free one), read from its "serving" line.</summary>
    public int KafkaPort { get; private set; }

    /// <summary>Extra --set options for the server.</summary>
    public List<string> Settings { get; } = [];

    public string Endpoint => $"http://127.0.0.1:{Port}";

    public string Http2Endpoint => $"http://127.0.0.1:{Http2Port}";

    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    public Task InitializeAsync() => StartAsync();

    public async Task StartAsync()
    {
        Assert.True(File.Exists(Program), "tributary.dll not built: " + Program);
        _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Program, "serve", "--data-dir", DataDirectory, "--set", "kafka.port=0", "--set", $"aws.port={Port}", "--set", $"aws.http2.port={Http2Port}", "--set", "admin.port=0" })
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var setting in Settings)
        {
            start.ArgumentList.Add("--set");
            start.ArgumentList.Add(setting);
        }
        var process = Process.Start(start)!;
        _process = process;
        process.OutputDataReceived += (_, e) => Record(e.Data, "");
        process.ErrorDataReceived += (_, e) => Record(e.Data, "stderr: ");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var first = await Task.WhenAny(_started.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
        Assert.True(first == _started.Task, "tributary did not start:\n" + Output);
    }

    /// <summary>SIGKILL: no shutdown code runs, exactly like a crash.</summary>
    public async Task KillAsync()
    {
        var process = _process!;
        Assert.Equal(0, kill(process.Id, 9));
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        process.Dispose();
        _process = null;
    }

    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            Assert.Equal(0, kill(process.Id, 15));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("tributary did not stop within 60 s of SIGTERM:\n" + Output);
            }
            Assert.True(process.ExitCode == 0, $"tributary exited with {process.ExitCode} on SIGTERM:\n{Output}");
        }
        _process?.Dispose();
        _process = null;
    }

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

    private void Record(string? line, string prefix)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.Add(prefix + line);
        }
        if (prefix.Length == 0 && line.Contains("serving", StringComparison.Ordinal))
        {
            var kafka = System.Text.RegularExpressions.Regex.Match(line, @"Kafka on [^:]+:(\d+)");
            KafkaPort = kafka.Success ? int.Parse(kafka.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
            _started.TrySetResult();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
