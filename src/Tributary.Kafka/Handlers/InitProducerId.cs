using Tributary.Broker;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// InitProducerId (key 22). Version notes: v0/v1 hand out a producer id and epoch for the idempotent
/// producer; v2 flexible; v3 lets a producer pass its current id and epoch (used by Kafka only for transactional ids); v4/v5 are
/// the same layout for newer clients. Without a transactional id every call gets a fresh producer id, whatever
/// id and epoch it passes (as Kafka does). Transactions are not supported: a non-null TransactionalId is
/// refused with TRANSACTIONAL_ID_AUTHORIZATION_FAILED (53), the error Kafka gives a client that may not use one.
/// </summary>
public sealed class InitProducerId(IBrokerApi broker) : IKafkaHandler
{
    private const short TransactionalIdAuthorizationFailed = 53;

    public short ApiKey => InitProducerIdRequest.ApiKey;

    public short LowestVersion => 0;

    public short HighestVersion => 5;

    public ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage message, short version, CancellationToken cancellationToken)
    {
        var request = (InitProducerIdRequest)message;
        var response = new InitProducerIdResponse { ProducerId = -1, ProducerEpoch = -1 };
        if (request.TransactionalId is not null)
        {
            response.ErrorCode = TransactionalIdAuthorizationFailed;
            return ValueTask.FromResult<IKafkaMessage?>(response);
        }
        // Without a transactional id Kafka ignores the ProducerId/ProducerEpoch a client passes (v3+) and hands
        // out a new producer id with epoch 0; @platformatic/kafka relies on this, sending 0/0 on first use.
        var result = broker.InitProducerId();
        response.ErrorCode = (short)result.Error;
        if (result.Error == ErrorCode.None)
        {
            response.ProducerId = result.ProducerId;
            response.ProducerEpoch = result.ProducerEpoch;
        }
        return ValueTask.FromResult<IKafkaMessage?>(response);
    }
}
