using System.Text;
using System.Text.Json.Nodes;

namespace Tributary.Registry.Cluster;

/// <summary>
/// One registry instance as the group sees it (Confluent's <c>SchemaRegistryIdentity</c>): where its REST API is and
/// whether it may lead. Sent as the JoinGroup metadata of protocol type <c>sr</c>, as compact JSON.
/// </summary>
public sealed record RegistryIdentity(string Host, int Port, string Scheme, bool LeaderEligibility)
{
    public const int Version = 1;

    public string Url => $"{Scheme}://{Host}:{Port}";

    public JsonObject ToJson() => new()
    {
        ["version"] = Version,
        ["host"] = Host,
        ["port"] = Port,
        ["leader_eligibility"] = LeaderEligibility,
        ["scheme"] = Scheme,
    };

    public byte[] Encode() => Encoding.UTF8.GetBytes(ToJson().ToJsonString());

    /// <summary>Reads an identity; older registries spell the eligibility <c>master_eligibility</c>.</summary>
    public static RegistryIdentity Decode(ReadOnlySpan<byte> json) => FromJson(JsonNode.Parse(json) as JsonObject ?? throw new FormatException("registry identity is not a JSON object"));

    public static RegistryIdentity FromJson(JsonObject node) => new(
        node["host"]?.GetValue<string>() ?? throw new FormatException("registry identity without host"),
        node["port"]?.GetValue<int>() ?? throw new FormatException("registry identity without port"),
        node["scheme"]?.GetValue<string>() ?? "http",
        (node["leader_eligibility"] ?? node["master_eligibility"])?.GetValue<bool>() ?? false);
}

/// <summary>
/// The group leader's answer to every member (Confluent's <c>SchemaRegistryProtocol.Assignment</c>): an error (0 none,
/// 1 two members advertise the same URL), the elected leader's member id and identity, or no leader when no member is
/// eligible.
/// </summary>
public sealed record RegistryAssignment(short Error, string? LeaderMemberId, RegistryIdentity? Leader)
{
    public const short NoError = 0, DuplicateUrls = 1;

    public byte[] Encode()
    {
        var node = new JsonObject { ["version"] = RegistryIdentity.Version, ["error"] = Error, ["leader"] = LeaderMemberId, ["leader_identity"] = Leader?.ToJson() };
        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    public static RegistryAssignment Decode(ReadOnlySpan<byte> json)
    {
        var node = JsonNode.Parse(json) as JsonObject ?? throw new FormatException("registry assignment is not a JSON object");
        var identity = (node["leader_identity"] ?? node["master_identity"]) as JsonObject;
        return new RegistryAssignment(node["error"]?.GetValue<short>() ?? 0, (node["leader"] ?? node["master"])?.GetValue<string>(), identity is null ? null : RegistryIdentity.FromJson(identity));
    }

    /// <summary>
    /// The group leader's choice, as Confluent's coordinator makes it: among the eligible members, the one whose member
    /// id sorts first; none when no member is eligible; an error when two members advertise the same URL (forwarded
    /// writes could reach the wrong instance).
    /// </summary>
    public static RegistryAssignment Elect(IReadOnlyDictionary<string, RegistryIdentity> members)
    {
        if (members.Values.GroupBy(m => m.Url, StringComparer.Ordinal).Any(g => g.Count() > 1))
        {
            return new RegistryAssignment(DuplicateUrls, null, null);
        }
        var leader = members.Where(m => m.Value.LeaderEligibility).OrderBy(m => m.Key, StringComparer.Ordinal).FirstOrDefault();
        return leader.Value is null ? new RegistryAssignment(NoError, null, null) : new RegistryAssignment(NoError, leader.Key, leader.Value);
    }
}
