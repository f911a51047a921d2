using Tributary.Broker;
using Tributary.Kafka.Security;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// SaslHandshake (key 17). Version notes: v0 means raw SASL tokens follow; v1 means they follow in SaslAuthenticate
/// (KIP-152); the version is frozen at 1. On a SASL listener the connection's <see cref="Security.Sasl.SaslSession"/> answers
/// every handshake before it could reach a handler; a handshake that reaches this handler came in on a listener without
/// SASL (or was sent twice), and is answered as Kafka answers it there: ILLEGAL_SASL_STATE with the mechanisms list.
/// </summary>
public sealed class SaslHandshake(KafkaSecurityOptions security) : IKafkaHandler
{
    public short ApiKey => SaslHandshakeRequest.ApiKey;

    public short LowestVersion => 0;

    public short HighestVersion => 1;

    public ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage request, short version, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IKafkaMessage?>(new SaslHandshakeResponse { ErrorCode = (short)ErrorCode.IllegalSaslState, Mechanisms = [.. security.EnabledMechanisms] });
}
