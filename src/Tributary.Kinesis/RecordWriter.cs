using Tributary.Aws;

namespace Tributary.Kinesis;

/// <summary>
/// AWS's Record shape, the one writer GetRecords and SubscribeToShard's events share: SequenceNumber,
/// ApproximateArrivalTimestamp, Data, PartitionKey, and EncryptionType when the stream is encrypted (AWS omits it
/// otherwise). The sequence number is formatted on the stack: no allocation per record.
/// </summary>
internal readonly struct RecordWriter(AwsResponseWriter response, StreamState stream, ShardState shard) : IRecordSink
{
    public void Write(long offset, long arrivalMs, ReadOnlySpan<byte> partitionKey, ReadOnlySpan<byte> data)
    {
        Span<byte> sequence = stackalloc byte[SequenceNumber.Length];
        SequenceNumber.Write(sequence, stream.SequenceEpoch, shard.Index, offset, arrivalMs);
        response.WriteStartObject();
        response.WriteUtf8String("SequenceNumber", sequence);
        response.WriteTimestamp("ApproximateArrivalTimestamp", arrivalMs);
        response.WriteBlob("Data", data);
        response.WriteUtf8String("PartitionKey", partitionKey);
        if (stream.EncryptionType != "NONE")
        {
            response.WriteString("EncryptionType", stream.EncryptionType);
        }
        response.WriteEndObject();
    }

    /// <summary>ChildShards: the shards whose parent or adjacent parent is <paramref name="shard"/>, each with both parents.</summary>
    public static void WriteChildShards(AwsResponseWriter response, StreamState stream, ShardState shard)
    {
        response.WriteStartArray("ChildShards");
        lock (stream.Lock)
        {
            foreach (var child in stream.Shards)
            {
                if (child.ParentShardId != shard.Id && child.AdjacentParentShardId != shard.Id)
                {
                    continue;
                }
                response.WriteStartObject();
                response.WriteString("ShardId", child.Id);
                response.WriteStartArray("ParentShards");
                response.WriteStringValue(child.ParentShardId!);
                if (child.AdjacentParentShardId is not null)
                {
                    response.WriteStringValue(child.AdjacentParentShardId);
                }
                response.WriteEndArray();
                response.WriteStartObject("HashKeyRange");
                response.WriteString("StartingHashKey", HashKey.Format(child.HashStart));
                response.WriteString("EndingHashKey", HashKey.Format(child.HashEnd));
                response.WriteEndObject();
                response.WriteEndObject();
            }
        }
        response.WriteEndArray();
    }
}
