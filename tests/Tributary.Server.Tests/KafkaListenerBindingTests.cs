using Tributary.Kafka.Security;

namespace Tributary.Server.Tests;

/// <summary>kafka.listeners, kafka.advertised.listeners and kafka.listener.security.protocol.map as Kafka reads them.</summary>
public sealed class KafkaListenerBindingTests
{
    private static readonly Dictionary<string, string?> NoEnvironment = new();

    [Fact]
    public void Auto_is_one_plaintext_listener_on_kafka_host_and_port()
    {
        var options = OptionBinder.KafkaListener(ServerConfiguration.Build(null, NoEnvironment, []));
        var only = Assert.Single(options.EffectiveListeners);
        Assert.Equal(("PLAINTEXT", SecurityProtocol.Plaintext, "127.0.0.1", 9092), (only.Name, only.Protocol, only.Host, only.Port));
        Assert.Null(options.Security.Certificate);
    }

    [Fact]
    public void Named_listeners_take_their_protocol_from_the_map_and_their_advertised_address()
    {
        var configuration = ServerConfiguration.Build(null, NoEnvironment, [
            new("kafka.listeners", "PLAINTEXT://127.0.0.1:9092,EXTERNAL://0.0.0.0:9093,INTERNAL://:9094"),
            new("kafka.listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,EXTERNAL:SASL_SSL,INTERNAL:SASL_PLAINTEXT"),
            new("kafka.advertised.listeners", "EXTERNAL://kafka.example.com:19093"),
        ]);
        var listeners = OptionBinder.KafkaListener(configuration).Listeners;
        Assert.Equal(
            [("PLAINTEXT", SecurityProtocol.Plaintext, "127.0.0.1", 9092, "127.0.0.1", 0), ("EXTERNAL", SecurityProtocol.SaslSsl, "0.0.0.0", 9093, "kafka.example.com", 19093), ("INTERNAL", SecurityProtocol.SaslPlaintext, "127.0.0.1", 9094, "127.0.0.1", 0)],
            listeners.Select(l => (l.Name, l.Protocol, l.Host, l.Port, l.AdvertisedHost, l.AdvertisedPort)));
    }

    [Theory]
    [InlineData("kafka.listeners", "NOPE://127.0.0.1:9092", "has no security protocol")]
    [InlineData("kafka.listeners", "PLAINTEXT://localhost:9092", "must bind an IP address")]
    [InlineData("kafka.listeners", "PLAINTEXT:9092", "is not NAME://HOST:PORT")]
    [InlineData("kafka.listener.security.protocol.map", "A:TLS", "is not NAME:PROTOCOL")]
    [InlineData("kafka.sasl.enabled.mechanisms", "GSSAPI", "GSSAPI is not implemented")]
    [InlineData("kafka.ssl.certificate.location", "/nonexistent/server.pem", "cannot load the certificate")]
    [InlineData("kafka.sasl.enabled.mechanisms", "OAUTHBEARER", "OAUTHBEARER needs a token validator")]
    [InlineData("kafka.sasl.enabled.mechanisms", "AWS_MSK_IAM", "AWS_MSK_IAM needs access keys")]
    [InlineData("kafka.sasl.aws.msk.iam.credentials", "AKID:secret", "is not ACCESS_KEY:SECRET:ARN")]
    [InlineData("kafka.sasl.oauthbearer.jwks.endpoint.url", "/nonexistent/jwks.json", "cannot read the JWKS")]
    [InlineData("super.users", "admin", "is not a principal")]
    public void Unusable_values_are_refused_with_the_key(string key, string value, string message)
    {
        var error = Assert.Throws<ConfigurationException>(() => ServerConfiguration.Build(null, NoEnvironment, [new(key, value)]));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Security_extensions_bind_from_their_keys()
    {
        var configuration = ServerConfiguration.Build(null, NoEnvironment,
        [
            new("kafka.sasl.enabled.mechanisms", "OAUTHBEARER,AWS_MSK_IAM"),
            new("kafka.sasl.oauthbearer.unsecured.validator.enable", "true"),
            new("kafka.sasl.oauthbearer.unsecured.validator.required.scope", "kafka,write"),
            new("kafka.sasl.aws.msk.iam.credentials", "AKID1:s1:arn:aws:iam::1:user/a, AKID2:s2:arn:aws:iam::1:role/b"),
            new("kafka.authorizer.enable", "true"),
            new("super.users", "User:admin;User:ANONYMOUS"),
        ]);
        var security = OptionBinder.KafkaListener(configuration).Security;
        Assert.Equal(["OAUTHBEARER", "AWS_MSK_IAM"], security.EnabledMechanisms);
        Assert.Equal(["kafka", "write"], security.OAuthBearer.Unsecured!.RequiredScope);
        Assert.Null(security.OAuthBearer.Jwks);
        Assert.True(security.MskIam!.TryFind("AKID2", out var secret, out var arn));
        Assert.Equal(("s2", "arn:aws:iam::1:role/b"), (secret, arn));
        Assert.Equal(["User:ANONYMOUS", "User:admin"], security.AuthorizerSettings!.SuperUsers.Order(StringComparer.Ordinal));
        Assert.False(security.AuthorizerSettings.AllowEveryoneIfNoAclFound);
    }
}
