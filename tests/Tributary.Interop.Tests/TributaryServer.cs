using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Tributary.Interop.Tests;

/// <summary>
/// The real `tributary` program as a separate process: `dotnet tributary.dll serve --data-dir TEMP --set
/// kafka.port=PORT` on a free loopback port, ready when it prints a line containing "serving", stopped with
/// SIGTERM (and required to exit 0). Used as an xunit class fixture: one broker per test class.
/// </summary>
public class TributaryServer : IAsyncLifetime
{
    private static readonly string Program = Path.Combine(AppContext.BaseDirectory, "tributary.dll");
    private readonly List<string> _output = [];
    private TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Process? _process;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "tributary-interop-" + Guid.NewGuid().ToString("N"));

    public int Port { get; } = FreePort();

    /// <summary>The bootstrap server for clients: 127.0.0.1:PORT.</summary>
    public string Bootstrap => $"127.0.0.1:{Port}";

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

    /// <summary>Extra options (KEY=VALUE) a derived fixture passes with --set.</summary>
    protected virtual IEnumerable<string> Settings => [];

    public Task InitializeAsync() => StartAsync();

    /// <summary>Stops the broker with SIGTERM (it must exit 0) and starts it again on the same data directory and port.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        _process?.Dispose();
        _started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await StartAsync();
    }

    private async Task StartAsync()
    {
        Assert.True(File.Exists(Program), "tributary.dll not built: " + Program);
        string[] args = [Program, "serve", "--data-dir", DataDirectory, "--set", $"kafka.port={Port}", .. Settings.SelectMany(s => new[] { "--set", s })];
        var start = new ProcessStartInfo("dotnet", args)
        {
            // The AWS APIs on free ports too, so test servers running in parallel never collide on 4566/4567.
            Environment = { ["TRIBUTARY_AWS_PORT"] = "0", ["TRIBUTARY_AWS_HTTP2_PORT"] = "0", ["TRIBUTARY_ADMIN_PORT"] = "0" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => Record(e.Data, "");
        _process.ErrorDataReceived += (_, e) => Record(e.Data, "stderr: ");
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var first = await Task.WhenAny(_started.Task, _process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
        Assert.True(first == _started.Task, "tributary did not start:\n" + Output);
    }

    public async Task DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            _process?.Dispose();
            if (Directory.Exists(DataDirectory))
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
        }
    }

    private async Task StopAsync()
    {
        if (_process is not { HasExited: false })
        {
            return;
        }
        Assert.Equal(0, kill(_process.Id, 15)); // SIGTERM
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            Assert.Fail("tributary did not stop within 60 s of SIGTERM:\n" + Output);
        }
        Assert.True(_process.ExitCode == 0, $"tributary exited with {_process.ExitCode} on SIGTERM:\n{Output}");
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
