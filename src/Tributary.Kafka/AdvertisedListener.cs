namespace Tributary.Kafka;

/// <summary>
/// Where clients are told to connect (Metadata, FindCoordinator). The port is known only once the
/// listener is bound (port 0 in tests), so it is set after start; reads are atomic.
/// </summary>
public sealed class AdvertisedListener(string host, int port)
{
    private volatile int _port = port;

    public string Host { get; } = host;

    public int Port
    {
        get => _port;
        set => _port = value;
    }
}
