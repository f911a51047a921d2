using Tributary.Msk.State;

namespace Tributary.Msk.Handlers;

/// <summary>DescribeConfiguration (GET /v1/configurations/{arn}): the configuration with its latest revision; NotFoundException for an unknown ARN.</summary>
internal sealed class DescribeConfiguration(MskRegistry registry) : IMskOperation
{
    public string Name => "DescribeConfiguration";

    public Task<MskResponse> ExecuteAsync(MskRequest request) =>
        Task.FromResult(MskResponse.Ok(ConfigurationViews.Describe(registry.Configuration(request.Label("arn")))));
}
