namespace Tributary.MskConnect.Messages;

// Custom plugin shapes of the MSK Connect API reference (CreateCustomPlugin, DescribeCustomPlugin, ListCustomPlugins,
// DeleteCustomPlugin). Request members are nullable so that a missing required member is told apart.

public sealed class CreateCustomPluginRequest
{
    public string? ContentType { get; set; }
    public string? Description { get; set; }
    public CustomPluginLocation? Location { get; set; }
    public string? Name { get; set; }
    public Dictionary<string, string>? Tags { get; set; }
}

public sealed class CustomPluginLocation
{
    public S3Location? S3Location { get; set; }
}

public sealed class S3Location
{
    public string? BucketArn { get; set; }
    public string? FileKey { get; set; }
    public string? ObjectVersion { get; set; }
}

public sealed record CreateCustomPluginResponse(string CustomPluginArn, string CustomPluginState, string Name, long Revision);

public sealed record StateDescription(string Code, string Message);

public sealed record CustomPluginFileDescription(string FileMd5, long FileSize);

public sealed record CustomPluginRevisionSummary(
    string ContentType, string CreationTime, string? Description, CustomPluginFileDescription? FileDescription,
    CustomPluginLocation Location, long Revision);

public sealed record DescribeCustomPluginResponse(
    string CreationTime, string CustomPluginArn, string CustomPluginState, string? Description,
    CustomPluginRevisionSummary LatestRevision, string Name, StateDescription? StateDescription);

public sealed record CustomPluginSummary(
    string CreationTime, string CustomPluginArn, string CustomPluginState, string? Description,
    CustomPluginRevisionSummary LatestRevision, string Name);

public sealed record ListCustomPluginsResponse(IReadOnlyList<CustomPluginSummary> CustomPlugins, string? NextToken);

public sealed record DeleteCustomPluginResponse(string CustomPluginArn, string CustomPluginState);
