using Tributary.Broker;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// SaslAuthenticate (key 36). Version notes: v1 adds SessionLifetimeMs (KIP-368); v2 flexible. On a SASL listener the
/// connection's <see cref="Security.Sasl.SaslSession"/> answers it; one that reaches this handler has no exchange to belong
/// to and gets ILLEGAL_SASL_STATE.
/// </summary>
public sealed class SaslAuthenticate : IKafkaHandler
{
    public short ApiKey => SaslAuthenticateRequest.ApiKey;

    public short LowestVersion => 0;

    public short HighestVersion => 2;

    public ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage request, short version, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IKafkaMessage?>(new SaslAuthenticateResponse
        {
            ErrorCode = (short)ErrorCode.IllegalSaslState,
            ErrorMessage = "SaslAuthenticate outside a SASL exchange: this listener does not use SASL, or no SaslHandshake came first",
            AuthBytes = ReadOnlyMemory<byte>.Empty,
        });
}
