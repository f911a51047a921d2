using System.Buffers.Binary;
using System.Text;
using Tributary.Kafka.Security;
using Tributary.Kafka.Security.Sasl;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Tests.Security;

/// <summary>
/// SASL on a SASL_PLAINTEXT listener against raw frames: the state machine (what is allowed when), SCRAM and PLAIN
/// exchanges, and bad input — each refusal with Kafka's error code, closing only its own connection.
/// </summary>
public sealed class SaslProtocolTests : IAsyncLifetime
{
    private const string Password = "alice-secret";
    private readonly ScramCredentialStore _credentials = ScramCredentialStore.InMemory();
    private InProcessKafka _kafka = null!;

    private int SaslPort => _kafka.Server.Listeners.Single(l => l.Endpoint.Name == "SASL_PLAINTEXT").BoundPort;

    public async Task InitializeAsync()
    {
        _credentials.Apply([], [
            ("alice", SaslMechanisms.ScramSha256, ScramTestClient.Credential(ScramFormatter.Sha256, Password)),
            ("alice", SaslMechanisms.ScramSha512, ScramTestClient.Credential(ScramFormatter.Sha512, Password, 8192)),
        ]);
        _kafka = await InProcessKafka.StartAsync(listener: new KafkaListenerOptions
        {
            Listeners =
            [
                new KafkaListenerEndpoint("PLAINTEXT", SecurityProtocol.Plaintext, "127.0.0.1", 0),
                new KafkaListenerEndpoint("SASL_PLAINTEXT", SecurityProtocol.SaslPlaintext, "127.0.0.1", 0, "sasl.example", 0),
            ],
            Security = new KafkaSecurityOptions { Credentials = _credentials, MaxReauthenticationMs = 600_000 },
        });
    }

    public async Task DisposeAsync() => await _kafka.DisposeAsync();

    [Theory]
    [InlineData(SaslMechanisms.ScramSha256)]
    [InlineData(SaslMechanisms.ScramSha512)]
    public async Task Scram_authenticates_and_then_requests_are_served_with_the_listeners_advertised_address(string mechanism)
    {
        using var connection = await RawKafkaConnection.ConnectAsync(SaslPort);
        var versions = await connection.SendAsync<ApiVersionsResponse>(new ApiVersionsRequest(), 18, 3);
        Assert.Equal(0, versions.ErrorCode);
        await AuthenticateAsync(connection, mechanism, Password, version: 2);
        var metadata = await connection.SendAsync<MetadataResponse>(new MetadataRequest { Topics = [] }, 3, 9);
        var broker = Assert.Single(metadata.Brokers);
        Assert.Equal(("sasl.example", SaslPort), (broker.Host, broker.Port));
    }

    [Fact]
    public async Task SaslAuthenticate_v1_tells_the_session_lifetime()
    {
        using var connection = await RawKafkaConnection.ConnectAsync(SaslPort);
        var final = await AuthenticateAsync(connection, SaslMechanisms.ScramSha256, Password, version: 1);
        Assert.Equal(600_000, final.SessionLifetimeMs);
    }

    [Fact]
    public async Task A_wrong_password_gets_error_58_with_a_message_and_only_that_connection_closes()
    {
        using var connection = await RawKafkaConnection.ConnectAsync(SaslPort);
        var client = new ScramTestClient(ScramFormatter.Sha512, "alice", "wrong");
        await HandshakeAsync(connection, SaslMechanisms.ScramSha512, 1);
        var first = await connection.SendAsync<SaslAuthenticateResponse>(new SaslAuthenticateRequest { AuthBytes = client.ClientFirst() }, 36, 2);
        Assert.Equal(0, first.ErrorCode);
        var final = await connection.SendAsync<SaslAuthenticateResponse>(new SaslAuthenticateRequest { AuthBytes = client.ClientFinal(first.AuthBytes.ToArray()) }, 36, 2);
        Assert.Equal(58, final.ErrorCode);
        Assert.Equal("Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512", final.ErrorMessage);
        Assert.Null(await connection.ReadFrameAsync());
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task An_unknown_user_fails_like_a_wrong_password()
    {
        using var connection = await RawKafkaConnection.ConnectAsync(SaslPort);
        await HandshakeAsync(connection, SaslMechanisms.ScramSha256, 1);
        var first = await connection.SendAsync<SaslAuthenticateResponse>(new SaslAuthenticateRequest { AuthBytes = new ScramTestClient(ScramFormatter.Sha256, "mallory", Password).ClientFirst() }, 36, 1);
        Assert.Equal(58, first.ErrorCode);
        Assert.Contains("invalid credentials", first.ErrorMessage, StringComparison.Ordinal);
        Assert.Null(await connection.ReadFrameAsync());
    }

    [Fact]
    public async Task An_unknown_mechanism_gets_error_33_with_the_enabled_list_then_the_connection_closes()
    {
        using var connection = await RawKafkaConnection.ConnectAsync(SaslPort);
        var response = await connection.SendAsync<SaslHandshakeResponse>(new SaslHandshakeRequest { Mechanism = "GSSAPI" }, 17, 1);
        Assert.Equal(33, response.ErrorCode);
        Assert.Equal(["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"], response.Mechanisms);
        Assert.Null(await connection.ReadFrameAsync());
        await AssertStillServingAsync();
    }

    [Theory]
    [InlineData("garbage", "Invalid SCRAM client first message format")]
    [InlineData("p=tls-unique,,n=alice,r=abc", "channel binding")]
    [InlineData("n,,n=alice", "Invalid SCRAM client first message format")]
    [InlineData("n,,n=al=ice,r=abc", "bad user name")]
    [InlineData("n,a=bob,n=alice,r=abc", "authorization id")]
    public async Task A_malformed_client_first_message_gets_error_58_and_closes(string clientFirst, string message)
    {
        using var connection = await RawKafkaConnection.ConnectAsync(SaslPort);
        await HandshakeAsync(connection, SaslMechanisms.ScramSha256, 1);
        var response = await connection.SendAsync<SaslAuthenticateResponse>(new SaslAuthenticateRequest { AuthBytes = Encoding.UTF8.GetBytes(clientFirst) }, 36, 0);
        Assert.Equal(58, response.ErrorCode);
        Assert.Contains(message, response.ErrorMessage, StringComparison.Ordinal);
        Assert.Null(await connection.ReadFrameAsync());
    }

    [Theory]
    [InlineData("c=biws,r=WRONGNONCE,p=AAAA", "nonce does not match")]
    [InlineData("c=eSws,r={nonce},p=AAAA", "channel binding")]
    [InlineData("c=biws,r={nonce},p=!!!", "bad base64")]
    [InlineData("r={nonce}", "Invalid SCRAM client final message format")]
    public async Task A_malformed_client_final_message_gets_error_58_and_closes(string clientFinal, string message)
    {
        using var connection = await RawKafkaConnection.ConnectAsync(SaslPort);
        await HandshakeAsync(connection, SaslMechanisms.ScramSha256, 1);
        var first = await connection.SendAsync<SaslAuthenticateResponse>(new SaslAuthenticateRequest { AuthBytes = new ScramTestClient(ScramFormatter.Sha256, "alice", Password).ClientFirst() }, 36, 0);
        Assert.Equal(0, first.ErrorCode);
        var nonce = Encoding.UTF8.GetString(first.AuthBytes.Span).Split(',')[0][2..];
        var response = await connection.SendAsync<SaslAuthenticateResponse>(new SaslAuthenticateRequest { AuthBytes = Encoding.UTF8.GetBytes(clientFinal.Replace("{nonce}", nonce, StringComparison.Ordinal)) }, 36, 0);
        Assert.Equal(58, response.ErrorCode);
        Assert.Contains(message, response.ErrorMessage, StringComparison.Ordinal);
        Assert.Null(await connection.ReadFrameAsync());
    }

    [Fact]
    public async Task A_produce_before_authenticating_closes_the_connection_without_an_answer()
    {
        using var connection = await RawKafkaConnection.ConnectAsync(SaslPort);
        await connection.SendRawAsync(Frame(new MetadataRequest { Topics = [] }, 3, 1));
        Assert.Null(await connection.ReadFrameAsync());
        using var produce = await RawKafkaConnection.ConnectAsync(SaslPort);
        await produce.SendRawAsync(Frame(new ProduceRequest { Acks = 1, TimeoutMs = 1000 }, 0, 3));
        Assert.Null(await produce.ReadFrameAsync());
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task After_a_v1_handshake_only_SaslAuthenticate_is_accepted()
    {
        using var connection = await RawKafkaConnection.ConnectAsync(SaslPort);
        await HandshakeAsync(connection, SaslMechanisms.ScramSha256, 1);
        await connection.SendRawAsync(Frame(new ApiVersionsRequest(), 18, 0));
        Assert.Null(await connection.ReadFrameAsync());
    }

    [Fact]
    public async Task SaslAuthenticate_before_a_handshake_closes_the_connection()
    {
        using var connection = await RawKafkaConnection.ConnectAsync(SaslPort);
        await connection.SendRawAsync(Frame(new SaslAuthenticateRequest { AuthBytes = Encoding.UTF8.GetBytes("\0alice\0" + Password) }, 36, 1));
        Assert.Null(await connection.ReadFrameAsync());
    }

    [Fact]
    public async Task PLAIN_with_a_v0_handshake_takes_raw_tokens_as_kafka_python_sends_them()
    {
        using var connection = await RawKafkaConnection.ConnectAsync(SaslPort);
        await HandshakeAsync(connection, SaslMechanisms.Plain, 0);
        await connection.SendRawAsync(RawToken("\0alice\0" + Password));
        var empty = await connection.ReadFrameAsync();
        Assert.NotNull(empty);
        Assert.Empty(empty);
        var versions = await connection.SendAsync<ApiVersionsResponse>(new ApiVersionsRequest(), 18, 0);
        Assert.Equal(0, versions.ErrorCode);
    }

    [Fact]
    public async Task PLAIN_with_a_wrong_password_over_raw_tokens_closes_the_connection()
    {
        using var connection = await RawKafkaConnection.ConnectAsync(SaslPort);
        await HandshakeAsync(connection, SaslMechanisms.Plain, 0);
        await connection.SendRawAsync(RawToken("\0alice\0nope"));
        Assert.Null(await connection.ReadFrameAsync());
    }

    [Theory]
    [InlineData("\0alice\0", "password not specified")]
    [InlineData("\0\0x", "username not specified")]
    [InlineData("bob\0alice\0" + Password, "authorization id")]
    [InlineData("alice", "expected 3 tokens")]
    public async Task PLAIN_refuses_malformed_tokens_with_error_58(string token, string message)
    {
        using var connection = await RawKafkaConnection.ConnectAsync(SaslPort);
        await HandshakeAsync(connection, SaslMechanisms.Plain, 1);
        var response = await connection.SendAsync<SaslAuthenticateResponse>(new SaslAuthenticateRequest { AuthBytes = Encoding.UTF8.GetBytes(token) }, 36, 1);
        Assert.Equal(58, response.ErrorCode);
        Assert.Contains(message, response.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reauthentication_with_the_same_principal_keeps_the_connection_serving()
    {
        using var connection = await RawKafkaConnection.ConnectAsync(SaslPort);
        await AuthenticateAsync(connection, SaslMechanisms.ScramSha256, Password, version: 2);
        await AuthenticateAsync(connection, SaslMechanisms.ScramSha512, Password, version: 2);
        var metadata = await connection.SendAsync<MetadataResponse>(new MetadataRequest { Topics = [] }, 3, 9);
        Assert.Single(metadata.Brokers);
    }

    [Fact]
    public async Task SASL_requests_on_a_plaintext_listener_get_ILLEGAL_SASL_STATE()
    {
        using var connection = await RawKafkaConnection.ConnectAsync(_kafka.Server.Port);
        var response = await connection.SendAsync<SaslHandshakeResponse>(new SaslHandshakeRequest { Mechanism = "PLAIN" }, 17, 1);
        Assert.Equal(34, response.ErrorCode);
        var authenticate = await connection.SendAsync<SaslAuthenticateResponse>(new SaslAuthenticateRequest { AuthBytes = new byte[] { 1 } }, 36, 2);
        Assert.Equal(34, authenticate.ErrorCode);
    }

    private async Task AssertStillServingAsync()
    {
        using var other = await RawKafkaConnection.ConnectAsync(SaslPort);
        await AuthenticateAsync(other, SaslMechanisms.ScramSha256, Password, version: 1);
    }

    private static async Task HandshakeAsync(RawKafkaConnection connection, string mechanism, short version)
    {
        var response = await connection.SendAsync<SaslHandshakeResponse>(new SaslHandshakeRequest { Mechanism = mechanism }, 17, version);
        Assert.Equal(0, response.ErrorCode);
    }

    private static async Task<SaslAuthenticateResponse> AuthenticateAsync(RawKafkaConnection connection, string mechanism, string password, short version)
    {
        await HandshakeAsync(connection, mechanism, 1);
        var client = new ScramTestClient(ScramFormatter.ForMechanism(mechanism)!, "alice", password);
        var first = await connection.SendAsync<SaslAuthenticateResponse>(new SaslAuthenticateRequest { AuthBytes = client.ClientFirst() }, 36, version);
        Assert.Equal(0, first.ErrorCode);
        var final = await connection.SendAsync<SaslAuthenticateResponse>(new SaslAuthenticateRequest { AuthBytes = client.ClientFinal(first.AuthBytes.ToArray()) }, 36, version);
        Assert.True(final.ErrorCode == 0, final.ErrorMessage);
        client.VerifyServerFinal(final.AuthBytes.ToArray());
        return final;
    }

    /// <summary>A SASL token as a v0 handshake's raw frame: int32 length, then the bytes, no Kafka header.</summary>
    private static byte[] RawToken(string token)
    {
        var bytes = Encoding.UTF8.GetBytes(token);
        var frame = new byte[4 + bytes.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, bytes.Length);
        bytes.CopyTo(frame, 4);
        return frame;
    }

    private static byte[] Frame(Tributary.Protocol.Kafka.IKafkaMessage request, short apiKey, short version)
    {
        var api = Tributary.Protocol.Kafka.Messages.KafkaApis.All.Single(a => a.ApiKey == apiKey);
        using var buffer = new Tributary.Foundation.Buffers.PooledBufferWriter();
        buffer.Advance(4);
        var writer = new Tributary.Protocol.Kafka.KafkaWriter(buffer);
        new Tributary.Protocol.Kafka.RequestHeader { ApiKey = apiKey, ApiVersion = version, CorrelationId = 1, ClientId = "raw" }.Write(writer, api.RequestHeaderVersion(version));
        request.Write(writer, version);
        BinaryPrimitives.WriteInt32BigEndian(buffer.WrittenSpanMutable, buffer.WrittenCount - 4);
        return buffer.WrittenSpan.ToArray();
    }
}
