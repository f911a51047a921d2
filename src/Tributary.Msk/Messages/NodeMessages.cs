namespace Tributary.Msk.Messages;

// ListNodes and ListKafkaVersions shapes (MSK API reference).

public sealed record ListNodesResponse(IReadOnlyList<NodeInfo> NodeInfoList, string? NextToken);

public sealed record NodeInfo
{
    public required string AddedToClusterTime { get; init; }
    public required BrokerNodeInfo BrokerNodeInfo { get; init; }
    public required string InstanceType { get; init; }
    public required string NodeARN { get; init; }
    public required string NodeType { get; init; }
}

public sealed record BrokerNodeInfo
{
    /// <summary>A double in MSK's model (<c>__double</c>).</summary>
    public required double BrokerId { get; init; }
    public required string ClientVpcIpAddress { get; init; }
    public required BrokerSoftwareInfo CurrentBrokerSoftwareInfo { get; init; }
    public required IReadOnlyList<string> Endpoints { get; init; }
}

public sealed record KafkaVersionInfo(string Version, string Status);

public sealed record ListKafkaVersionsResponse(IReadOnlyList<KafkaVersionInfo> KafkaVersions, string? NextToken);
