using Tributary.Broker;
using Tributary.Broker.Groups;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// AddPartitionsToTxn (key 24). Version notes: v0 the single-transaction form every client uses (librdkafka only
/// v0); v1 same; v2 may answer PRODUCER_FENCED (older versions get INVALID_PRODUCER_EPOCH); v3 flexible. v4/v5 (a
/// broker-to-broker batch of transactions, KIP-890) are not advertised: @platformatic/kafka would send that form
/// to a broker advertising it. One error per partition: an unknown partition fails with
/// UNKNOWN_TOPIC_OR_PARTITION and the others with OPERATION_NOT_ATTEMPTED; otherwise the coordinator's answer
/// (CONCURRENT_TRANSACTIONS while the previous transaction's markers are still being written for longer than it waits).
/// </summary>
public sealed class AddPartitionsToTxn(IBrokerApi broker) : IKafkaHandler
{
    public short ApiKey => AddPartitionsToTxnRequest.ApiKey;

    public short LowestVersion => 0;

    public short HighestVersion => 3;

    public async ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage message, short version, CancellationToken cancellationToken)
    {
        var request = (AddPartitionsToTxnRequest)message;
        var partitions = new List<TopicPartition>();
        foreach (var topic in request.Topics)
        {
            foreach (var partition in topic.Partitions)
            {
                partitions.Add(new TopicPartition(topic.Name, partition));
            }
        }
        var results = await broker.Transactions.AddPartitionsAsync(request.TransactionalId, request.ProducerId, request.ProducerEpoch, partitions).ConfigureAwait(false);
        var response = new AddPartitionsToTxnResponse();
        foreach (var (partition, error) in results)
        {
            if (response.Results.Count == 0 || response.Results[^1].Name != partition.Topic)
            {
                response.Results.Add(new AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult { Name = partition.Topic });
            }
            response.Results[^1].Results.Add(new AddPartitionsToTxnResponse.AddPartitionsToTxnPartitionResult
            {
                PartitionIndex = partition.Partition,
                ErrorCode = TransactionCommon.ForVersion(error, version, fencedSince: 2),
            });
        }
        return response;
    }
}
