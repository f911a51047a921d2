using Tributary.Msk.Messages;
using Tributary.Msk.State;

namespace Tributary.Msk.Handlers;

/// <summary>ListKafkaVersions (GET /v1/kafka-versions): the one version the embedded broker implements, ACTIVE.</summary>
internal sealed class ListKafkaVersions(MskRegistry registry) : IMskOperation
{
    public string Name => "ListKafkaVersions";

    public Task<MskResponse> ExecuteAsync(MskRequest request)
    {
        var (page, next) = Paging.Page<KafkaVersionInfo>([new KafkaVersionInfo(registry.Options.KafkaVersion, "ACTIVE")], request);
        return Task.FromResult(MskResponse.Ok(new ListKafkaVersionsResponse(page, next)));
    }
}
