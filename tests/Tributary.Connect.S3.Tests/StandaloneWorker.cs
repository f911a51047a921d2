using System.Diagnostics;

namespace Tributary.Connect.S3.Tests;

/// <summary>
/// <c>tributary connect-standalone worker.properties connector…</c> as a child process: ready at its "serving" line,
/// stopped with SIGTERM or killed with SIGKILL (Process.Kill). Output is kept for failure messages.
/// </summary>
internal sealed class StandaloneWorker : IAsyncDisposable
{
    private static readonly string Program = Path.Combine(AppContext.BaseDirectory, "tributary.dll");
    private readonly List<string> _output = [];
    private readonly TaskCompletionSource _serving = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Process? _process;

    /// <summary>The port of the worker's Connect REST API (from its "serving" line).</summary>
    public int RestPort { get; private set; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output.TakeLast(200));
            }
        }
    }

    /// <summary>
    /// Writes <c>connect.properties</c> in <paramref name="directory"/>: the broker on <paramref name="kafkaPort"/>,
    /// schemaless JSON values, string keys, an offsets file beside it flushed every 500 ms, REST on a free port.
    /// </summary>
    public static string WriteWorkerProperties(TempDirectory directory, int kafkaPort)
    {
        var worker = directory.File("connect.properties");
        System.IO.File.WriteAllText(worker, $"""
            bootstrap.servers=127.0.0.1:{kafkaPort}
            key.converter=org.apache.kafka.connect.storage.StringConverter
            value.converter=org.apache.kafka.connect.json.JsonConverter
            value.converter.schemas.enable=false
            offset.storage.file.filename={directory.File("offsets.json")}
            offset.flush.interval.ms=500
            listeners=http://127.0.0.1:0
            """);
        return worker;
    }

    public static async Task<StandaloneWorker> StartAsync(params string[] arguments)
    {
        Assert.True(System.IO.File.Exists(Program), "tributary.dll not built: " + Program);
        var worker = new StandaloneWorker();
        var process = Process.Start(new ProcessStartInfo("dotnet", [Program, "connect-standalone", .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        worker._process = process;
        process.OutputDataReceived += (_, e) => worker.Record(e.Data, "");
        process.ErrorDataReceived += (_, e) => worker.Record(e.Data, "stderr: ");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var first = await Task.WhenAny(worker._serving.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(90)));
        Assert.True(first == worker._serving.Task, "connect-standalone did not start:\n" + worker.Output);
        return worker;
    }

    /// <summary>kill -9: the worker gets no chance to flush or commit anything.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        _process?.Dispose();
        _process = null;
    }

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
            var rest = System.Text.RegularExpressions.Regex.Match(line, @"Connect REST on [^;]*?:(\d+)");
            RestPort = rest.Success ? int.Parse(rest.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
            _serving.TrySetResult();
        }
    }
}
