using System.Security.Cryptography;
using System.Text;
using Tributary.Kafka.Security;
using Tributary.Kafka.Security.Sasl;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Tests.Security;

/// <summary>
/// DescribeUserScramCredentials / AlterUserScramCredentials (KIP-554) with Kafka's per-user errors, the durable credential
/// file (salted keys, never the password), session expiry (connections.max.reauth.ms), and RFC 7677's test vector.
/// </summary>
public sealed class ScramCredentialTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private InProcessKafka _kafka = null!;

    private string CredentialFile => Path.Combine(_directory.Path, "scram-credentials.json");

    public async Task InitializeAsync() => _kafka = await InProcessKafka.StartAsync(listener: new KafkaListenerOptions
    {
        Listeners =
        [
            new KafkaListenerEndpoint("PLAINTEXT", SecurityProtocol.Plaintext, "127.0.0.1", 0),
            new KafkaListenerEndpoint("SASL_PLAINTEXT", SecurityProtocol.SaslPlaintext, "127.0.0.1", 0),
        ],
        Security = new KafkaSecurityOptions { Credentials = ScramCredentialStore.Open(CredentialFile), MaxReauthenticationMs = 400 },
    });

    public async Task DisposeAsync()
    {
        await _kafka.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public void Rfc7677_test_vector_gives_the_published_proof_and_signature()
    {
        // RFC 7677 §3: user "user", password "pencil", salt W22ZaJ0SNY7soEsUEjb6gQ==, 4096 iterations.
        var formatter = ScramFormatter.Sha256;
        var salted = formatter.SaltedPassword("pencil", Convert.FromBase64String("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
        var authMessage = Encoding.UTF8.GetBytes("n=user,r=rOprNGfwEbeRWgbNEkqO,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0");
        var clientKey = formatter.ClientKey(salted);
        var signature = formatter.Hmac(formatter.StoredKey(clientKey), authMessage);
        var proof = clientKey.Select((b, i) => (byte)(b ^ signature[i])).ToArray();
        Assert.Equal("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", Convert.ToBase64String(proof));
        Assert.Equal("6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=", Convert.ToBase64String(formatter.Hmac(formatter.ServerKey(salted), authMessage)));
    }

    [Fact]
    public async Task Alter_then_describe_lists_mechanisms_and_iterations_and_the_file_holds_no_password()
    {
        using var connection = await RawKafkaConnection.ConnectAsync(_kafka.Server.Port);
        var alter = await connection.SendAsync<AlterUserScramCredentialsResponse>(new AlterUserScramCredentialsRequest
        {
            Upsertions = [Upsertion("alice", 1, "alice-password", 4096), Upsertion("alice", 2, "alice-password", 8192), Upsertion("bob", 2, "bob-password", 4096)],
        }, 51, 0);
        Assert.All(alter.Results, r => Assert.Equal(0, r.ErrorCode));
        Assert.Equal(["alice", "bob"], alter.Results.Select(r => r.User));

        var all = await connection.SendAsync<DescribeUserScramCredentialsResponse>(new DescribeUserScramCredentialsRequest { Users = null }, 50, 0);
        Assert.Equal(["alice", "bob"], all.Results.Select(r => r.User));
        Assert.Equal([(1, 4096), (2, 8192)], all.Results[0].CredentialInfos.Select(i => ((int)i.Mechanism, i.Iterations)));

        var file = File.ReadAllText(CredentialFile);
        Assert.DoesNotContain("alice-password", file, StringComparison.Ordinal);
        Assert.Contains("stored_key", file, StringComparison.Ordinal);
        var reopened = ScramCredentialStore.Open(CredentialFile);
        Assert.Equal(8192, reopened.Find("alice", SaslMechanisms.ScramSha512)!.Iterations);

        // The stored credential authenticates on the SASL listener.
        using var sasl = await RawKafkaConnection.ConnectAsync(_kafka.Server.Listeners[1].BoundPort);
        Assert.Equal(0, (await sasl.SendAsync<SaslHandshakeResponse>(new SaslHandshakeRequest { Mechanism = "PLAIN" }, 17, 1)).ErrorCode);
        var plain = await sasl.SendAsync<SaslAuthenticateResponse>(new SaslAuthenticateRequest { AuthBytes = Encoding.UTF8.GetBytes("\0bob\0bob-password") }, 36, 1);
        Assert.Equal(0, plain.ErrorCode);
        Assert.Equal(400, plain.SessionLifetimeMs);
    }

    [Fact]
    public async Task Alter_refuses_bad_credentials_per_user_with_kafkas_errors()
    {
        using var connection = await RawKafkaConnection.ConnectAsync(_kafka.Server.Port);
        var response = await connection.SendAsync<AlterUserScramCredentialsResponse>(new AlterUserScramCredentialsRequest
        {
            Deletions = [new AlterUserScramCredentialsRequest.ScramCredentialDeletion { Name = "ghost", Mechanism = 1 }],
            Upsertions =
            [
                Upsertion("few", 1, "x", 1000),
                Upsertion("many", 2, "x", 20000),
                Upsertion("twice", 1, "x", 4096),
                Upsertion("twice", 1, "y", 4096),
                Upsertion("", 1, "x", 4096),
                new AlterUserScramCredentialsRequest.ScramCredentialUpsertion { Name = "odd", Mechanism = 7, Iterations = 4096, Salt = new byte[] { 1 }, SaltedPassword = new byte[32] },
            ],
        }, 51, 0);
        var errors = response.Results.ToDictionary(r => r.User, r => (int)r.ErrorCode);
        Assert.Equal(91, errors["ghost"]);
        Assert.Equal(93, errors["few"]);
        Assert.Equal(93, errors["many"]);
        Assert.Equal(92, errors["twice"]);
        Assert.Equal(93, errors[""]);
        Assert.Equal(33, errors["odd"]);
        var describe = await connection.SendAsync<DescribeUserScramCredentialsResponse>(new DescribeUserScramCredentialsRequest
        {
            Users = [new() { Name = "twice" }, new() { Name = "nobody" }, new() { Name = "nobody" }],
        }, 50, 0);
        Assert.Equal(91, describe.Results.Single(r => r.User == "twice").ErrorCode);
        Assert.Equal(92, describe.Results.Single(r => r.User == "nobody").ErrorCode);
    }

    [Fact]
    public async Task A_request_after_the_session_expired_closes_the_connection()
    {
        using (var connection = await RawKafkaConnection.ConnectAsync(_kafka.Server.Port))
        {
            var alter = await connection.SendAsync<AlterUserScramCredentialsResponse>(new AlterUserScramCredentialsRequest { Upsertions = [Upsertion("carol", 1, "carol-password", 4096)] }, 51, 0);
            Assert.Equal(0, alter.Results[0].ErrorCode);
        }
        using var sasl = await RawKafkaConnection.ConnectAsync(_kafka.Server.Listeners[1].BoundPort);
        Assert.Equal(0, (await sasl.SendAsync<SaslHandshakeResponse>(new SaslHandshakeRequest { Mechanism = "PLAIN" }, 17, 1)).ErrorCode);
        Assert.Equal(0, (await sasl.SendAsync<SaslAuthenticateResponse>(new SaslAuthenticateRequest { AuthBytes = Encoding.UTF8.GetBytes("\0carol\0carol-password") }, 36, 1)).ErrorCode);
        Assert.Equal(0, (await sasl.SendAsync<ApiVersionsResponse>(new ApiVersionsRequest(), 18, 0)).ErrorCode);
        await Task.Delay(600);
        await sasl.SendRawAsync([0, 0, 0, 10, 0, 18, 0, 0, 0, 0, 0, 9, 0, 0]);
        Assert.Null(await sasl.ReadFrameAsync());
    }

    private static AlterUserScramCredentialsRequest.ScramCredentialUpsertion Upsertion(string user, sbyte mechanism, string password, int iterations)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var formatter = ScramFormatter.ForTypeId(mechanism)!;
        return new AlterUserScramCredentialsRequest.ScramCredentialUpsertion
        {
            Name = user,
            Mechanism = mechanism,
            Iterations = iterations,
            Salt = salt,
            SaltedPassword = formatter.SaltedPassword(password, salt, Math.Clamp(iterations, 1, 20000)),
        };
    }
}
