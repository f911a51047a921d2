using Tributary.Kafka.Security;

namespace Tributary.Kafka;

/// <summary>Settings of the Kafka listeners (see defaults.conf: kafka.*).</summary>
public sealed record KafkaListenerOptions
{
    /// <summary>Address to bind; 127.0.0.1 by default so the embedded default is reachable only locally.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free port (tests).</summary>
    public int Port { get; init; } = 9092;

    /// <summary>Host name clients are told to connect to (Metadata); empty means the bind address.</summary>
    public string AdvertisedHost { get; init; } = "";

    /// <summary>Largest request frame accepted (Kafka's socket.request.max.bytes, 100 MiB); larger closes the connection.</summary>
    public int MaxRequestBytes { get; init; } = 100 * 1024 * 1024;

    /// <summary>
    /// The listeners (Kafka's listeners, advertised.listeners, listener.security.protocol.map); empty means one
    /// PLAINTEXT listener on <see cref="Host"/>:<see cref="Port"/> advertised as <see cref="AdvertisedHost"/>.
    /// </summary>
    public IReadOnlyList<KafkaListenerEndpoint> Listeners { get; init; } = [];

    /// <summary>TLS and SASL settings shared by the listeners that use them.</summary>
    public KafkaSecurityOptions Security { get; init; } = new();

    /// <summary>The listeners to open: <see cref="Listeners"/>, or the single PLAINTEXT one the plain options describe.</summary>
    public IReadOnlyList<KafkaListenerEndpoint> EffectiveListeners =>
        Listeners.Count > 0 ? Listeners : [new KafkaListenerEndpoint("PLAINTEXT", SecurityProtocol.Plaintext, Host, Port, AdvertisedHost)];
}
