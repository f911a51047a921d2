using System.Diagnostics;
using System.Runtime.InteropServices;
using Tributary.Storage;

namespace Tributary.Server.Tests;

/// <summary>Runs the real `tributary` program as a separate process.</summary>
[Trait("Category", "process")]
public class ServeTests
{
    private static readonly string Program = Path.Combine(AppContext.BaseDirectory, "tributary.dll");

    private sealed class ServerProcess : IDisposable
    {
        private readonly List<string> _output = [];
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ServerProcess(params string[] args)
        {
            Assert.True(File.Exists(Program), "tributary.dll not built: " + Program);
            var start = new ProcessStartInfo("dotnet", [Program, .. args])
            {
                // The AWS APIs on free ports too, so test servers running in parallel never collide on 4566/4567.
                Environment = { ["TRIBUTARY_AWS_PORT"] = "0", ["TRIBUTARY_AWS_HTTP2_PORT"] = "0", ["TRIBUTARY_ADMIN_PORT"] = "0", ["TRIBUTARY_CONNECT_REST_PORT"] = "0" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            Process = System.Diagnostics.Process.Start(start)!;
            Process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null)
                {
                    return;
                }
                lock (_output)
                {
                    _output.Add(e.Data);
                }
                if (e.Data.Contains("serving", StringComparison.Ordinal))
                {
                    _started.TrySetResult();
                }
            };
            Process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    lock (_output)
                    {
                        _output.Add("stderr: " + e.Data);
                    }
                }
            };
            Process.BeginOutputReadLine();
            Process.BeginErrorReadLine();
        }

        public Process Process { get; }

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

        public async Task WaitStartedAsync()
        {
            var exited = Process.WaitForExitAsync();
            var first = await Task.WhenAny(_started.Task, exited, Task.Delay(TimeSpan.FromSeconds(60)));
            Assert.True(first == _started.Task, "server did not start:\n" + Output);
        }

        public async Task<int> WaitExitAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await Process.WaitForExitAsync(timeout.Token);
            return Process.ExitCode;
        }

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
            }
            Process.Dispose();
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    [Theory]
    [InlineData(15)] // SIGTERM
    [InlineData(2)] // SIGINT (Ctrl-C)
    public async Task Serve_starts_on_the_embedded_default_and_stops_cleanly_on_a_signal(int signal)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "tributary-serve-" + Guid.NewGuid().ToString("N"));
        try
        {
            // A topic left from an earlier run is opened at start and closed with a checkpoint at stop.
            await using (var broker = await Broker.Broker.OpenAsync(new Broker.BrokerOptions { DataDirectory = dataDir }))
            {
                Assert.Equal(Broker.ErrorCode.None, broker.CreateTopic("events", 1, null).Error);
                Assert.Equal(Broker.ErrorCode.None, (await broker.ProduceAsync("events", 0, TestBatch(), Broker.Acks.All)).Error);
            }
            using var server = new ServerProcess("serve", "--data-dir", dataDir, "--set", "kafka.port=0");
            await server.WaitStartedAsync();
            // "events" from the earlier run, and the embedded distributed Connect worker's internal topics:
            // connect-configs, connect-offsets and connect-status.
            Assert.Contains("(4 topics)", server.Output);
            Assert.Equal(0, kill(server.Process.Id, signal));
            Assert.Equal(0, await server.WaitExitAsync());
            Assert.Contains("stopped cleanly", server.Output);
            using var log = PartitionLog.Open(Path.Combine(dataDir, "events-0"));
            Assert.Equal(0, log.LastRecovery.BytesScanned);
            Assert.Equal(3, log.LogEndOffset);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    /// <summary>
    /// A signal stops the parts in order, Connect first, while the embedded broker still serves: the running source
    /// task's final offset commit and the worker's final offset flush reach the broker. (The listener host once reacted
    /// to the signal by itself and closed every Kafka connection at once, so those failed and the process exited 1.)
    /// </summary>
    [Fact]
    public async Task A_signal_stops_a_running_source_connector_before_the_broker()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "tributary-serve-connect-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var server = new ServerProcess("serve", "--data-dir", dataDir, "--set", "kafka.port=0", "--set", "registry.port=-1");
            await server.WaitStartedAsync();
            var connect = System.Text.RegularExpressions.Regex.Match(server.Output, @"Connect REST on ([0-9.]+:[0-9]+)").Groups[1].Value;
            using var http = new HttpClient { BaseAddress = new Uri("http://" + connect), Timeout = TimeSpan.FromSeconds(60) };
            var body = """{"name":"gen","config":{"connector.class":"DatagenConnector","kafka.topic":"gen-topic","quickstart":"users","max.interval":"1","tasks.max":"1"}}""";
            using (var created = await http.PostAsync("/connectors", new StringContent(body, System.Text.Encoding.UTF8, "application/json")))
            {
                Assert.True((int)created.StatusCode == 201, await created.Content.ReadAsStringAsync());
            }
            var status = "";
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            while (!TaskRunning(status))
            {
                Assert.True(DateTime.UtcNow < deadline, "the datagen task did not start: " + status + "\n" + server.Output);
                await Task.Delay(200);
                status = await http.GetStringAsync("/connectors/gen/status");
            }
            // Let it produce (and leave offsets to commit) before the signal.
            await Task.Delay(1500);
            Assert.Equal(0, kill(server.Process.Id, 15));
            Assert.Equal(0, await server.WaitExitAsync());
            Assert.Contains("stopped cleanly", server.Output);
            foreach (var failure in new[] { "final offset commit failed", "final offset flush failed", "closed the connection" })
            {
                Assert.False(server.Output.Contains(failure, StringComparison.Ordinal), $"\"{failure}\" at stop:\n{server.Output}");
            }
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task Serve_with_no_arguments_uses_data_under_the_working_directory()
    {
        var workDir = Path.Combine(Path.GetTempPath(), "tributary-cwd-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(workDir);
        try
        {
            var start = new ProcessStartInfo("dotnet", [Program, "serve"]) { WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true };
            // No arguments; only the port comes from the environment so parallel test runs cannot collide on 9092.
            start.Environment["TRIBUTARY_KAFKA_PORT"] = "0";
            start.Environment["TRIBUTARY_AWS_PORT"] = "0";
            start.Environment["TRIBUTARY_ADMIN_PORT"] = "0";
            start.Environment["TRIBUTARY_CONNECT_REST_PORT"] = "0";
            start.Environment["TRIBUTARY_REGISTRY_PORT"] = "0";
            start.Environment["TRIBUTARY_AWS_HTTP2_PORT"] = "0";
            using var process = Process.Start(start)!;
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Contains(Path.Combine(workDir, "data"), line);
            Assert.True(Directory.Exists(Path.Combine(workDir, "data")));
            Assert.Equal(0, kill(process.Id, 15));
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            Directory.Delete(workDir, recursive: true);
        }
    }

    [Fact]
    public async Task A_second_server_on_the_same_data_directory_is_refused()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "tributary-lock-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var first = new ServerProcess("serve", "--data-dir", dataDir, "--set", "kafka.port=0");
            await first.WaitStartedAsync();
            using var second = new ServerProcess("serve", "--data-dir", dataDir, "--set", "kafka.port=0");
            Assert.Equal(1, await second.WaitExitAsync());
            Assert.Contains("in use by another process", second.Output);
            kill(first.Process.Id, 15);
            var exit = await first.WaitExitAsync();
            Assert.True(exit == 0, $"the first server exited with {exit} on SIGTERM:\n{first.Output}");
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task A_bad_option_exits_with_a_message_and_code_two()
    {
        using var server = new ServerProcess("serve", "--set", "log.flush.policy=never");
        Assert.Equal(2, await server.WaitExitAsync());
        Assert.Contains("must be one of every-append, interval, os", server.Output);
    }

    private static bool TaskRunning(string status)
    {
        if (status.Length == 0)
        {
            return false;
        }
        using var json = System.Text.Json.JsonDocument.Parse(status);
        return json.RootElement.GetProperty("tasks") is { ValueKind: System.Text.Json.JsonValueKind.Array } tasks && tasks.GetArrayLength() == 1
            && tasks[0].GetProperty("state").GetString() == "RUNNING";
    }

    private static byte[] TestBatch()
    {
        using var builder = new Protocol.Records.RecordBatchBuilder(1_700_000_000_000);
        for (var i = 0; i < 3; i++)
        {
            builder.Append(1_700_000_000_000, [(byte)i], [1, 2, 3]);
        }
        return builder.ToArray(new Protocol.Records.BatchOptions());
    }
}
