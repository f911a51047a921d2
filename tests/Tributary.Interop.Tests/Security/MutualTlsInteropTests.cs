using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Tributary.Client;
using Tributary.Client.Security;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Interop.Tests.Security;

/// <summary>
/// mTLS on an SSL listener (docs/security.md): `tributary serve` with <c>kafka.ssl.client.auth=required</c>, the CA of
/// `tributary tls-certificates --client Alice --client mallory` as trust store, the mapping rule
/// <c>RULE:^CN=([^,]+)$/$1/L</c> (so CN=Alice is User:alice) and ACLs enforced. kcat with Alice's certificate produces
/// and consumes a topic User:alice is granted; mallory's certificate is refused with TOPIC_AUTHORIZATION_FAILED; no
/// certificate fails the handshake; Tributary's own client presents a PEM key store. A PLAINTEXT loopback listener
/// (User:ANONYMOUS, a super user) writes the ACLs.
/// </summary>
[Trait("Category", "process")]
public sealed partial class MutualTlsInteropTests : IAsyncLifetime
{
    private static readonly string Program = Path.Combine(AppContext.BaseDirectory, "tributary.dll");
    private readonly TempDirectory _directory = new();
    private readonly Dictionary<string, int> _ports = new(StringComparer.Ordinal);
    private TributaryProcess _server = null!;

    private string Tls => _directory.File("tls");

    private string SslBootstrap => $"localhost:{_ports["SSL"]}";

    public async Task InitializeAsync()
    {
        var made = await ClientProcess.RunAsync("dotnet", [Program, "tls-certificates", "--out", Tls, "--client", "Alice", "--client", "mallory"], TimeSpan.FromSeconds(60));
        made.EnsureSuccess();
        Assert.Contains("client-Alice.pem", made.StandardOutput, StringComparison.Ordinal);
        _server = new TributaryProcess(_directory.File("data"), () =>
        [
            "connect.rest.port=-1",
            "kafka.listeners=PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0",
            "kafka.advertised.listeners=SSL://localhost:0",
            $"kafka.ssl.certificate.location={Tls}/server.pem",
            $"kafka.ssl.key.location={Tls}/server-key.pem",
            "kafka.ssl.client.auth=required",
            $"kafka.ssl.truststore.location={Tls}/ca.pem",
            "kafka.ssl.principal.mapping.rules=RULE:^CN=([^,]+)$/$1/L,DEFAULT",
            "kafka.authorizer.enable=true",
            "super.users=User:ANONYMOUS",
            "allow.everyone.if.no.acl.found=false",
        ]);
        await _server.StartAsync();
        foreach (Match match in ListenerPattern().Matches(_server.ServingLine))
        {
            _ports[match.Groups[2].Value] = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        }
        await using var admin = new KafkaClient(new KafkaClientOptions { BootstrapServers = [$"127.0.0.1:{_ports["PLAINTEXT"]}"] });
        await admin.CreateTopicAsync("mtls-topic", 1);
        var connection = await admin.AnyConnectionAsync();
        // ALLOW User:alice ALL on topics prefixed mtls- and on every group (resource types 2 topic, 3 group; pattern 4
        // prefixed, 3 literal; operation 2 ALL; permission 3 ALLOW).
        var created = await connection.SendNegotiatedAsync<CreateAclsResponse>(new CreateAclsRequest
        {
            Creations =
            [
                new CreateAclsRequest.AclCreation { ResourceType = 2, ResourceName = "mtls-", ResourcePatternType = 4, Principal = "User:alice", Host = "*", Operation = 2, PermissionType = 3 },
                new CreateAclsRequest.AclCreation { ResourceType = 3, ResourceName = "*", ResourcePatternType = 3, Principal = "User:alice", Host = "*", Operation = 2, PermissionType = 3 },
            ],
        }, CreateAclsRequest.ApiKey, 2);
        Assert.All(created.Results, r => Assert.Equal(0, r.ErrorCode));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Kcat_with_a_client_certificate_is_the_mapped_principal_and_ACLs_decide()
    {
        InteropClients.RequireKcat();
        var input = _directory.File("lines.txt");
        await File.WriteAllLinesAsync(input, ["one", "two", "three"]);
        (await ClientProcess.RunAsync("kcat", ["-b", SslBootstrap, .. Kcat("Alice"), "-P", "-t", "mtls-topic"], TimeSpan.FromSeconds(60), stdinFile: input)).EnsureSuccess();
        var consumed = (await ClientProcess.RunAsync("kcat", ["-b", SslBootstrap, .. Kcat("Alice"), "-C", "-t", "mtls-topic", "-o", "beginning", "-e", "-q"], TimeSpan.FromSeconds(60))).EnsureSuccess();
        Assert.Equal(["one", "two", "three"], consumed.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        var refused = await ClientProcess.RunAsync("kcat", ["-b", SslBootstrap, .. Kcat("mallory"), "-P", "-t", "mtls-topic"], TimeSpan.FromSeconds(60), stdinFile: input);
        Assert.True(refused.ExitCode != 0, "mallory could produce:\n" + refused);
        Assert.Contains("Topic authorization failed", refused.StandardError, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Without_a_client_certificate_the_handshake_fails()
    {
        InteropClients.RequireKcat();
        var result = await ClientProcess.RunAsync("kcat", ["-b", SslBootstrap, "-X", "security.protocol=SSL", "-X", $"ssl.ca.location={Tls}/ca.pem", "-L", "-m", "5"], TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode != 0, "kcat without a certificate got metadata:\n" + result);
        Assert.Contains("SSL", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tributarys_client_presents_a_PEM_key_store()
    {
        var keyStore = _directory.File("alice-keystore.pem");
        await File.WriteAllTextAsync(keyStore, await File.ReadAllTextAsync($"{Tls}/client-Alice.pem") + await File.ReadAllTextAsync($"{Tls}/client-Alice-key.pem"));
        await using var alice = new KafkaClient(new KafkaClientOptions
        {
            BootstrapServers = [SslBootstrap],
            Security = ClientSecurityProperties.From(new Dictionary<string, string>
            {
                ["security.protocol"] = "SSL",
                ["ssl.truststore.type"] = "PEM",
                ["ssl.truststore.location"] = $"{Tls}/ca.pem",
                ["ssl.keystore.type"] = "PEM",
                ["ssl.keystore.location"] = keyStore,
            }),
        });
        // CREATE on the topic is covered by ALL on the prefix.
        await alice.CreateTopicAsync("mtls-client", 1);
        var offset = await alice.ProduceAsync("mtls-client", 0, [(null, Encoding.UTF8.GetBytes("from the client"))]);
        Assert.Equal(0, offset);
        await using var mallory = new KafkaClient(new KafkaClientOptions
        {
            BootstrapServers = [SslBootstrap],
            Security = ClientSecurityProperties.From(new Dictionary<string, string>
            {
                ["security.protocol"] = "SSL",
                ["ssl.truststore.location"] = $"{Tls}/ca.pem",
                ["ssl.keystore.type"] = "PEM",
                ["ssl.keystore.certificate.chain"] = await File.ReadAllTextAsync($"{Tls}/client-mallory.pem"),
                ["ssl.keystore.key"] = await File.ReadAllTextAsync($"{Tls}/client-mallory-key.pem"),
            }),
        });
        // mallory is authenticated (a verified certificate) but granted nothing: the topic is TOPIC_AUTHORIZATION_FAILED.
        var metadata = await mallory.RefreshMetadataAsync(["mtls-topic"]);
        Assert.Equal(29, Assert.Single(metadata.Topics).ErrorCode);
    }

    private string[] Kcat(string client) =>
        ["-X", "security.protocol=SSL", "-X", $"ssl.ca.location={Tls}/ca.pem", "-X", $"ssl.certificate.location={Tls}/client-{client}.pem", "-X", $"ssl.key.location={Tls}/client-{client}-key.pem"];

    [GeneratedRegex(@"\d+\.\d+\.\d+\.\d+:(\d+) \((\w+)\)")]
    private static partial Regex ListenerPattern();
}
