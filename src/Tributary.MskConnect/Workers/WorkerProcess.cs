using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Tributary.MskConnect.Workers;

/// <summary>
/// One <c>tributary connect-distributed</c> child process of an MSK connector: its properties file (written at start
/// with a fresh loopback REST port), the process, the last lines it printed (for diagnostics), and the CPU time it
/// used (for the autoscaler). Stopping sends SIGTERM — the worker stops its tasks, flushes offsets and leaves the
/// group — and kills it if it has not exited within the grace period. Not thread-safe: owned by its
/// <see cref="ConnectorRuntime"/>.
/// </summary>
internal sealed partial class WorkerProcess
{
    private const int SigTerm = 15;
    private readonly Queue<string> _tail = new();
    private readonly Process _process;
    private TimeSpan _lastCpu;
    private DateTime _lastSample;

    private WorkerProcess(Process process, int port, string propertiesPath)
    {
        _process = process;
        Port = port;
        PropertiesPath = propertiesPath;
        _lastSample = DateTime.UtcNow;
    }

    public int Port { get; }

    public string PropertiesPath { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public Uri RestUri => new($"http://127.0.0.1:{Port}/");

    public string Tail
    {
        get
        {
            lock (_tail)
            {
                return string.Join('\n', _tail);
            }
        }
    }

    /// <summary>
    /// Writes <paramref name="propertiesPath"/> (the given properties plus <c>listeners</c>) and starts the worker;
    /// every line it prints also goes to <paramref name="output"/> when given (called on the process's reader threads);
    /// <paramref name="environment"/> adds to (or replaces in) the server's environment.
    /// </summary>
    public static WorkerProcess Start(WorkerLauncher launcher, string propertiesPath, IReadOnlyDictionary<string, string> properties, Action<string>? output = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var port = FreePort();
        var lines = properties.Select(p => $"{p.Key}={Escape(p.Value)}").Append($"listeners=http://127.0.0.1:{port}");
        File.WriteAllLines(propertiesPath, lines);
        var start = new ProcessStartInfo(launcher.FileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        foreach (var argument in launcher.LeadingArguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.ArgumentList.Add("connect-distributed");
        start.ArgumentList.Add(propertiesPath);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var worker = new WorkerProcess(process, port, propertiesPath);
        process.OutputDataReceived += (_, e) => worker.Remember(e.Data, output);
        process.ErrorDataReceived += (_, e) => worker.Remember(e.Data, output);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        worker._lastCpu = SafeCpu(process);
        return worker;
    }

    /// <summary>The share of one CPU this process used since the previous sample, in percent (0 when it exited).</summary>
    public double SampleCpuPercent()
    {
        var now = DateTime.UtcNow;
        var cpu = SafeCpu(_process);
        var wall = (now - _lastSample).TotalMilliseconds;
        var percent = wall <= 0 ? 0 : (cpu - _lastCpu).TotalMilliseconds / wall * 100;
        _lastCpu = cpu;
        _lastSample = now;
        return Math.Max(0, percent);
    }

    /// <summary>SIGTERM, then a kill of the process tree after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        try
        {
            if (_process.HasExited)
            {
                return;
            }
            _ = Kill(_process.Id, SigTerm);
            using var timeout = new CancellationTokenSource(grace);
            try
            {
                await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
            // The process is gone already.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void Remember(string? line, Action<string>? output)
    {
        if (line is null)
        {
            return;
        }
        output?.Invoke(line);
        lock (_tail)
        {
            _tail.Enqueue(line);
            while (_tail.Count > 40)
            {
                _tail.Dequeue();
            }
        }
    }

    private static TimeSpan SafeCpu(Process process)
    {
        try
        {
            process.Refresh();
            return process.HasExited ? TimeSpan.Zero : process.TotalProcessorTime;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return TimeSpan.Zero;
        }
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
