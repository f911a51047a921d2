using System.Globalization;
using Tributary.Msk.Messages;
using Tributary.Msk.State;

namespace Tributary.Msk.Handlers;

/// <summary>
/// DescribeConfigurationRevision (GET /v1/configurations/{arn}/revisions/{revision}): one revision with its server
/// properties as stored (base64 on the wire). A revision that is not a positive integer is BadRequestException; an
/// unknown configuration or revision NotFoundException.
/// </summary>
internal sealed class DescribeConfigurationRevision(MskRegistry registry) : IMskOperation
{
    public string Name => "DescribeConfigurationRevision";

    public Task<MskResponse> ExecuteAsync(MskRequest request)
    {
        var arn = request.Label("arn");
        if (!long.TryParse(request.Label("revision"), NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1)
        {
            throw MskException.BadRequest($"The revision {request.Label("revision")} is not a positive integer.", "revision");
        }
        var revision = registry.Revision(arn, number);
        return Task.FromResult(MskResponse.Ok(new DescribeConfigurationRevisionResponse(arn, revision.CreationTime, revision.Description, revision.Revision, revision.ServerProperties)));
    }
}
