using Tributary.Msk.Messages;
using Tributary.Msk.State;

namespace Tributary.Msk.Handlers;

/// <summary>
/// GetBootstrapBrokers (GET /v1/clusters/{clusterArn}/bootstrap-brokers): the cluster's advertised Kafka listener as the
/// plaintext bootstrap string; no TLS or SASL strings, as the listener serves neither. A created cluster that is not
/// ACTIVE has no listener: BadRequestException.
/// </summary>
internal sealed class GetBootstrapBrokers(MskRegistry registry) : IMskOperation
{
    public string Name => "GetBootstrapBrokers";

    public Task<MskResponse> ExecuteAsync(MskRequest request)
    {
        return Task.FromResult(MskResponse.Ok(new GetBootstrapBrokersResponse(registry.BootstrapBrokers(request.Label("clusterArn")))));
    }
}
