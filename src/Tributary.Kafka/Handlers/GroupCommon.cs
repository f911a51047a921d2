using System.Net;

namespace Tributary.Kafka.Handlers;

/// <summary>What the group handlers share: the client identity Kafka records for members, and ACL answers.</summary>
internal static class GroupCommon
{
    /// <summary>Kafka's "not requested" value of AuthorizedOperations.</summary>
    public const int AuthorizedOperationsOmitted = int.MinValue;

    /// <summary>Without ACLs every group operation is allowed: READ (3), DELETE (6), DESCRIBE (8).</summary>
    public const int AllGroupOperations = (1 << 3) | (1 << 6) | (1 << 8);

    /// <summary>The client host as Kafka records it for a member: "/" and the address.</summary>
    public static string ClientHost(RequestContext context) => context.RemoteEndPoint switch
    {
        IPEndPoint ip => "/" + (ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address),
        { } other => "/" + other,
        null => "",
    };

    public static string ClientId(RequestContext context) => context.Header.ClientId ?? "";
}
