using Tributary.Msk.Messages;
using Tributary.Msk.State;

namespace Tributary.Msk.Handlers;

/// <summary>Stored configurations in MSK's shapes; shared by the configuration handlers.</summary>
internal static class ConfigurationViews
{
    public static Configuration Describe(StoredConfiguration configuration) => new()
    {
        Arn = configuration.Arn,
        CreationTime = configuration.CreationTime,
        Description = configuration.Description,
        KafkaVersions = configuration.KafkaVersions,
        LatestRevision = Revision(configuration.Revisions[^1]),
        Name = configuration.Name,
        State = "ACTIVE",
    };

    public static ConfigurationRevision Revision(StoredRevision revision) => new(revision.CreationTime, revision.Description, revision.Revision);

    /// <summary>The server properties of a create or update request: required and not empty (BadRequestException).</summary>
    public static byte[] RequiredProperties(byte[]? serverProperties) =>
        serverProperties is { Length: > 0 } ? serverProperties : throw MskException.BadRequest("serverProperties is required.", "serverProperties");
}
