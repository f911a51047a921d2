using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// EndTxn (key 26). Version notes: v0/v1 the same; v2 may answer PRODUCER_FENCED (older versions get
/// INVALID_PRODUCER_EPOCH); v3 flexible; v4 may answer TRANSACTION_ABORTABLE (never here). v5 (transactions v2:
/// an epoch bump per transaction, KIP-890 part 2) is not advertised; no target client speaks it. Answered once
/// PrepareCommit/PrepareAbort is durable; the markers follow. EndTxn without an open transaction is
/// INVALID_TXN_STATE; a retry of a finished one answers as the first did.
/// </summary>
public sealed class EndTxn(Broker.IBrokerApi broker) : IKafkaHandler
{
    public short ApiKey => EndTxnRequest.ApiKey;

    public short LowestVersion => 0;

    public short HighestVersion => 4;

    public async ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage message, short version, CancellationToken cancellationToken)
    {
        var request = (EndTxnRequest)message;
        var error = await broker.Transactions.EndTransactionAsync(request.TransactionalId, request.ProducerId, request.ProducerEpoch, request.Committed).ConfigureAwait(false);
        return new EndTxnResponse { ErrorCode = TransactionCommon.ForVersion(error, version, fencedSince: 2) };
    }
}
