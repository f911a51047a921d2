using System.Runtime.InteropServices;
using Tributary.Broker;
using Tributary.Kafka.Security.Authorization;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// Produce (key 0). Version notes: v3 is the first with record batch v2 (magic 2) and TransactionalId;
/// older versions carry message sets (magic 0/1) that Tributary does not store, so they are not
/// advertised (librdkafka and kafka-python use magic 2 when Produce ≥ 3 and Fetch ≥ 4 exist); v5 adds
/// LogStartOffset; v8 RecordErrors and ErrorMessage; v9 flexible; v10 tagged CurrentLeader/NodeEndpoints
/// (only sent on NOT_LEADER errors, never here); v11 is v10 for KIP-890 clients. Each partition carries
/// exactly one batch. acks=0 gets no response at all.
/// </summary>
public sealed class Produce(IBrokerApi broker) : IKafkaHandler
{
    public short ApiKey => ProduceRequest.ApiKey;

    public short LowestVersion => 3;

    public short HighestVersion => 11;

    public async ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage message, short version, CancellationToken cancellationToken)
    {
        var request = (ProduceRequest)message;
        var acks = request.Acks;
        var validAcks = acks is 0 or 1 or -1;
        var pending = new List<(ProduceResponse.PartitionProduceResponse Result, ValueTask<ProduceResult> Task)>();
        var response = new ProduceResponse();
        foreach (var topic in request.TopicData)
        {
            var topicResponse = new ProduceResponse.TopicProduceResponse { Name = topic.Name };
            response.Responses.Add(topicResponse);
            // Internal topics (__consumer_offsets) are written by the broker only, as in Kafka; reserved ones by their owner.
            var internalTopic = broker.GetTopic(topic.Name)?.IsInternal == true;
            var reserved = ReservedTopics.Refusal(broker, topic.Name);
            var authorized = context.Allows(AclOperation.Write, AclResourceType.Topic, topic.Name);
            foreach (var partition in topic.PartitionData)
            {
                var result = new ProduceResponse.PartitionProduceResponse { Index = partition.Index, BaseOffset = -1, LogAppendTimeMs = -1, LogStartOffset = -1 };
                topicResponse.PartitionResponses.Add(result);
                if (!validAcks)
                {
                    result.ErrorCode = (short)ErrorCode.InvalidRequiredAcks;
                    continue;
                }
                if (!authorized)
                {
                    result.ErrorCode = (short)ErrorCode.TopicAuthorizationFailed;
                    continue;
                }
                if (reserved is { } refusal)
                {
                    result.ErrorCode = (short)refusal.Error;
                    result.ErrorMessage = refusal.Message;
                    continue;
                }
                if (internalTopic)
                {
                    result.ErrorCode = (short)ErrorCode.InvalidTopicException;
                    result.ErrorMessage = $"Cannot append to internal topic {topic.Name}.";
                    continue;
                }
                if (partition.Records is not { } records || records.Length == 0)
                {
                    result.ErrorCode = (short)ErrorCode.InvalidRecord;
                    result.ErrorMessage = "A produce request must carry one record batch per partition.";
                    continue;
                }
                // The batch lives in this request's frame buffer, which the transport owns until we answer;
                // the broker rewrites its base offset in place before writing it.
                pending.Add((result, broker.ProduceAsync(topic.Name, partition.Index, MemoryMarshal.AsMemory(records), (Acks)acks, cancellationToken)));
            }
        }
        foreach (var (result, task) in pending)
        {
            var outcome = await task.ConfigureAwait(false);
            result.ErrorCode = (short)outcome.Error;
            result.ErrorMessage = outcome.ErrorMessage;
            if (outcome.RecordErrors is { } recordErrors)
            {
                // KIP-467 (v8+; older versions do not carry the list and send only the error code).
                foreach (var error in recordErrors)
                {
                    result.RecordErrors.Add(new ProduceResponse.BatchIndexAndErrorMessage { BatchIndex = error.BatchIndex, BatchIndexErrorMessage = error.Message });
                }
            }
            if (outcome.Error == ErrorCode.None)
            {
                result.BaseOffset = outcome.BaseOffset;
                result.LogAppendTimeMs = outcome.LogAppendTime;
                result.LogStartOffset = outcome.LogStartOffset;
            }
        }
        return acks == 0 ? null : response;
    }
}
