using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Tributary.Client.Security;
using Tributary.Kafka;
using Tributary.Kafka.Security;
using Tributary.Kafka.Security.Iam;
using Tributary.Kafka.Security.OAuthBearer;
using Tributary.Kafka.Security.Sasl;
using ListenerProtocol = Tributary.Kafka.Security.SecurityProtocol;

namespace Tributary.Client.Tests;

/// <summary>
/// The client's TLS and SASL against the real broker's secured listeners (in this process): SSL, SASL_PLAINTEXT and
/// SASL_SSL with PLAIN, SCRAM-SHA-256/512, OAUTHBEARER (unsecured JWT, MSK IAM token) and AWS_MSK_IAM, configured with
/// the Java client's properties as users write them; a produce and a fetch go through each. Wrong credentials, an
/// untrusted certificate and a name the certificate does not carry fail at once as authentication failures.
/// </summary>
public sealed class SecureConnectionTests : IAsyncLifetime
{
    private const string Password = "alice-secret";
    private const string IamKey = "AKIDCLIENTTEST";
    private const string IamSecret = "client-test-iam-secret";
    private readonly TempDirectory _files = new();
    private InProcessKafka _kafka = null!;
    private string _caFile = "";

    private int Port(string listener) => _kafka.Server.Listeners.Single(l => l.Endpoint.Name == listener).BoundPort;

    public async Task InitializeAsync()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=client test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        // One clock reading for both certificates: a leaf may not outlive its issuer, and two readings a second apart did.
        var now = DateTimeOffset.UtcNow;
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var signed = serverRequest.Create(ca, now.AddMinutes(-5), now.AddDays(1), [1, 2, 3, 4]);
        using var withKey = signed.CopyWithPrivateKey(serverKey);
        var server = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        _caFile = _files.File("ca.pem");
        await File.WriteAllTextAsync(_caFile, ca.ExportCertificatePem());

        var credentials = ScramCredentialStore.InMemory();
        credentials.Apply([], [
            ("alice", SaslMechanisms.ScramSha256, Credential(ScramFormatter.Sha256, 4096)),
            ("alice", SaslMechanisms.ScramSha512, Credential(ScramFormatter.Sha512, 8192)),
        ]);
        _kafka = await InProcessKafka.StartAsync(listener: new KafkaListenerOptions
        {
            Listeners =
            [
                new KafkaListenerEndpoint("PLAINTEXT", ListenerProtocol.Plaintext, "127.0.0.1", 0),
                new KafkaListenerEndpoint("SSL", ListenerProtocol.Ssl, "127.0.0.1", 0, "localhost", 0),
                new KafkaListenerEndpoint("SASL_PLAINTEXT", ListenerProtocol.SaslPlaintext, "127.0.0.1", 0),
                new KafkaListenerEndpoint("SASL_SSL", ListenerProtocol.SaslSsl, "127.0.0.1", 0, "localhost", 0),
            ],
            Security = new KafkaSecurityOptions
            {
                Certificate = server,
                Credentials = credentials,
                EnabledMechanisms = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER", "AWS_MSK_IAM"],
                OAuthBearer = new OAuthBearerOptions { Unsecured = new UnsecuredJwtOptions() },
                MskIam = new MskIamCredentials([(IamKey, IamSecret, "arn:aws:iam::123456789012:user/client-test")]),
            },
        });
    }

    public async Task DisposeAsync()
    {
        await _kafka.DisposeAsync();
        _files.Dispose();
    }

    public static TheoryData<string, string> Configurations => new()
    {
        { "SSL", $"ssl.truststore.type=PEM|ssl.truststore.location={{ca}}" },
        { "SASL_PLAINTEXT", $"sasl.mechanism=PLAIN|sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"alice\" password=\"{Password}\";" },
        { "SASL_SSL", $"ssl.truststore.location={{ca}}|sasl.mechanism=SCRAM-SHA-256|sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"alice\" password=\"{Password}\";" },
        { "SASL_SSL", $"ssl.truststore.type=PEM|ssl.truststore.certificates={{ca-text}}|sasl.mechanism=SCRAM-SHA-512|sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"alice\" password=\"{Password}\";" },
        { "SASL_PLAINTEXT", "sasl.mechanism=OAUTHBEARER|sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub=\"bob\";" },
        { "SASL_SSL", "ssl.truststore.location={ca}|sasl.mechanism=AWS_MSK_IAM|sasl.jaas.config=software.amazon.msk.auth.iam.IAMLoginModule required;|sasl.client.callback.handler.class=software.amazon.msk.auth.iam.IAMClientCallbackHandler" },
        { "SASL_SSL", "ssl.truststore.location={ca}|sasl.mechanism=OAUTHBEARER|sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;|sasl.login.callback.handler.class=software.amazon.msk.auth.iam.IAMOAuthBearerLoginCallbackHandler" },
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public async Task Produces_and_fetches_over_each_protocol_and_mechanism(string protocol, string settings)
    {
        using var aws = AwsEnvironment(IamKey, IamSecret);
        await using var client = Client(protocol, settings);
        var topic = "secured-" + Guid.NewGuid().ToString("N")[..8];
        await client.CreateTopicAsync(topic, 1);
        var offset = await client.ProduceAsync(topic, 0, [(null, Encoding.UTF8.GetBytes("over " + protocol))]);
        var fetched = await client.FetchAsync(topic, 0, offset);
        Assert.Equal(0, fetched.ErrorCode);
        Assert.Contains("over " + protocol, Encoding.UTF8.GetString(fetched.Records.Span), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SASL_SSL", "SCRAM-SHA-512", "org.apache.kafka.common.security.scram.ScramLoginModule", "invalid credentials")]
    [InlineData("SASL_PLAINTEXT", "PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule", "Invalid username or password")]
    public async Task A_wrong_password_is_an_authentication_failure_at_once(string protocol, string mechanism, string module, string expected)
    {
        await using var client = Client(protocol, $"ssl.truststore.location={{ca}}|sasl.mechanism={mechanism}|sasl.jaas.config={module} required username=\"alice\" password=\"wrong\";");
        var started = DateTime.UtcNow;
        var error = await Assert.ThrowsAsync<KafkaClientException>(() => client.RefreshMetadataAsync([]));
        Assert.True(error.IsAuthenticationFailure, error.Message);
        Assert.False(error.IsRetriable);
        Assert.Equal(58, error.ErrorCode);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), "the failure took " + (DateTime.UtcNow - started));
    }

    [Fact]
    public async Task Wrong_IAM_secret_is_refused_with_the_brokers_reason()
    {
        using var aws = AwsEnvironment(IamKey, "not-the-secret");
        await using var client = Client("SASL_SSL", "ssl.truststore.location={ca}|sasl.mechanism=AWS_MSK_IAM|sasl.jaas.config=software.amazon.msk.auth.iam.IAMLoginModule required;");
        var error = await Assert.ThrowsAsync<KafkaClientException>(() => client.RefreshMetadataAsync([]));
        Assert.True(error.IsAuthenticationFailure);
        Assert.Contains("signature does not match", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mechanism_the_listener_does_not_offer_fails_naming_the_ones_it_does()
    {
        await using var client = Client("SASL_PLAINTEXT", "sasl.mechanism=SCRAM-SHA-512|sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"alice\" password=\"x\";", port: Port("PLAINTEXT"));
        var error = await Assert.ThrowsAsync<KafkaClientException>(() => client.RefreshMetadataAsync([]));
        Assert.True(error.IsAuthenticationFailure);
        Assert.Contains("not a SASL listener", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_CA_the_brokers_certificate_is_not_trusted()
    {
        await using var client = Client("SSL", "");
        var error = await Assert.ThrowsAsync<KafkaClientException>(() => client.RefreshMetadataAsync([]));
        Assert.True(error.IsAuthenticationFailure);
        Assert.Contains("TLS handshake with localhost", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_name_dialled_must_be_in_the_certificate_unless_identification_is_off()
    {
        await using (var strict = Client("SSL", "ssl.truststore.location={ca}", host: "127.0.0.1"))
        {
            var error = await Assert.ThrowsAsync<KafkaClientException>(() => strict.RefreshMetadataAsync([]));
            Assert.True(error.IsAuthenticationFailure);
        }
        await using var lenient = Client("SSL", "ssl.truststore.location={ca}|ssl.endpoint.identification.algorithm=", host: "127.0.0.1");
        Assert.NotNull((await lenient.RefreshMetadataAsync([])).ClusterId);
    }

    [Fact]
    public async Task A_TLS_client_on_a_plaintext_listener_fails_instead_of_hanging()
    {
        await using var client = new KafkaClient(new KafkaClientOptions
        {
            BootstrapServers = [$"localhost:{Port("PLAINTEXT")}"],
            RequestTimeout = TimeSpan.FromSeconds(3),
            Security = ClientSecurityProperties.From(Properties("SSL", "ssl.truststore.location={ca}")),
        });
        var error = await Assert.ThrowsAsync<KafkaClientException>(() => client.RefreshMetadataAsync([]));
        Assert.True(error.IsAuthenticationFailure, error.Message);
    }

    private static ScramCredential Credential(ScramFormatter formatter, int iterations)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        return formatter.Credential(salt, formatter.SaltedPassword(Password, salt, iterations), iterations);
    }

    private KafkaClient Client(string protocol, string settings, string host = "localhost", int? port = null) => new(new KafkaClientOptions
    {
        BootstrapServers = [$"{host}:{port ?? Port(protocol)}"],
        Security = ClientSecurityProperties.From(Properties(protocol, settings)),
    });

    private Dictionary<string, string> Properties(string protocol, string settings)
    {
        var properties = new Dictionary<string, string> { ["security.protocol"] = protocol };
        foreach (var pair in settings.Split('|', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            properties[pair[..equals]] = pair[(equals + 1)..].Replace("{ca}", _caFile, StringComparison.Ordinal).Replace("{ca-text}", File.ReadAllText(_caFile), StringComparison.Ordinal);
        }
        return properties;
    }

    /// <summary>The AWS credential variables for the duration of a test (the standard chain reads them), restored after.</summary>
    private static Restore AwsEnvironment(string key, string secret)
    {
        var names = new[] { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN" };
        var previous = names.Select(Environment.GetEnvironmentVariable).ToArray();
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", key);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", secret);
        Environment.SetEnvironmentVariable("AWS_SESSION_TOKEN", null);
        return new Restore(() =>
        {
            for (var i = 0; i < names.Length; i++)
            {
                Environment.SetEnvironmentVariable(names[i], previous[i]);
            }
        });
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }
}
