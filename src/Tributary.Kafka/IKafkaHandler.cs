using Tributary.Protocol.Kafka;

namespace Tributary.Kafka;

/// <summary>
/// What a handler knows about the request it serves: its header, its connection, the listener it came in on (whose
/// advertised address Metadata and FindCoordinator hand out) and the authenticated principal.
/// </summary>
public sealed record RequestContext(RequestHeader Header, string ConnectionId, System.Net.EndPoint? RemoteEndPoint, AdvertisedListener Listener, string Principal);

/// <summary>
/// One Kafka API key, in its own file under Handlers/ (e.g. Handlers/Fetch.cs), each opening with
/// "Version notes". The versions a handler declares are what ApiVersions advertises: advertise exactly
/// what is implemented.
/// </summary>
public interface IKafkaHandler
{
    short ApiKey { get; }

    short LowestVersion { get; }

    short HighestVersion { get; }

    /// <summary>
    /// Handles a decoded request of <paramref name="version"/> and returns the response body, or null when
    /// the protocol sends no response (a produce with acks=0).
    /// </summary>
    ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage request, short version, CancellationToken cancellationToken);
}
