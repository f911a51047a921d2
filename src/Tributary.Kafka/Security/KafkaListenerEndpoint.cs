namespace Tributary.Kafka.Security;

/// <summary>
/// One Kafka listener (an entry of Kafka's <c>listeners</c>): its name, what it speaks, where it binds, and where
/// Metadata and FindCoordinator send the clients that came in through it (its <c>advertised.listeners</c> entry).
/// An empty advertised host means the bind address; advertised port 0 means the bound port.
/// </summary>
public sealed record KafkaListenerEndpoint(string Name, SecurityProtocol Protocol, string Host, int Port, string AdvertisedHost = "", int AdvertisedPort = 0)
{
    public override string ToString() => $"{Name}://{Host}:{Port}";
}
