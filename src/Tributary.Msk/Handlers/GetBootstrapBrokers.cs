using Tributary.Msk.Messages;
using Tributary.Msk.State;

namespace Tributary.Msk.Handlers;

/// <summary>
/// GetBootstrapBrokers (GET /v1/clusters/{clusterArn}/bootstrap-brokers): the advertised Kafka listener as the
/// plaintext bootstrap string; no TLS or SASL strings, as the listener serves neither.
/// </summary>
internal sealed class GetBootstrapBrokers(MskRegistry registry) : IMskOperation
{
    public string Name => "GetBootstrapBrokers";

    public Task<MskResponse> ExecuteAsync(MskRequest request)
    {
        registry.Cluster(request.Label("clusterArn"));
        return Task.FromResult(MskResponse.Ok(new GetBootstrapBrokersResponse(registry.BootstrapBrokers)));
    }
}
