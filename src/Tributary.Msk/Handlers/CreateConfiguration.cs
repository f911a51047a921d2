using System.Text.RegularExpressions;
using Tributary.Msk.Messages;
using Tributary.Msk.State;

namespace Tributary.Msk.Handlers;

/// <summary>
/// CreateConfiguration (POST /v1/configurations): a configuration with revision 1. MSK's checks: name and
/// serverProperties required, the name of letters, digits and hyphens starting with a letter or digit, the properties
/// well formed and settable (BadRequestException, <see cref="Properties.ServerProperties"/>); a name already taken is
/// ConflictException.
/// </summary>
internal sealed partial class CreateConfiguration(MskRegistry registry) : IMskOperation
{
    public string Name => "CreateConfiguration";

    public Task<MskResponse> ExecuteAsync(MskRequest request)
    {
        var body = request.ReadBody<CreateConfigurationRequest>();
        if (string.IsNullOrEmpty(body.Name))
        {
            throw MskException.BadRequest("name is required.", "name");
        }
        if (!ConfigurationName().IsMatch(body.Name))
        {
            throw MskException.BadRequest($"The name {body.Name} is not valid: use letters, digits and hyphens, starting with a letter or digit.", "name");
        }
        var properties = ConfigurationViews.RequiredProperties(body.ServerProperties);
        var versions = body.KafkaVersions ?? [];
        if (versions.Any(string.IsNullOrWhiteSpace))
        {
            throw MskException.BadRequest("kafkaVersions must not contain empty versions.", "kafkaVersions");
        }
        var configuration = registry.CreateConfiguration(body.Name, body.Description, versions, properties);
        var revision = ConfigurationViews.Revision(configuration.Revisions[^1]);
        return Task.FromResult(MskResponse.Ok(new CreateConfigurationResponse(configuration.Arn, configuration.CreationTime, revision, configuration.Name, "ACTIVE")));
    }

    [GeneratedRegex("^[0-9A-Za-z][0-9A-Za-z-]{0,63}$")]
    private static partial Regex ConfigurationName();
}
