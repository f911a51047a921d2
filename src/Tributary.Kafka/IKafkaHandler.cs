using Tributary.Kafka.Security.Authorization;
using Tributary.Protocol.Kafka;

namespace Tributary.Kafka;

/// <summary>
/// What a handler knows about the request it serves: its header, its connection, the listener it came in on (whose
/// advertised address Metadata and FindCoordinator hand out), the authenticated principal, and the connection's
/// authorization (null when ACLs are off: then everything is allowed and a check costs one null test).
/// </summary>
public sealed record RequestContext(RequestHeader Header, string ConnectionId, System.Net.EndPoint? RemoteEndPoint, AdvertisedListener Listener, string Principal,
    ConnectionAuthorization? Authorization = null)
{
    /// <summary>Whether the principal may do <paramref name="operation"/> on the resource (Kafka's authorization table).</summary>
    public bool Allows(AclOperation operation, AclResourceType type, string name) =>
        Authorization is null || Authorization.Allows(Principal, operation, type, name);

    /// <summary>The cluster resource check (CLUSTER kafka-cluster).</summary>
    public bool AllowsCluster(AclOperation operation) => Allows(operation, AclResourceType.Cluster, AclBinding.ClusterName);
}

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
