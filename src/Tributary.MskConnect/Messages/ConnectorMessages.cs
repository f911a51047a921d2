namespace Tributary.MskConnect.Messages;

// Connector shapes of the MSK Connect API reference. The request forms double as the stored and described forms:
// MSK's description shapes carry the same members (the VPC's lists, the policies' percentages).

public sealed class CreateConnectorRequest
{
    public Capacity? Capacity { get; set; }
    public Dictionary<string, string>? ConnectorConfiguration { get; set; }
    public string? ConnectorDescription { get; set; }
    public string? ConnectorName { get; set; }
    public KafkaCluster? KafkaCluster { get; set; }
    public KafkaClusterClientAuthentication? KafkaClusterClientAuthentication { get; set; }
    public KafkaClusterEncryptionInTransit? KafkaClusterEncryptionInTransit { get; set; }
    public string? KafkaConnectVersion { get; set; }
    public System.Text.Json.JsonElement? LogDelivery { get; set; }
    public List<Plugin>? Plugins { get; set; }
    public string? ServiceExecutionRoleArn { get; set; }
    public WorkerConfigurationReference? WorkerConfiguration { get; set; }
    public Dictionary<string, string>? Tags { get; set; }
}

public sealed class UpdateConnectorRequest
{
    public Capacity? Capacity { get; set; }
    public Dictionary<string, string>? ConnectorConfiguration { get; set; }
}

public sealed class Capacity
{
    public AutoScaling? AutoScaling { get; set; }
    public ProvisionedCapacity? ProvisionedCapacity { get; set; }
}

public sealed class AutoScaling
{
    public int? MaxWorkerCount { get; set; }
    public int? McuCount { get; set; }
    public int? MinWorkerCount { get; set; }
    public ScalePolicy? ScaleInPolicy { get; set; }
    public ScalePolicy? ScaleOutPolicy { get; set; }
}

public sealed class ScalePolicy
{
    public int? CpuUtilizationPercentage { get; set; }
}

public sealed class ProvisionedCapacity
{
    public int? McuCount { get; set; }
    public int? WorkerCount { get; set; }
}

public sealed class KafkaCluster
{
    public ApacheKafkaCluster? ApacheKafkaCluster { get; set; }
}

public sealed class ApacheKafkaCluster
{
    public string? BootstrapServers { get; set; }
    public Vpc? Vpc { get; set; }
}

public sealed class Vpc
{
    public List<string>? SecurityGroups { get; set; }
    public List<string>? Subnets { get; set; }
}

public sealed class KafkaClusterClientAuthentication
{
    public string? AuthenticationType { get; set; }
}

public sealed class KafkaClusterEncryptionInTransit
{
    public string? EncryptionType { get; set; }
}

public sealed class Plugin
{
    public CustomPluginReference? CustomPlugin { get; set; }
}

public sealed class CustomPluginReference
{
    public string? CustomPluginArn { get; set; }
    public long? Revision { get; set; }
}

public sealed class WorkerConfigurationReference
{
    public long? Revision { get; set; }
    public string? WorkerConfigurationArn { get; set; }
}

public sealed record CreateConnectorResponse(string ConnectorArn, string ConnectorName, string ConnectorState);

public sealed record DescribeConnectorResponse(
    Capacity Capacity, string ConnectorArn, Dictionary<string, string> ConnectorConfiguration, string? ConnectorDescription,
    string ConnectorName, string ConnectorState, string CreationTime, string CurrentVersion, KafkaCluster KafkaCluster,
    KafkaClusterClientAuthentication? KafkaClusterClientAuthentication, KafkaClusterEncryptionInTransit? KafkaClusterEncryptionInTransit,
    string KafkaConnectVersion, System.Text.Json.JsonElement? LogDelivery, IReadOnlyList<Plugin> Plugins, string? ServiceExecutionRoleArn,
    StateDescription? StateDescription, WorkerConfigurationReference? WorkerConfiguration);

public sealed record ConnectorSummary(
    Capacity Capacity, string ConnectorArn, string? ConnectorDescription, string ConnectorName, string ConnectorState,
    string CreationTime, string CurrentVersion, KafkaCluster KafkaCluster,
    KafkaClusterClientAuthentication? KafkaClusterClientAuthentication, KafkaClusterEncryptionInTransit? KafkaClusterEncryptionInTransit,
    string KafkaConnectVersion, IReadOnlyList<Plugin> Plugins, string? ServiceExecutionRoleArn, WorkerConfigurationReference? WorkerConfiguration);

public sealed record ListConnectorsResponse(IReadOnlyList<ConnectorSummary> Connectors, string? NextToken);

public sealed record UpdateConnectorResponse(string ConnectorArn, string ConnectorState, string ConnectorOperationArn);

public sealed record DeleteConnectorResponse(string ConnectorArn, string ConnectorState);
