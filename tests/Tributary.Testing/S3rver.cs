using System.Diagnostics;
using System.Text.Json;
using Tributary.ObjectStores;

namespace Tributary.Testing;

/// <summary>
/// s3rver (npm, tests/interop/s3), the S3-compatible server, as a separate process on 127.0.0.1 with its own data
/// directory and request log. It can be stopped and started again on the same port and data (the destination going
/// away for a while). A missing s3rver fails the test with how to install it. Used by the Connect S3 sink's and the
/// Glue crawler's tests.
/// </summary>
public sealed class S3rver : IAsyncDisposable
{
    /// <summary>s3rver's fixed credentials (access key and secret alike).</summary>
    public const string Credentials = "S3RVER";

    private static readonly string Directory = Path.Combine(InteropPaths.RepositoryRoot, "tests", "interop", "s3");
    private readonly string _data;
    private Process? _process;

    private S3rver(string root)
    {
        _data = Path.Combine(root, "s3rver-data");
        RequestLog = Path.Combine(root, "s3rver-requests.log");
        System.IO.Directory.CreateDirectory(_data);
        System.IO.File.WriteAllText(RequestLog, "");
    }

    public int Port { get; private set; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    /// <summary>"METHOD URL" per request received, across restarts.</summary>
    public string RequestLog { get; }

    public static async Task<S3rver> StartAsync(string root)
    {
        Assert.True(InteropClients.OnPath(InteropClients.Node) is not null, $"{InteropClients.Node} is not installed: run ./test.sh to install it (Debian package nodejs)");
        Assert.True(System.IO.File.Exists(Path.Combine(Directory, "node_modules", "s3rver", "package.json")), "s3rver is not installed: run ./test.sh (npm ci in tests/interop/s3)");
        var server = new S3rver(root);
        await server.RunAsync(port: 0);
        return server;
    }

    /// <summary>Stops the server (stdin closed; killed if it lingers). Its data stays for <see cref="RestartAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process)
        {
            return;
        }
        _process = null;
        try
        {
            process.StandardInput.Close();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is TimeoutException or IOException or InvalidOperationException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        process.Dispose();
    }

    /// <summary>Starts the server again on its port and data.</summary>
    public Task RestartAsync() => RunAsync(Port);

    /// <summary>An SDK client of this server (path-style, s3rver's credentials) for the test's own reads and setup.</summary>
    public S3ObjectStore Store() => new(new S3StoreOptions
    {
        ServiceUrl = Endpoint,
        ForcePathStyle = true,
        AccessKeyId = Credentials,
        SecretAccessKey = Credentials,
        RequestTimeout = TimeSpan.FromSeconds(30),
    });

    public string[] Requests() => System.IO.File.ReadAllLines(RequestLog);

    private async Task RunAsync(int port)
    {
        var start = new ProcessStartInfo(InteropClients.Node)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Directory,
        };
        foreach (var argument in new[] { Path.Combine(Directory, "start-s3rver.mjs"), _data, RequestLog, port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start)!;
        string? line = null;
        try
        {
            line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
        }
        if (line is null)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("s3rver did not start:\n" + await process.StandardError.ReadToEndAsync());
        }
        _process = process;
        Port = JsonDocument.Parse(line!).RootElement.GetProperty("port").GetInt32();
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
