using System.Diagnostics;
using System.Text.Json;

namespace Tributary.ObjectStores.Tests;

/// <summary>
/// s3rver (npm, from tests/interop/s3) as a separate process on 127.0.0.1 and a free port, with its own temporary data
/// directory and a log of the requests it received. Stopped (stdin closed, then killed) when the fixture is disposed.
/// </summary>
public sealed class S3rverServer : IAsyncLifetime
{
    /// <summary>s3rver's fixed credentials.</summary>
    public const string AccessKey = "S3RVER";

    private readonly TempDirectory _directory = new();
    private Process? _process;

    public int Port { get; private set; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    public string RequestLog => _directory.File("requests.log");

    public async Task InitializeAsync()
    {
        Tools.RequireS3rver();
        Directory.CreateDirectory(_directory.File("data"));
        await File.WriteAllTextAsync(RequestLog, "");
        var start = new ProcessStartInfo(InteropClients.Node)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Tools.S3rverScript, _directory.File("data"), RequestLog })
        {
            start.ArgumentList.Add(arg);
        }
        _process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        string? line;
        try
        {
            line = await _process.StandardOutput.ReadLineAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            line = null;
        }
        if (line is null)
        {
            _process.Kill(entireProcessTree: true);
            var error = await _process.StandardError.ReadToEndAsync();
            Assert.Fail($"s3rver did not start (run ./test.sh to install it: npm ci in tests/interop/s3):\n{error}");
        }
        Port = JsonDocument.Parse(line!).RootElement.GetProperty("port").GetInt32();
    }

    /// <summary>A store on this server (path-style, s3rver's credentials), optionally through another endpoint.</summary>
    public S3ObjectStore Store(long partSize = 8L * 1024 * 1024, string? endpoint = null, S3RetryOptions? retry = null) => new(new S3StoreOptions
    {
        ServiceUrl = endpoint ?? Endpoint,
        ForcePathStyle = true,
        AccessKeyId = AccessKey,
        SecretAccessKey = AccessKey,
        PartSize = partSize,
        Retry = retry ?? new S3RetryOptions { InitialDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(200) },
        RequestTimeout = TimeSpan.FromSeconds(30),
    });

    /// <summary>The requests s3rver received so far, as "METHOD URL" lines.</summary>
    public string[] Requests() => File.ReadAllLines(RequestLog);

    /// <summary>Runs the AWS CLI against this server.</summary>
    public Task<ClientResult> AwsAsync(params string[] args)
    {
        Tools.RequireAwsCli();
        return ClientProcess.RunAsync(Tools.AwsCli, [.. args, "--endpoint-url", Endpoint], TimeSpan.FromSeconds(60), environment: new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = AccessKey,
            ["AWS_DEFAULT_REGION"] = "us-east-1",
            ["AWS_CONFIG_FILE"] = "/dev/null",
            ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
            ["AWS_PAGER"] = "",
        });
    }

    public async Task DisposeAsync()
    {
        if (_process is not null)
        {
            try
            {
                _process.StandardInput.Close();
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
            {
                _process.Kill(entireProcessTree: true);
            }
            _process.Dispose();
        }
        _directory.Dispose();
    }
}

/// <summary>
/// A TCP proxy in front of a server that answers the first <c>failures</c> HTTP requests itself with
/// "503 Service Unavailable" (closing the connection) and then forwards every later connection byte for byte, so the
/// client's signature (over the proxy's Host) stays valid.
/// </summary>
internal sealed class FailingProxy : IAsyncDisposable
{
    private readonly System.Net.Sockets.TcpListener _listener = new(System.Net.IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _failuresLeft;

    public FailingProxy(int targetPort, int failures)
    {
        _targetPort = targetPort;
        _failuresLeft = failures;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string Endpoint => $"http://127.0.0.1:{((System.Net.IPEndPoint)_listener.LocalEndpoint).Port}";

    public int Failed { get; private set; }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            System.Net.Sockets.TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or System.Net.Sockets.SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = Interlocked.Decrement(ref _failuresLeft) >= 0 ? FailAsync(client) : ForwardAsync(client);
        }
    }

    private async Task FailAsync(System.Net.Sockets.TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var buffer = new byte[65536];
                var seen = new List<byte>();
                // Read the request head, then answer without reading a body.
                while (!EndsHead(seen))
                {
                    var read = await stream.ReadAsync(buffer, _stop.Token);
                    if (read == 0)
                    {
                        return;
                    }
                    seen.AddRange(buffer.AsSpan(0, read).ToArray());
                }
                Failed++;
                var response = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/xml\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"u8.ToArray();
                await stream.WriteAsync(response, _stop.Token);
                client.Client.Shutdown(System.Net.Sockets.SocketShutdown.Send);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or System.Net.Sockets.SocketException)
            {
            }
        }
    }

    private static bool EndsHead(List<byte> seen)
    {
        for (var i = 3; i < seen.Count; i++)
        {
            if (seen[i - 3] == '\r' && seen[i - 2] == '\n' && seen[i - 1] == '\r' && seen[i] == '\n')
            {
                return true;
            }
        }
        return false;
    }

    private async Task ForwardAsync(System.Net.Sockets.TcpClient client)
    {
        using (client)
        using (var upstream = new System.Net.Sockets.TcpClient())
        {
            try
            {
                await upstream.ConnectAsync(System.Net.IPAddress.Loopback, _targetPort, _stop.Token);
                var a = client.GetStream();
                var b = upstream.GetStream();
                await Task.WhenAny(PumpAsync(a, b), PumpAsync(b, a));
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or System.Net.Sockets.SocketException)
            {
            }
        }
    }

    private async Task PumpAsync(Stream from, Stream to)
    {
        try
        {
            await from.CopyToAsync(to, _stop.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
