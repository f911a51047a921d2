using Tributary.Broker;
using Tributary.Broker.Transactions;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// ListTransactions (key 66, KIP-664). Version notes: v0 filters by state names and producer ids (empty = all);
/// v1 adds DurationFilter (KIP-994: only transactions running at least that long, -1 = all). A state name this
/// broker does not know is echoed in UnknownStateFilters.
/// </summary>
public sealed class ListTransactions(IBrokerApi broker, TimeProvider time) : IKafkaHandler
{
    public short ApiKey => ListTransactionsRequest.ApiKey;

    public short LowestVersion => 0;

    public short HighestVersion => 1;

    public ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage message, short version, CancellationToken cancellationToken)
    {
        var request = (ListTransactionsRequest)message;
        var response = new ListTransactionsResponse();
        var states = new HashSet<TransactionStatus>();
        foreach (var name in request.StateFilters)
        {
            if (Enum.TryParse<TransactionStatus>(name, ignoreCase: false, out var status) && Enum.IsDefined(status))
            {
                states.Add(status);
            }
            else
            {
                response.UnknownStateFilters.Add(name);
            }
        }
        var producers = request.ProducerIdFilters.ToHashSet();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var minimumDuration = version >= 1 ? request.DurationFilter : -1;
        foreach (var description in broker.Transactions.List())
        {
            if ((request.StateFilters.Count > 0 && !states.Contains(description.Status))
                || (producers.Count > 0 && !producers.Contains(description.ProducerId))
                || (minimumDuration >= 0 && (description.StartTimestamp < 0 || now - description.StartTimestamp < minimumDuration)))
            {
                continue;
            }
            response.TransactionStates.Add(new ListTransactionsResponse.TransactionStateEntry
            {
                TransactionalId = description.TransactionalId,
                ProducerId = description.ProducerId,
                TransactionState = description.Status.ToString(),
            });
        }
        return ValueTask.FromResult<IKafkaMessage?>(response);
    }
}
