using Tributary.Broker;
using Tributary.Kafka.Security.Authorization;
using Tributary.Protocol.Buffers;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// Fetch (key 1). Version notes: v4 is the first advertised (record batch v2; adds IsolationLevel,
/// LastStableOffset, AbortedTransactions); v5 LogStartOffset; v7 fetch sessions (answered with session id
/// 0: every fetch is a full fetch, which clients accept); v9 CurrentLeaderEpoch; v11 RackId and
/// PreferredReadReplica (-1); v12 flexible; v13 topics by id instead of name; v15 ReplicaState replaces
/// ReplicaId; v16 NodeEndpoints. Long-poll (MaxWaitMs/MinBytes), MaxBytes and PartitionMaxBytes are
/// applied by the broker. read_committed (IsolationLevel 1) returns data only below the last stable offset, with
/// the aborted transactions overlapping it (producer id, first offset) for the client to drop; read_uncommitted
/// gets a null aborted list, as Kafka sends.
/// </summary>
public sealed class Fetch(IBrokerApi broker) : IKafkaHandler
{
    private const int NoPreferredReplica = -1;

    public short ApiKey => FetchRequest.ApiKey;

    public short LowestVersion => 4;

    public short HighestVersion => 16;

    public async ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage message, short version, CancellationToken cancellationToken)
    {
        var request = (FetchRequest)message;
        var response = new FetchResponse();
        var wanted = new List<FetchPartitionRequest>();
        var slots = new List<FetchResponse.PartitionData>();
        foreach (var topic in request.Topics)
        {
            var name = topic.Topic;
            var topicResponse = new FetchResponse.FetchableTopicResponse { Topic = topic.Topic, TopicId = topic.TopicId };
            response.Responses.Add(topicResponse);
            string? resolved = version >= 13 ? broker.GetTopic(topic.TopicId)?.Name : name;
            var authorized = resolved is null || context.Allows(AclOperation.Read, AclResourceType.Topic, resolved);
            foreach (var partition in topic.Partitions)
            {
                var data = new FetchResponse.PartitionData
                {
                    PartitionIndex = partition.Partition,
                    HighWatermark = -1,
                    LastStableOffset = -1,
                    LogStartOffset = -1,
                    PreferredReadReplica = NoPreferredReplica,
                    AbortedTransactions = request.IsolationLevel == 0 ? null : [],
                    // Empty, never null: Kafka sends empty records even with an error, and librdkafka refuses a
                    // null record set (length -1) as a parse failure.
                    Records = ReadOnlyMemory<byte>.Empty,
                };
                topicResponse.Partitions.Add(data);
                if (resolved is null)
                {
                    data.ErrorCode = (short)ErrorCode.UnknownTopicId;
                    continue;
                }
                if (!authorized)
                {
                    data.ErrorCode = (short)ErrorCode.TopicAuthorizationFailed;
                    continue;
                }
                wanted.Add(new FetchPartitionRequest(resolved, partition.Partition, partition.FetchOffset, partition.PartitionMaxBytes));
                slots.Add(data);
            }
        }
        var maxBytes = version >= 3 ? request.MaxBytes : int.MaxValue;
        var isolation = request.IsolationLevel == 1 ? IsolationLevel.ReadCommitted : IsolationLevel.ReadUncommitted;
        var results = await broker.FetchAsync(wanted, request.MaxWaitMs, request.MinBytes, maxBytes, cancellationToken, isolation).ConfigureAwait(false);
        for (var i = 0; i < results.Count; i++)
        {
            var result = results[i];
            var data = slots[i];
            data.ErrorCode = (short)result.Error;
            data.HighWatermark = result.HighWatermark;
            data.LastStableOffset = result.LastStableOffset;
            data.LogStartOffset = result.LogStartOffset;
            if (result.AbortedTransactions is { } aborted && data.AbortedTransactions is { } list)
            {
                foreach (var transaction in aborted)
                {
                    list.Add(new FetchResponse.AbortedTransaction { ProducerId = transaction.ProducerId, FirstOffset = transaction.FirstOffset });
                }
            }
            if (result.Records is { } records)
            {
                if (records.IsEmpty)
                {
                    records.Dispose();
                }
                else
                {
                    // The file region is read straight into the response frame when it is encoded; the response
                    // holds the segment lease until then.
                    data.Records = response.Attach(new FileRegionBytes(records));
                }
            }
        }
        return response;
    }

    /// <summary>A log read as <see cref="DeferredBytes"/>: copied from the segment file once, by the encoder.</summary>
    private sealed class FileRegionBytes(FetchedRecords region) : DeferredBytes(region.Length)
    {
        public override void CopyTo(Span<byte> destination) => region.CopyTo(destination);

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            region.Dispose();
        }
    }
}
