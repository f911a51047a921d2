using System.Text.RegularExpressions;

namespace Tributary.Interop.Tests.Security;

/// <summary>
/// The real `tributary serve` with four Kafka listeners on ports the OS picked: PLAINTEXT (loopback, for
/// administration), SSL, SASL_PLAINTEXT and SASL_SSL; TLS with a CA and server certificate made by
/// `tributary tls-certificates` (for localhost and 127.0.0.1), users alice (SCRAM-SHA-256 and -512) made with
/// `tributary scram-credentials` over the PLAINTEXT listener. The TLS listeners advertise "localhost", the name the
/// certificate carries, so clients that verify host names (librdkafka, kafka-python) accept it.
/// </summary>
public sealed partial class SecuredServer : IAsyncLifetime
{
    public const string User = "alice";
    public const string Password = "alice-secret";
    private static readonly string Program = Path.Combine(AppContext.BaseDirectory, "tributary.dll");
    private readonly TributaryProcess _process;
    private readonly Dictionary<string, int> _ports = new(StringComparer.Ordinal);

    public SecuredServer()
    {
        _process = new TributaryProcess(DataDirectory, () =>
        [
            "kafka.listeners=PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0",
            "kafka.advertised.listeners=SSL://localhost:0,SASL_SSL://localhost:0",
            $"kafka.ssl.certificate.location={TlsDirectory}/server.pem",
            $"kafka.ssl.key.location={TlsDirectory}/server-key.pem",
        ]);
    }

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "tributary-secured-" + Guid.NewGuid().ToString("N"));

    public string TlsDirectory => Path.Combine(DataDirectory + "-tls");

    public string CaFile => Path.Combine(TlsDirectory, "ca.pem");

    public string Output => _process.Output;

    /// <summary>host:port of a listener: 127.0.0.1 for PLAINTEXT and SASL_PLAINTEXT, localhost for the TLS ones.</summary>
    public string Bootstrap(string listener) => $"{(listener.EndsWith("SSL", StringComparison.Ordinal) ? "localhost" : "127.0.0.1")}:{_ports[listener]}";

    public async Task InitializeAsync()
    {
        (await RunTributaryAsync(["tls-certificates", "--out", TlsDirectory])).EnsureSuccess();
        await _process.StartAsync();
        foreach (Match match in ListenerPattern().Matches(_process.ServingLine))
        {
            _ports[match.Groups[3].Value] = int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        }
        Assert.True(_ports.Count == 4, "expected four Kafka listeners in: " + _process.ServingLine);
        (await RunTributaryAsync(["scram-credentials", "--bootstrap-server", Bootstrap("PLAINTEXT"), "--add", User, "--password", Password])).EnsureSuccess();
    }

    /// <summary>Runs `tributary ARGS` (a separate process) and returns what it printed.</summary>
    public static Task<ClientResult> RunTributaryAsync(IEnumerable<string> args) =>
        ClientProcess.RunAsync("dotnet", [Program, .. args], TimeSpan.FromSeconds(60));

    public async Task DisposeAsync()
    {
        try
        {
            await _process.StopAsync();
        }
        finally
        {
            foreach (var directory in new[] { DataDirectory, TlsDirectory })
            {
                if (Directory.Exists(directory))
                {
                    Directory.Delete(directory, recursive: true);
                }
            }
        }
    }

    [GeneratedRegex(@"(\d+\.\d+\.\d+\.\d+):(\d+) \((\w+)\)")]
    private static partial Regex ListenerPattern();
}
