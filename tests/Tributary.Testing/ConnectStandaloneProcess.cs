using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Tributary.Testing;

/// <summary>
/// The real <c>tributary connect-standalone worker.properties connector…</c> (or <c>connect-distributed
/// worker.properties</c>, or <c>schema-registry</c>) as a child process: ready when it prints
/// its "serving" line (which names the bound REST port), stopped with SIGTERM (exit 0 required) or killed with SIGKILL.
/// Output is kept for failure messages. For any test project whose connectors run in the real program.
/// </summary>
public sealed partial class ConnectStandaloneProcess : IAsyncDisposable
{
    private static readonly string Program = Path.Combine(AppContext.BaseDirectory, "tributary.dll");
    private readonly List<string> _output = [];
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Process? _process;

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

    public int RestPort { get; private set; }

    public string RestUrl => $"http://127.0.0.1:{RestPort}";

    public static Task<ConnectStandaloneProcess> StartAsync(params string[] arguments) => StartCommandAsync("connect-standalone", arguments);

    /// <summary><c>tributary &lt;command&gt; arguments…</c> (connect-standalone, connect-distributed or schema-registry).</summary>
    public static Task<ConnectStandaloneProcess> StartCommandAsync(string command, params string[] arguments) => StartCommandAsync(command, null, arguments);

    /// <summary>The same with environment variables set for the child (AWS credentials, say).</summary>
    public static async Task<ConnectStandaloneProcess> StartCommandAsync(string command, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        Assert.True(System.IO.File.Exists(Program), "tributary.dll not built: " + Program);
        var result = new ConnectStandaloneProcess();
        var start = new ProcessStartInfo("dotnet", [Program, command, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        var process = Process.Start(start)!;
        result._process = process;
        process.OutputDataReceived += (_, e) => result.Record(e.Data, "");
        process.ErrorDataReceived += (_, e) => result.Record(e.Data, "stderr: ");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var first = await Task.WhenAny(result._started.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(90)));
        Assert.True(first == result._started.Task, command + " did not start:\n" + result.Output);
        return result;
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
                Assert.Fail("connect-standalone did not stop within 60 s of SIGTERM:\n" + Output);
            }
            Assert.True(process.ExitCode == 0, $"connect-standalone exited with {process.ExitCode}:\n{Output}");
        }
        _process?.Dispose();
        _process = null;
    }

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

    /// <summary>SIGSTOP: the process stops running (as a worker starved of CPU would) until <see cref="Thaw"/>.</summary>
    public void Freeze() => Assert.Equal(0, kill(_process!.Id, 19));

    /// <summary>SIGCONT after <see cref="Freeze"/>.</summary>
    public void Thaw() => Assert.Equal(0, kill(_process!.Id, 18));

    public async ValueTask DisposeAsync() => await KillAsync();

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
            var match = RestPortPattern().Match(line);
            RestPort = match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
            _started.TrySetResult();
        }
    }

    [GeneratedRegex(@"(?:Connect REST|schema registry) on [^;]*?:(\d+)")]
    private static partial Regex RestPortPattern();

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
