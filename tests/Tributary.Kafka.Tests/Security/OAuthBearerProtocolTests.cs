using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tributary.Kafka.Security;
using Tributary.Kafka.Security.Iam;
using Tributary.Kafka.Security.OAuthBearer;
using Tributary.Kafka.Security.Sasl;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Tests.Security;

/// <summary>
/// OAUTHBEARER (unsecured JWTs, JWKS-signed JWTs, MSK IAM signer tokens) and AWS_MSK_IAM on a SASL_PLAINTEXT listener
/// against raw frames: what is accepted, and each refusal as Kafka makes it (RFC 7628's JSON challenge, then error 58).
/// </summary>
public sealed class OAuthBearerProtocolTests : IAsyncLifetime, IDisposable
{
    private const string Issuer = "https://issuer.example";
    private const string Audience = "tributary";
    private const string AccessKey = "AKIDTRIBUTARYTEST";
    private const string Secret = "iam-secret";
    private const string Arn = "arn:aws:iam::123456789012:user/alice";
    private readonly RSA _rsa = RSA.Create(2048);
    private readonly ECDsa _ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private InProcessKafka _kafka = null!;

    private int SaslPort => _kafka.Server.Listeners.Single(l => l.Endpoint.Name == "SASL_PLAINTEXT").BoundPort;

    public async Task InitializeAsync()
    {
        _kafka = await InProcessKafka.StartAsync(listener: new KafkaListenerOptions
        {
            Listeners =
            [
                new KafkaListenerEndpoint("PLAINTEXT", SecurityProtocol.Plaintext, "127.0.0.1", 0),
                new KafkaListenerEndpoint("SASL_PLAINTEXT", SecurityProtocol.SaslPlaintext, "127.0.0.1", 0),
            ],
            Security = new KafkaSecurityOptions
            {
                EnabledMechanisms = [SaslMechanisms.OAuthBearer, SaslMechanisms.AwsMskIam],
                OAuthBearer = new OAuthBearerOptions
                {
                    Unsecured = new UnsecuredJwtOptions(),
                    Jwks = new SignedJwtOptions { Keys = JsonWebKeySet.Parse(TestTokens.Jwks(_rsa, "rsa-1", _ec, "ec-1")), ExpectedIssuer = Issuer, ExpectedAudience = [Audience] },
                },
                MskIam = new MskIamCredentials([(AccessKey, Secret, Arn)]),
            },
        });
    }

    public async Task DisposeAsync() => await _kafka.DisposeAsync();

    public void Dispose()
    {
        _rsa.Dispose();
        _ec.Dispose();
    }

    [Fact]
    public async Task An_unsecured_JWT_with_fractional_times_authenticates_and_requests_are_served()
    {
        // librdkafka's built-in unsecured token: fractional iat/exp, scope as an array.
        var token = TestTokens.Unsecured(new { sub = "bob", iat = TestTokens.Now - 0.5, exp = TestTokens.Now + 3600.25, scope = new[] { "a" } });
        using var connection = await AuthenticatedAsync(token);
        var metadata = await connection.SendAsync<MetadataResponse>(new MetadataRequest { Topics = [] }, 3, 9);
        Assert.Single(metadata.Brokers);
    }

    [Theory]
    [InlineData("rs256")]
    [InlineData("es256")]
    public async Task A_signed_JWT_from_the_JWKS_with_the_expected_issuer_and_audience_authenticates(string algorithm)
    {
        var claims = new { sub = "carol", iss = Issuer, aud = new[] { "other", Audience }, iat = TestTokens.Now, exp = TestTokens.Now + 600 };
        var token = algorithm == "rs256" ? TestTokens.SignedRs256(_rsa, "rsa-1", claims) : TestTokens.SignedEs256(_ec, "ec-1", claims);
        using var connection = await AuthenticatedAsync(token);
        Assert.Single((await connection.SendAsync<MetadataResponse>(new MetadataRequest { Topics = [] }, 3, 9)).Brokers);
    }

    [Theory]
    [InlineData("issuer")]
    [InlineData("audience")]
    [InlineData("expired")]
    [InlineData("tampered")]
    public async Task A_signed_JWT_failing_a_check_gets_the_JSON_challenge_then_error_58(string defect)
    {
        var now = TestTokens.Now;
        var claims = defect switch
        {
            "issuer" => new { sub = "x", iss = "https://evil.example", aud = Audience, exp = now + 60 },
            "audience" => new { sub = "x", iss = Issuer, aud = "someone-else", exp = now + 60 },
            "expired" => new { sub = "x", iss = Issuer, aud = Audience, exp = now - 120 },
            _ => new { sub = "x", iss = Issuer, aud = Audience, exp = now + 60 },
        };
        var token = TestTokens.SignedRs256(_rsa, "rsa-1", claims);
        if (defect == "tampered")
        {
            var parts = token.Split('.');
            token = parts[0] + "." + TestTokens.B64(JsonSerializer.Serialize(new { sub = "admin", iss = Issuer, aud = Audience, exp = now + 60 })) + "." + parts[2];
        }
        await AssertRefusedWithChallengeAsync(token);
    }

    [Fact]
    public async Task Unsecured_and_unsigned_defects_get_the_JSON_challenge_then_error_58()
    {
        var now = TestTokens.Now;
        foreach (var token in new[]
        {
            TestTokens.Unsecured(new { sub = "bob", exp = now - 10 }),
            TestTokens.Unsecured(new { sub = "bob" }),
            TestTokens.Unsecured(new { name = "bob", exp = now + 60 }),
        })
        {
            await AssertRefusedWithChallengeAsync(token);
        }
    }

    [Fact]
    public async Task An_authorization_id_other_than_the_principal_is_refused()
    {
        using var connection = await RawKafkaConnection.ConnectAsync(SaslPort);
        await HandshakeAsync(connection, SaslMechanisms.OAuthBearer);
        var response = await connection.SendAsync<SaslAuthenticateResponse>(
            new SaslAuthenticateRequest { AuthBytes = TestTokens.InitialResponse(TestTokens.Unsecured(new { sub = "bob", exp = TestTokens.Now + 60 }), "admin") }, 36, 2);
        Assert.Equal(58, response.ErrorCode);
        Assert.Contains("authorization id (admin)", response.ErrorMessage, StringComparison.Ordinal);
        Assert.Null(await connection.ReadFrameAsync());
    }

    [Theory]
    [InlineData("x,,\u0001auth=Bearer abc\u0001\u0001", "GS2 header")]
    [InlineData("n,,\u0001auth=Bearer abc\u0001", "0x01 0x01")]
    [InlineData("n,,\u0001host=h\u0001\u0001", "no auth=Bearer")]
    [InlineData("n,,\u0001auth=Basic abc\u0001\u0001", "Bearer TOKEN")]
    [InlineData("n,,\u0001auth=Bearer a b\u0001\u0001", "Bearer TOKEN")]
    public async Task A_malformed_initial_response_gets_error_58(string message, string expected)
    {
        using var connection = await RawKafkaConnection.ConnectAsync(SaslPort);
        await HandshakeAsync(connection, SaslMechanisms.OAuthBearer);
        var response = await connection.SendAsync<SaslAuthenticateResponse>(new SaslAuthenticateRequest { AuthBytes = Encoding.UTF8.GetBytes(message) }, 36, 2);
        Assert.Equal(58, response.ErrorCode);
        Assert.Contains(expected, response.ErrorMessage, StringComparison.Ordinal);
        Assert.Null(await connection.ReadFrameAsync());
    }

    [Fact]
    public async Task An_MSK_IAM_signer_token_authenticates_on_OAUTHBEARER()
    {
        var token = TestTokens.MskIamToken("eu-west-1", TestTokens.Presign("kafka.eu-west-1.amazonaws.com", AccessKey, Secret, "eu-west-1", DateTimeOffset.UtcNow));
        using var connection = await AuthenticatedAsync(token);
        Assert.Single((await connection.SendAsync<MetadataResponse>(new MetadataRequest { Topics = [] }, 3, 9)).Brokers);
    }

    [Theory]
    [InlineData("secret")]
    [InlineData("key")]
    [InlineData("expired")]
    public async Task An_MSK_IAM_signer_token_with_a_defect_is_refused(string defect)
    {
        var presigned = TestTokens.Presign("kafka.eu-west-1.amazonaws.com", defect == "key" ? "AKIDUNKNOWN" : AccessKey, defect == "secret" ? "wrong" : Secret, "eu-west-1",
            defect == "expired" ? DateTimeOffset.UtcNow.AddMinutes(-16) : DateTimeOffset.UtcNow);
        var error = await AssertRefusedWithChallengeAsync(TestTokens.MskIamToken("eu-west-1", presigned));
        Assert.Equal("{\"status\":\"invalid_token\"}", error);
    }

    [Fact]
    public async Task AWS_MSK_IAM_accepts_a_signed_payload_and_answers_with_version_and_request_id()
    {
        using var connection = await RawKafkaConnection.ConnectAsync(SaslPort);
        await HandshakeAsync(connection, SaslMechanisms.AwsMskIam);
        var payload = TestTokens.MskIamPayload("broker.example", TestTokens.Presign("broker.example", AccessKey, Secret, "us-east-1", DateTimeOffset.UtcNow));
        var response = await connection.SendAsync<SaslAuthenticateResponse>(new SaslAuthenticateRequest { AuthBytes = payload }, 36, 2);
        Assert.True(response.ErrorCode == 0, response.ErrorMessage);
        using var answer = JsonDocument.Parse(response.AuthBytes);
        Assert.Equal("2020_10_22", answer.RootElement.GetProperty("version").GetString());
        Assert.True(Guid.TryParse(answer.RootElement.GetProperty("request-id").GetString(), out _));
        Assert.Single((await connection.SendAsync<MetadataResponse>(new MetadataRequest { Topics = [] }, 3, 9)).Brokers);
    }

    [Theory]
    [InlineData("secret", "signature does not match")]
    [InlineData("host", "signature does not match")]
    [InlineData("expired", "expired")]
    [InlineData("future", "future")]
    [InlineData("version", "version must be 2020_10_22")]
    [InlineData("json", "not JSON")]
    public async Task AWS_MSK_IAM_refuses_a_bad_payload_with_error_58(string defect, string expected)
    {
        using var connection = await RawKafkaConnection.ConnectAsync(SaslPort);
        await HandshakeAsync(connection, SaslMechanisms.AwsMskIam);
        var at = defect switch
        {
            "expired" => DateTimeOffset.UtcNow.AddMinutes(-20),
            "future" => DateTimeOffset.UtcNow.AddMinutes(20),
            _ => DateTimeOffset.UtcNow,
        };
        var presigned = TestTokens.Presign("broker.example", AccessKey, defect == "secret" ? "wrong" : Secret, "us-east-1", at);
        var payload = defect switch
        {
            "host" => TestTokens.MskIamPayload("other.example", presigned),
            "version" => Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(TestTokens.MskIamPayload("broker.example", presigned)).Replace("2020_10_22", "2019_01_01", StringComparison.Ordinal)),
            "json" => "{not json"u8.ToArray(),
            _ => TestTokens.MskIamPayload("broker.example", presigned),
        };
        var response = await connection.SendAsync<SaslAuthenticateResponse>(new SaslAuthenticateRequest { AuthBytes = payload }, 36, 2);
        Assert.Equal(58, response.ErrorCode);
        Assert.Contains(expected, response.ErrorMessage, StringComparison.Ordinal);
        Assert.Null(await connection.ReadFrameAsync());
    }

    [Fact]
    public void The_unsecured_validator_checks_required_scopes_and_clock_skew()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var strict = new UnsecuredJwtValidator(new UnsecuredJwtOptions { RequiredScope = ["kafka", "write"], PrincipalClaimName = "user", ScopeClaimName = "scp" });
        var missing = strict.Validate(TestTokens.Unsecured(new { user = "bob", exp = (now / 1000) + 60, scp = "kafka read" }), now);
        Assert.Null(missing.Principal);
        Assert.Equal("kafka write", missing.Scope);
        Assert.Equal("bob", strict.Validate(TestTokens.Unsecured(new { user = "bob", exp = (now / 1000) + 60, scp = new[] { "write", "kafka" } }), now).Principal);

        var justExpired = TestTokens.Unsecured(new { sub = "bob", exp = (now / 1000) - 5 });
        Assert.Null(new UnsecuredJwtValidator(new UnsecuredJwtOptions()).Validate(justExpired, now).Principal);
        Assert.Equal("bob", new UnsecuredJwtValidator(new UnsecuredJwtOptions { AllowableClockSkewMs = 10_000 }).Validate(justExpired, now).Principal);
        Assert.False(new UnsecuredJwtValidator(new UnsecuredJwtOptions()).Validate(TestTokens.SignedEs256(_ec, "ec-1", new { sub = "x", exp = (now / 1000) + 60 }), now).Recognised);
    }

    private async Task<RawKafkaConnection> AuthenticatedAsync(string token)
    {
        var connection = await RawKafkaConnection.ConnectAsync(SaslPort);
        await HandshakeAsync(connection, SaslMechanisms.OAuthBearer);
        var response = await connection.SendAsync<SaslAuthenticateResponse>(new SaslAuthenticateRequest { AuthBytes = TestTokens.InitialResponse(token) }, 36, 2);
        Assert.True(response.ErrorCode == 0, response.ErrorMessage);
        Assert.Equal(0, response.AuthBytes.Length);
        return connection;
    }

    /// <summary>RFC 7628 §3.2.2: the JSON status as a challenge with no error, the client's 0x01, then error 58 carrying the JSON.</summary>
    private async Task<string> AssertRefusedWithChallengeAsync(string token)
    {
        using var connection = await RawKafkaConnection.ConnectAsync(SaslPort);
        await HandshakeAsync(connection, SaslMechanisms.OAuthBearer);
        var challenge = await connection.SendAsync<SaslAuthenticateResponse>(new SaslAuthenticateRequest { AuthBytes = TestTokens.InitialResponse(token) }, 36, 2);
        Assert.Equal(0, challenge.ErrorCode);
        var json = Encoding.UTF8.GetString(challenge.AuthBytes.Span);
        using (var status = JsonDocument.Parse(json))
        {
            Assert.Equal("invalid_token", status.RootElement.GetProperty("status").GetString());
        }
        var final = await connection.SendAsync<SaslAuthenticateResponse>(new SaslAuthenticateRequest { AuthBytes = new byte[] { 1 } }, 36, 2);
        Assert.Equal(58, final.ErrorCode);
        Assert.Equal(json, final.ErrorMessage);
        Assert.Null(await connection.ReadFrameAsync());
        return json;
    }

    private static async Task HandshakeAsync(RawKafkaConnection connection, string mechanism)
    {
        var response = await connection.SendAsync<SaslHandshakeResponse>(new SaslHandshakeRequest { Mechanism = mechanism }, 17, 1);
        Assert.Equal(0, response.ErrorCode);
    }
}
