using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Tributary.MskConnect.State;
using Tributary.MskConnect.Workers;

namespace Tributary.MskConnect.Tests;

/// <summary>
/// A connector runtime stopped while its reconciliation loop waits on a worker's REST API — which is where a stop
/// lands under load, when those calls take seconds. The worker is a stand-in process (python3) that accepts
/// connections on the worker's REST port and never answers, so the runtime's PUT of the configuration is in flight
/// when StopAsync is called. StopAsync must neither throw nor leave the worker running: it used to end with the
/// loop's TaskCanceledException before stopping any worker, so DeleteConnector left the workers behind and the
/// faulted deletion aborted serve at its next SIGTERM.
/// </summary>
[Trait("Category", "process")]
public sealed class ConnectorRuntimeStopTests
{
    /// <summary>
    /// Listens on the port of the worker file's <c>listeners</c> line, prints a worker's serving line (the runtime asks
    /// nothing of a worker before it), marks each accepted connection with a file
    /// beside the worker file and holds it open without a reply; SIGTERM ends it (Python's default), and so does the
    /// end of its standard input, as <c>--stop-when-stdin-closes</c> does for a real worker (no stand-in outlives a
    /// failed test).
    /// </summary>
    private const string SilentWorker = """
        import os, socket, sys, threading
        def lifeline():
            while sys.stdin.buffer.read(512):
                pass
            os._exit(0)
        threading.Thread(target=lifeline, daemon=True).start()
        path = sys.argv[-1]
        port = int([l for l in open(path) if l.startswith("listeners=")][0].strip().rsplit(":", 1)[1])
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", port))
        server.listen(16)
        print(f"tributary 0 connect-distributed serving; group g; Connect REST on 127.0.0.1:{port}. Stop with Ctrl-C or SIGTERM.", flush=True)
        held = []
        while True:
            connection, _ = server.accept()
            held.append(connection)
            open(path + ".accepted", "w").close()
        """;

    [Fact]
    public async Task A_stop_during_a_worker_REST_call_stops_the_worker_and_does_not_throw()
    {
        Assert.True(File.Exists(AwsServeFixture.Python), "/usr/bin/python3 is missing: install Debian's python3");
        using var directory = new TempDirectory();
        // The cluster probe needs a bootstrap server that accepts a TCP connection.
        var cluster = new TcpListener(IPAddress.Loopback, 0);
        cluster.Start();
        try
        {
            var bootstrap = $"127.0.0.1:{((IPEndPoint)cluster.LocalEndpoint).Port}";
            var plan = new ConnectorPlan("silent", "V1", new Dictionary<string, string> { ["group.id"] = "g" },
                new Dictionary<string, string> { ["connector.class"] = "org.apache.kafka.connect.file.FileStreamSourceConnector" },
                1, false, 1, 1, 1, 20, 80, bootstrap);
            var states = new System.Collections.Concurrent.ConcurrentQueue<string>();
            var runtime = new ConnectorRuntime(() => plan, (state, _) => states.Enqueue(state), _ => { }, 1,
                new WorkerLauncher(AwsServeFixture.Python, ["-c", SilentWorker]), new MskConnectOptions(), directory.Path, NullLogger.Instance);
            runtime.Start();
            var worker = 0;
            await Eventually.HoldsAsync(() =>
            {
                worker = runtime.ProcessIds.FirstOrDefault();
                return worker != 0 && Directory.EnumerateFiles(directory.Path, "*.accepted").Any();
            }, "the stand-in worker accepted the runtime's REST call", TimeSpan.FromSeconds(60));

            // The runtime's HTTP client waits up to 10 s for an answer that never comes: the stop lands in that wait.
            var stop = runtime.StopAsync();
            var finished = await Task.WhenAny(stop, Task.Delay(TimeSpan.FromSeconds(60)));
            Assert.True(finished == stop, "StopAsync did not finish within 60 s");
            await stop; // Throws here when the stop failed.
            Assert.False(Alive(worker), $"the worker process {worker} still runs after StopAsync");
            Assert.Empty(runtime.ProcessIds);
            Assert.DoesNotContain("FAILED", states);
        }
        finally
        {
            cluster.Stop();
        }
    }

    private static bool Alive(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
