using System.Text.RegularExpressions;

namespace Tributary.Interop.Tests.Security;

/// <summary>
/// The real `tributary serve` with four Kafka listeners on ports the OS picked: PLAINTEXT (loopback, for
/// administration), SSL, SASL_PLAINTEXT and SASL_SSL; TLS with a CA and server certificate made by
/// `tributary tls-certificates` (for localhost and 127.0.0.1), users alice (SCRAM-SHA-256 and -512) made with
/// `tributary scram-credentials` over the PLAINTEXT listener. The TLS listeners advertise "localhost", the name the
/// certificate carries, so clients that verify host names (librdkafka, kafka-python) accept it. OAUTHBEARER takes
/// unsecured JWTs, JWTs signed by this fixture's RSA key (its JWKS written beside the certificates) with issuer
/// <see cref="Issuer"/> and audience <see cref="Audience"/>, and MSK IAM tokens signed with <see cref="IamAccessKey"/>;
/// AWS_MSK_IAM takes that key too.
/// </summary>
public partial class SecuredServer : IAsyncLifetime
{
    public const string User = "alice";
    public const string Password = "alice-secret";
    public const string Issuer = "https://issuer.example";
    public const string Audience = "tributary";
    public const string IamAccessKey = "AKIDTRIBUTARYINTEROP";
    public const string IamSecret = "interop-iam-secret";
    public const string IamArn = "arn:aws:iam::123456789012:user/iam-alice";
    private readonly System.Security.Cryptography.RSA _signingKey = System.Security.Cryptography.RSA.Create(2048);
    private static readonly string Program = Path.Combine(AppContext.BaseDirectory, "tributary.dll");
    private readonly TributaryProcess _process;
    private readonly Dictionary<string, int> _ports = new(StringComparer.Ordinal);

    public SecuredServer()
        : this([])
    {
    }

    /// <summary>The same server with more settings (<see cref="AuthorizingServer"/>).</summary>
    protected SecuredServer(IReadOnlyList<string> extraSettings)
    {
        _process = new TributaryProcess(DataDirectory, () =>
        [
            "kafka.listeners=PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0",
            "kafka.advertised.listeners=SSL://localhost:0,SASL_SSL://localhost:0",
            $"kafka.ssl.certificate.location={TlsDirectory}/server.pem",
            $"kafka.ssl.key.location={TlsDirectory}/server-key.pem",
            "kafka.sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512,OAUTHBEARER,AWS_MSK_IAM",
            "kafka.sasl.oauthbearer.unsecured.validator.enable=true",
            $"kafka.sasl.oauthbearer.jwks.endpoint.url=file://{TlsDirectory}/jwks.json",
            $"kafka.sasl.oauthbearer.expected.issuer={Issuer}",
            $"kafka.sasl.oauthbearer.expected.audience={Audience}",
            $"kafka.sasl.aws.msk.iam.credentials={IamAccessKey}:{IamSecret}:{IamArn}",
            .. extraSettings,
        ]);
    }

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "tributary-secured-" + Guid.NewGuid().ToString("N"));

    public string TlsDirectory => Path.Combine(DataDirectory + "-tls");

    public string CaFile => Path.Combine(TlsDirectory, "ca.pem");

    public string Output => _process.Output;

    /// <summary>host:port of a listener: 127.0.0.1 for PLAINTEXT and SASL_PLAINTEXT, localhost for the TLS ones.</summary>
    public string Bootstrap(string listener) => $"{(listener.EndsWith("SSL", StringComparison.Ordinal) ? "localhost" : "127.0.0.1")}:{_ports[listener]}";

    public virtual async Task InitializeAsync()
    {
        (await RunTributaryAsync(["tls-certificates", "--out", TlsDirectory])).EnsureSuccess();
        using var unusedCurveKey = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        await File.WriteAllTextAsync(Path.Combine(TlsDirectory, "jwks.json"), TestTokens.Jwks(_signingKey, "interop-rsa", unusedCurveKey, "interop-ec"));
        await _process.StartAsync();
        foreach (Match match in ListenerPattern().Matches(_process.ServingLine))
        {
            _ports[match.Groups[3].Value] = int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        }
        Assert.True(_ports.Count == 4, "expected four Kafka listeners in: " + _process.ServingLine);
        (await RunTributaryAsync(["scram-credentials", "--bootstrap-server", Bootstrap("PLAINTEXT"), "--add", User, "--password", Password])).EnsureSuccess();
    }

    /// <summary>An RS256 JWT signed with the key the server's JWKS holds.</summary>
    public string SignJwt(string subject, string issuer = Issuer, string audience = Audience) =>
        TestTokens.SignedRs256(_signingKey, "interop-rsa", new { sub = subject, iss = issuer, aud = audience, iat = TestTokens.Now, exp = TestTokens.Now + 600 });

    /// <summary>Runs `tributary ARGS` (a separate process) and returns what it printed.</summary>
    public static Task<ClientResult> RunTributaryAsync(IEnumerable<string> args) =>
        ClientProcess.RunAsync("dotnet", [Program, .. args], TimeSpan.FromSeconds(60));

    public virtual async Task DisposeAsync()
    {
        _signingKey.Dispose();
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
