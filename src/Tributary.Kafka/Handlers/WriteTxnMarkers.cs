using Tributary.Broker.Groups;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// WriteTxnMarkers (key 27), v0–1 (v1 flexible). In Kafka the transaction coordinator sends it to partition leaders;
/// this single-node broker's coordinator writes its markers in-process, so the API serves admin tools that end a
/// hanging transaction (kafka-transactions.sh abort). Each partition is answered on its own: a marker is appended
/// and made durable, and all partitions of the request are written concurrently. Errors: UNKNOWN_TOPIC_OR_PARTITION,
/// INVALID_PRODUCER_EPOCH (the partition has seen a newer epoch of the producer, or the id/epoch is negative),
/// KAFKA_STORAGE_ERROR.
/// </summary>
public sealed class WriteTxnMarkers(Broker.IBrokerApi broker) : IKafkaHandler
{
    public short ApiKey => WriteTxnMarkersRequest.ApiKey;

    public short LowestVersion => 0;

    public short HighestVersion => 1;

    public async ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage message, short version, CancellationToken cancellationToken)
    {
        var request = (WriteTxnMarkersRequest)message;
        var writes = new List<(WriteTxnMarkersResponse.WritableTxnMarkerPartitionResult Result, Task<Broker.ErrorCode> Write)>();
        var response = new WriteTxnMarkersResponse();
        foreach (var marker in request.Markers)
        {
            var markerResult = new WriteTxnMarkersResponse.WritableTxnMarkerResult { ProducerId = marker.ProducerId };
            foreach (var topic in marker.Topics)
            {
                var topicResult = new WriteTxnMarkersResponse.WritableTxnMarkerTopicResult { Name = topic.Name };
                foreach (var partition in topic.PartitionIndexes)
                {
                    var result = new WriteTxnMarkersResponse.WritableTxnMarkerPartitionResult { PartitionIndex = partition };
                    topicResult.Partitions.Add(result);
                    writes.Add((result, broker.Transactions.WriteMarkerAsync(new TopicPartition(topic.Name, partition), marker.ProducerId, marker.ProducerEpoch, marker.TransactionResult, marker.CoordinatorEpoch).AsTask()));
                }
                markerResult.Topics.Add(topicResult);
            }
            response.Markers.Add(markerResult);
        }
        foreach (var (result, write) in writes)
        {
            result.ErrorCode = (short)await write.ConfigureAwait(false);
        }
        return response;
    }
}
