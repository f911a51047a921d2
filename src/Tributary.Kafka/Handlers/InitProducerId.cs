using Tributary.Broker;
using Tributary.Kafka.Security.Authorization;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// InitProducerId (key 22). Version notes: v0/v1 hand out a producer id and epoch; v2 flexible; v3 lets a producer
/// pass its current id and epoch (KIP-360: a transactional producer resumes, or is told it was fenced); v4 may
/// answer PRODUCER_FENCED (older versions get INVALID_PRODUCER_EPOCH); v5 may answer TRANSACTION_ABORTABLE (never
/// here). Without a transactional id every call gets a fresh producer id, whatever id and epoch it passes (as Kafka
/// does); with one, the transaction coordinator answers (a new id or the next epoch, fencing older producers; an
/// open transaction is aborted first and CONCURRENT_TRANSACTIONS tells the client to retry). An empty
/// transactional id is INVALID_REQUEST.
/// </summary>
public sealed class InitProducerId(IBrokerApi broker) : IKafkaHandler
{
    public short ApiKey => InitProducerIdRequest.ApiKey;

    public short LowestVersion => 0;

    public short HighestVersion => 5;

    public async ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage message, short version, CancellationToken cancellationToken)
    {
        var request = (InitProducerIdRequest)message;
        var response = new InitProducerIdResponse { ProducerId = -1, ProducerEpoch = -1 };
        ProducerIdResult result;
        if (request.TransactionalId is { } id ? !context.Allows(AclOperation.Write, AclResourceType.TransactionalId, id) : !context.AllowsCluster(AclOperation.IdempotentWrite) && !MayWriteSomeTopic(context))
        {
            response.ErrorCode = (short)(request.TransactionalId is null ? ErrorCode.ClusterAuthorizationFailed : ErrorCode.TransactionalIdAuthorizationFailed);
            return response;
        }
        if (request.TransactionalId is { } transactionalId)
        {
            result = await broker.Transactions.InitProducerIdAsync(transactionalId, request.TransactionTimeoutMs, version >= 3 ? request.ProducerId : -1, version >= 3 ? request.ProducerEpoch : (short)-1).ConfigureAwait(false);
        }
        else
        {
            // Without a transactional id Kafka ignores the ProducerId/ProducerEpoch a client passes (v3+) and hands
            // out a new producer id with epoch 0; @platformatic/kafka relies on this, sending 0/0 on first use.
            result = broker.InitProducerId();
        }
        response.ErrorCode = TransactionCommon.ForVersion(result.Error, version, fencedSince: 4);
        if (result.Error == ErrorCode.None)
        {
            response.ProducerId = result.ProducerId;
            response.ProducerEpoch = result.ProducerEpoch;
        }
        return response;
    }

    /// <summary>Kafka 3.0+ lets a producer with WRITE on any topic be idempotent without IDEMPOTENT_WRITE on the cluster.</summary>
    private static bool MayWriteSomeTopic(RequestContext context) =>
        context.Authorization is { } authorization && authorization.Authorizer.AuthorizeAnyOfType(context.Principal, authorization.Host, AclOperation.Write, AclResourceType.Topic);
}
