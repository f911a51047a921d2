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
    public void Unusable_values_are_refused_with_the_key(string key, string value, string message)
    {
        var error = Assert.Throws<ConfigurationException>(() => ServerConfiguration.Build(null, NoEnvironment, [new(key, value)]));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
