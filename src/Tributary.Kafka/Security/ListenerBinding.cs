namespace Tributary.Kafka.Security;

/// <summary>
/// A listener once bound: its configuration and the address it advertises (whose port is known only after binding
/// when port 0 was asked for). Kestrel tags every connection with its listener's binding (<see cref="ConnectionItemKey"/>),
/// so the connection handler knows whether to run SASL and what Metadata advertises to that connection.
/// </summary>
public sealed class ListenerBinding(KafkaListenerEndpoint endpoint, AdvertisedListener advertised)
{
    public const string ConnectionItemKey = "tributary.kafka.listener";

    public KafkaListenerEndpoint Endpoint { get; } = endpoint;

    public AdvertisedListener Advertised { get; } = advertised;

    /// <summary>The port bound (set at start).</summary>
    public int BoundPort { get; set; }
}
