using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// AddOffsetsToTxn (key 25). Version notes: v0/v1 the same; v2 may answer PRODUCER_FENCED (older versions get
/// INVALID_PRODUCER_EPOCH); v3 flexible; v4 may answer TRANSACTION_ABORTABLE (never here). Adds the group's
/// <c>__consumer_offsets</c> partition to the transaction, so its TxnOffsetCommit is settled by the markers.
/// </summary>
public sealed class AddOffsetsToTxn(Broker.IBrokerApi broker) : IKafkaHandler
{
    public short ApiKey => AddOffsetsToTxnRequest.ApiKey;

    public short LowestVersion => 0;

    public short HighestVersion => 4;

    public async ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage message, short version, CancellationToken cancellationToken)
    {
        var request = (AddOffsetsToTxnRequest)message;
        var error = await broker.Transactions.AddOffsetsAsync(request.TransactionalId, request.ProducerId, request.ProducerEpoch, request.GroupId).ConfigureAwait(false);
        return new AddOffsetsToTxnResponse { ErrorCode = TransactionCommon.ForVersion(error, version, fencedSince: 2) };
    }
}
