using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Tributary.Testing;

/// <summary>
/// The real `tributary serve` as a child process, shared by the test harnesses of every project that runs it: started with <c>dotnet tributary.dll serve --data-dir DIR --set KEY=VALUE…</c>, ready when it
/// prints its "serving" line, stopped with SIGTERM (and required to exit 0) or killed with SIGKILL, and started again
/// on the same data. Its output is kept for failure messages.
/// Every listener starts on port 0 (the OS picks a free one; picking a "free" port first and passing it races with every
/// other process on the machine) and <see cref="Ports"/> reads what was bound from the "serving" line; a restart asks for
/// the same ports again so that clients keep their addresses. A harness's own settings come after and win.
/// </summary>
public sealed partial class TributaryProcess : IAsyncDisposable
{
    private static readonly string Program = Path.Combine(AppContext.BaseDirectory, "tributary.dll");
    private readonly List<string> _output = [];
    private readonly string _dataDirectory;
    private readonly Func<IEnumerable<string>> _settings;
    private readonly TimeSpan _timeout;
    private TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Process? _process;

    /// <param name="settings">KEY=VALUE options, read at each start (so a harness may change them between restarts).</param>
    /// <param name="timeout">How long a start or a SIGTERM stop may take (default 60 s).</param>
    public TributaryProcess(string dataDirectory, Func<IEnumerable<string>> settings, TimeSpan? timeout = null)
    {
        _dataDirectory = dataDirectory;
        _settings = settings;
        _timeout = timeout ?? TimeSpan.FromSeconds(60);
    }

    /// <summary>Everything the process printed (stderr lines prefixed), across restarts.</summary>
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

    /// <summary>The "serving" line of the latest start (it names the bound ports).</summary>
    public string ServingLine { get; private set; } = "";

    /// <summary>The ports the latest start bound, read from its "serving" line.</summary>
    public ServedPorts Ports { get; private set; } = new(0, 0, 0, 0);

    /// <summary>
    /// Starts the server. A restart asks for the ports of the previous start; between the two, any process on the machine
    /// may have been given one of them as the local port of an outgoing connection (ports the OS picks for listeners and
    /// for connections come from the same ephemeral range), and the bind then fails. Such a port comes free when that
    /// connection ends (at worst after TIME_WAIT, which the server's listeners reuse), so a start that failed only on
    /// "address already in use" is tried again for up to a minute before the failure stands.
    /// </summary>
    public async Task StartAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var outputBefore = OutputLineCount;
            var started = await TryStartAsync();
            if (started)
            {
                return;
            }
            var portTaken = OutputSince(outputBefore).Contains("address already in use", StringComparison.OrdinalIgnoreCase);
            if (!portTaken || DateTime.UtcNow > deadline || _process is not { HasExited: true })
            {
                Assert.Fail("tributary did not start:\n" + Output);
            }
            _process.Dispose();
            _process = null;
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }

    private int OutputLineCount
    {
        get
        {
            lock (_output)
            {
                return _output.Count;
            }
        }
    }

    private string OutputSince(int line)
    {
        lock (_output)
        {
            return string.Join('\n', _output.Skip(line));
        }
    }

    private async Task<bool> TryStartAsync()
    {
        Assert.True(File.Exists(Program), "tributary.dll not built: " + Program);
        _started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var settings = Ports.Settings().Concat(_settings());
        var start = new ProcessStartInfo("dotnet", [Program, "serve", "--data-dir", _dataDirectory, .. settings.SelectMany(s => new[] { "--set", s })])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start)!;
        _process = process;
        process.OutputDataReceived += (_, e) => Record(e.Data, "");
        process.ErrorDataReceived += (_, e) => Record(e.Data, "stderr: ");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var first = await Task.WhenAny(_started.Task, process.WaitForExitAsync(), Task.Delay(_timeout));
        if (first != _started.Task)
        {
            if (process.HasExited)
            {
                // Stdout and stderr are read asynchronously: this waits for their last lines before the caller reads them.
                await process.WaitForExitAsync();
            }
            return false;
        }
        Ports = ServedPorts.Parse(ServingLine);
        return true;
    }

    /// <summary>SIGKILL, as a crash: no flush, no clean shutdown.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            Assert.Equal(0, kill(process.Id, 9));
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        _process?.Dispose();
        _process = null;
    }

    /// <summary>SIGTERM; the process must exit 0 within the timeout.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            Assert.Equal(0, kill(process.Id, 15));
            using var timeout = new CancellationTokenSource(_timeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"tributary did not stop within {_timeout.TotalSeconds} s of SIGTERM:\n" + Output);
            }
            Assert.True(process.ExitCode == 0, $"tributary exited with {process.ExitCode} on SIGTERM:\n{Output}");
        }
        _process?.Dispose();
        _process = null;
    }

    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    public async ValueTask DisposeAsync() => await StopAsync();

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
            ServingLine = line;
            _started.TrySetResult();
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}

/// <summary>
/// The ports a running server bound, as its "serving" line names them (0 for a listener it does not name). A harness
/// that restarts the server passes these back so clients keep their bootstrap address across the restart.
/// </summary>
public sealed partial record ServedPorts(int Kafka, int Aws, int AwsHttp2, int Admin, int Registry = 0, int Connect = 0)
{
    public static ServedPorts Parse(string servingLine) => new(
        Port(KafkaPort(), servingLine),
        Port(AwsPort(), servingLine),
        Port(AwsHttp2Port(), servingLine),
        Port(AdminPort(), servingLine),
        Port(RegistryPort(), servingLine),
        Port(ConnectPort(), servingLine));

    private static int Port(Regex pattern, string line) => pattern.Match(line) is { Success: true } match ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;

    /// <summary>The listener options that ask for these ports (0: any free port).</summary>
    public IEnumerable<string> Settings() =>
        [$"kafka.port={Kafka}", $"aws.port={Aws}", $"aws.http2.port={AwsHttp2}", $"admin.port={Admin}", $"registry.port={Registry}", $"connect.rest.port={Connect}"];

    [GeneratedRegex(@"Kafka on [^;]*?:(\d+)")]
    private static partial Regex KafkaPort();

    [GeneratedRegex(@"AWS APIs[^;]*? on [^;]*?:(\d+)")]
    private static partial Regex AwsPort();

    [GeneratedRegex(@"AWS APIs[^;]*? and :(\d+) \(HTTP/2\)")]
    private static partial Regex AwsHttp2Port();

    [GeneratedRegex(@"admin[^;]*? on [^;]*?:(\d+)")]
    private static partial Regex AdminPort();

    [GeneratedRegex(@"schema registry on [^;]*?:(\d+)")]
    private static partial Regex RegistryPort();

    [GeneratedRegex(@"Connect REST on [^;]*?:(\d+)")]
    private static partial Regex ConnectPort();
}
