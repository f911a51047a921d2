namespace Tributary.Msk.Messages;

// MSK configuration shapes (API reference: Configuration, ConfigurationRevision and the operations' bodies).

public sealed class CreateConfigurationRequest
{
    public string? Description { get; set; }
    public List<string>? KafkaVersions { get; set; }
    public string? Name { get; set; }
    /// <summary>The server.properties text; base64 on the wire (a blob).</summary>
    public byte[]? ServerProperties { get; set; }
}

public sealed class UpdateConfigurationRequest
{
    public string? Description { get; set; }
    public byte[]? ServerProperties { get; set; }
}

public sealed record ConfigurationRevision(string CreationTime, string? Description, long Revision);

public sealed record Configuration
{
    public required string Arn { get; init; }
    public required string CreationTime { get; init; }
    public required string Description { get; init; }
    public required IReadOnlyList<string> KafkaVersions { get; init; }
    public required ConfigurationRevision LatestRevision { get; init; }
    public required string Name { get; init; }
    public required string State { get; init; }
}

public sealed record CreateConfigurationResponse(string Arn, string CreationTime, ConfigurationRevision LatestRevision, string Name, string State);

public sealed record UpdateConfigurationResponse(string Arn, ConfigurationRevision LatestRevision);

public sealed record DeleteConfigurationResponse(string Arn, string State);

public sealed record ListConfigurationsResponse(IReadOnlyList<Configuration> Configurations, string? NextToken);

public sealed record ListConfigurationRevisionsResponse(IReadOnlyList<ConfigurationRevision> Revisions, string? NextToken);

public sealed record DescribeConfigurationRevisionResponse(string Arn, string CreationTime, string? Description, long Revision, byte[] ServerProperties);
