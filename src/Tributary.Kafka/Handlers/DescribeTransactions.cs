using Tributary.Broker;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// DescribeTransactions (key 65, KIP-664). Version notes: v0 only, flexible. One entry per requested id; an unknown
/// id gets TRANSACTIONAL_ID_NOT_FOUND. States carry Kafka's names (Empty, Ongoing, PrepareCommit, ...).
/// </summary>
public sealed class DescribeTransactions(IBrokerApi broker) : IKafkaHandler
{
    public short ApiKey => DescribeTransactionsRequest.ApiKey;

    public short LowestVersion => 0;

    public short HighestVersion => 0;

    public ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage message, short version, CancellationToken cancellationToken)
    {
        var request = (DescribeTransactionsRequest)message;
        var response = new DescribeTransactionsResponse();
        foreach (var id in request.TransactionalIds)
        {
            var entry = new DescribeTransactionsResponse.TransactionStateEntry { TransactionalId = id, ProducerId = -1, ProducerEpoch = -1, TransactionStartTimeMs = -1 };
            response.TransactionStates.Add(entry);
            if (broker.Transactions.Describe(id) is not { } description)
            {
                entry.ErrorCode = (short)ErrorCode.TransactionalIdNotFound;
                continue;
            }
            entry.TransactionState = description.Status.ToString();
            entry.TransactionTimeoutMs = description.TimeoutMs;
            entry.TransactionStartTimeMs = description.StartTimestamp;
            entry.ProducerId = description.ProducerId;
            entry.ProducerEpoch = description.ProducerEpoch;
            foreach (var group in description.Partitions.GroupBy(p => p.Topic, StringComparer.Ordinal))
            {
                entry.Topics.Add(new DescribeTransactionsResponse.TopicData { Topic = group.Key, Partitions = [.. group.Select(p => p.Partition)] });
            }
        }
        return ValueTask.FromResult<IKafkaMessage?>(response);
    }
}
