using Tributary.Broker;
using Tributary.Broker.Groups;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// TxnOffsetCommit (key 28), sent to the group coordinator. Version notes: v0/v1 the same; v2 adds
/// CommittedLeaderEpoch; v3 flexible, with the member's generation, member id and group instance id (KIP-447:
/// checked like OffsetCommit when given); v4 may answer TRANSACTION_ABORTABLE (never here). The group's offsets
/// partition must have been added (AddOffsetsToTxn), else INVALID_TXN_STATE. The offsets are committed when
/// the transaction commits. One error per partition.
/// </summary>
public sealed class TxnOffsetCommit(IBrokerApi broker, TimeProvider time) : IKafkaHandler
{
    public short ApiKey => TxnOffsetCommitRequest.ApiKey;

    public short LowestVersion => 0;

    public short HighestVersion => 4;

    public async ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage message, short version, CancellationToken cancellationToken)
    {
        var request = (TxnOffsetCommitRequest)message;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var offsets = new List<(TopicPartition Partition, CommittedOffset Offset)>();
        foreach (var topic in request.Topics)
        {
            foreach (var partition in topic.Partitions)
            {
                offsets.Add((new TopicPartition(topic.Name, partition.PartitionIndex), new CommittedOffset(partition.CommittedOffset, version >= 2 ? partition.CommittedLeaderEpoch : -1, partition.CommittedMetadata ?? "", now)));
            }
        }
        var generation = version >= 3 ? request.GenerationId : -1;
        var memberId = version >= 3 ? request.MemberId : "";
        var results = await broker.Transactions.CommitOffsetsAsync(request.TransactionalId, request.GroupId, request.ProducerId, request.ProducerEpoch, generation, memberId, version >= 3 ? request.GroupInstanceId : null, offsets).ConfigureAwait(false);
        var response = new TxnOffsetCommitResponse();
        foreach (var (partition, error) in results)
        {
            if (response.Topics.Count == 0 || response.Topics[^1].Name != partition.Topic)
            {
                response.Topics.Add(new TxnOffsetCommitResponse.TxnOffsetCommitResponseTopic { Name = partition.Topic });
            }
            response.Topics[^1].Partitions.Add(new TxnOffsetCommitResponse.TxnOffsetCommitResponsePartition { PartitionIndex = partition.Partition, ErrorCode = (short)error });
        }
        return response;
    }
}
