using System.Text.Json;

namespace Tributary.Msk.Messages;

// CreateCluster's and CreateClusterV2's bodies (API reference: CreateCluster, CreateClusterV2, ProvisionedRequest).
// Members Tributary does not act on (monitoring, logging, storage mode) are not read; the security members are read to
// refuse what the listener cannot serve.

/// <summary>CreateCluster (v1) body; also the shape of CreateClusterV2's <c>provisioned</c> member, less the name and tags.</summary>
public class ProvisionedClusterRequest
{
    public BrokerNodeGroupRequest? BrokerNodeGroupInfo { get; set; }
    public JsonElement? ClientAuthentication { get; set; }
    public ConfigurationInfo? ConfigurationInfo { get; set; }
    public JsonElement? EncryptionInfo { get; set; }
    public string? KafkaVersion { get; set; }
    public int? NumberOfBrokerNodes { get; set; }
}

public sealed class CreateClusterRequest : ProvisionedClusterRequest
{
    public string? ClusterName { get; set; }
    public Dictionary<string, string>? Tags { get; set; }
}

public sealed class CreateClusterV2Request
{
    public string? ClusterName { get; set; }
    public ProvisionedClusterRequest? Provisioned { get; set; }
    public JsonElement? Serverless { get; set; }
    public Dictionary<string, string>? Tags { get; set; }
}

public sealed class BrokerNodeGroupRequest
{
    public List<string>? ClientSubnets { get; set; }
    public string? InstanceType { get; set; }
    public List<string>? SecurityGroups { get; set; }
}

public sealed record CreateClusterResponse(string ClusterArn, string ClusterName, string State);

public sealed record CreateClusterV2Response(string ClusterArn, string ClusterName, string ClusterType, string State);
