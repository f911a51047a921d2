using Tributary.MskConnect.Messages;
using Tributary.MskConnect.State;

namespace Tributary.MskConnect.Handlers;

/// <summary>The stored resources in the API's description and summary shapes.</summary>
internal static class Views
{
    public static CustomPluginRevisionSummary Revision(StoredPluginRevision revision) => new(
        revision.ContentType, revision.CreationTime, revision.Description,
        revision.FileMd5 is null ? null : new CustomPluginFileDescription(revision.FileMd5, revision.FileSize ?? 0),
        new CustomPluginLocation { S3Location = new S3Location { BucketArn = revision.BucketArn, FileKey = revision.FileKey, ObjectVersion = revision.ObjectVersion } },
        revision.Revision);

    public static CustomPluginSummary PluginSummary(StoredPlugin plugin) =>
        new(plugin.CreationTime, plugin.Arn, plugin.State, plugin.Description, Revision(plugin.Revisions[^1]), plugin.Name);

    public static WorkerConfigurationRevisionSummary WorkerRevision(StoredWorkerConfigurationRevision revision) =>
        new(revision.CreationTime, revision.Description, revision.Revision);

    public static WorkerConfigurationSummary WorkerSummary(StoredWorkerConfiguration configuration) =>
        new(configuration.CreationTime, configuration.Description, WorkerRevision(configuration.Revisions[^1]), configuration.Name, configuration.Arn, "ACTIVE");

    public static ConnectorSummary ConnectorSummary(StoredConnector connector)
    {
        var spec = connector.Spec;
        return new ConnectorSummary(
            spec.Capacity!, connector.Arn, spec.ConnectorDescription, connector.Name, connector.State, connector.CreationTime,
            connector.CurrentVersion, spec.KafkaCluster!, spec.KafkaClusterClientAuthentication, spec.KafkaClusterEncryptionInTransit,
            spec.KafkaConnectVersion!, spec.Plugins!, spec.ServiceExecutionRoleArn, spec.WorkerConfiguration);
    }

    /// <summary>The list operations' paging: nextToken is the index of the next item; maxResults 1-100.</summary>
    public static (IReadOnlyList<T> Page, string? NextToken) Page<T>(IReadOnlyList<T> items, MskConnectRequest request)
    {
        var max = 100;
        if (request.QueryValue("maxResults") is { } maxText && (!int.TryParse(maxText, out max) || max is < 1 or > 100))
        {
            throw MskConnectException.BadRequest("maxResults must be between 1 and 100.");
        }
        var start = 0;
        if (request.QueryValue("nextToken") is { } token && (!int.TryParse(token, out start) || start < 0 || start > items.Count))
        {
            throw MskConnectException.BadRequest("nextToken is not valid.");
        }
        var page = items.Skip(start).Take(max).ToList();
        return (page, start + page.Count < items.Count ? (start + page.Count).ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
    }
}
