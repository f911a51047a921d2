using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// ApiVersions (key 18). Version notes: v0 lists api keys with min/max; v1 adds ThrottleTimeMs; v3 is
/// flexible and carries the client's software name/version (and tagged feature fields we leave empty).
/// The response always uses response header v0 (KIP-511); an unsupported request version is answered by
/// the processor in the v0 layout with UNSUPPORTED_VERSION (35). librdkafka sends v3 first; kafkajs tries
/// v2 → v1 → v0; kafka-python sends v0.
/// </summary>
public sealed class ApiVersions(KafkaHandlerRegistry registry) : IKafkaHandler
{
    public short ApiKey => ApiVersionsRequest.ApiKey;

    public short LowestVersion => 0;

    public short HighestVersion => 3;

    public ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage request, short version, CancellationToken cancellationToken)
    {
        var response = new ApiVersionsResponse();
        foreach (var (key, lowest, highest) in registry.Advertised)
        {
            response.ApiKeys.Add(new ApiVersionsResponse.ApiVersion { ApiKey = key, MinVersion = lowest, MaxVersion = highest });
        }
        return ValueTask.FromResult<IKafkaMessage?>(response);
    }
}
