using Tributary.Aws;

namespace Tributary.Kinesis.Handlers;

/// <summary>
/// GetRecords: ShardIterator*, Limit (1–10000, default 10000). Returns Records (SequenceNumber,
/// ApproximateArrivalTimestamp, Data, PartitionKey), NextShardIterator, MillisBehindLatest; once a closed shard
/// is drained, NextShardIterator is absent and ChildShards names the shards that took over its range (the
/// consumer must drain a parent before reading its children, which is what keeps per-key order across resharding).
/// An iterator older than five minutes gives ExpiredIteratorException; one that is not ours, InvalidArgumentException.
/// </summary>
public sealed class GetRecords(KinesisStreams streams) : KinesisOperation(streams)
{
    public override string Name => "GetRecords";

    public override async ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var body = request.Body;
        var validation = new AwsValidation();
        var iterator = body.GetString("ShardIterator");
        var limit = body.GetInt64("Limit");
        validation.Required(iterator, "shardIterator").Length(iterator, 1, 512, "shardIterator");
        validation.Range(limit, 1, 10000, "limit");
        validation.ThrowIfAny();
        if (!ShardIterator.TryDecode(iterator, out var position))
        {
            throw AwsErrorException.InvalidArgument("Invalid ShardIterator.");
        }
        var now = Streams.NowMs;
        if (now - position.IssuedAtMs > ShardIterator.LifetimeMs)
        {
            throw KinesisErrors.ExpiredIterator($"Iterator expired. The iterator was created at time {DateTimeOffset.FromUnixTimeMilliseconds(position.IssuedAtMs):ddd MMM dd HH:mm:ss 'UTC' yyyy} while right now it is {DateTimeOffset.FromUnixTimeMilliseconds(now):ddd MMM dd HH:mm:ss 'UTC' yyyy} which is further in the future than the tolerated delay of {ShardIterator.LifetimeMs} milliseconds.");
        }
        var stream = Streams.Resolve(position.StreamName, null);
        if (stream.SequenceEpoch != position.StreamEpoch)
        {
            throw KinesisErrors.StreamNotFound(position.StreamName, Streams.Options.AccountId);
        }
        var shard = Streams.GetShard(stream, ShardId.Format(position.ShardIndex));
        Streams.CheckReadLimit(stream, shard);
        response.WriteStartArray("Records");
        var outcome = await Streams.ReadAsync(stream, shard, position.Offset, (int)(limit ?? KinesisStreams.MaxRecordsPerRead), new RecordWriter(response, stream, shard), request.Aborted).ConfigureAwait(false);
        response.WriteEndArray();
        if (outcome.ShardEnded)
        {
            WriteChildShards(response, stream, shard);
        }
        else
        {
            response.WriteString("NextShardIterator", ShardIterator.Encode(position with { Offset = outcome.NextOffset, IssuedAtMs = now }));
        }
        response.WriteNumber("MillisBehindLatest", outcome.MillisBehindLatest);
    }

    /// <summary>ChildShards: the shards whose parent or adjacent parent is <paramref name="shard"/>, each with both parents.</summary>
    internal static void WriteChildShards(AwsResponseWriter response, StreamState stream, ShardState shard)
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

    /// <summary>Writes each record as AWS's Record shape, formatting the sequence number on the stack.</summary>
    private readonly struct RecordWriter(AwsResponseWriter response, StreamState stream, ShardState shard) : IRecordSink
    {
        public void Write(long offset, long arrivalMs, ReadOnlySpan<byte> partitionKey, ReadOnlySpan<byte> data)
        {
            Span<byte> sequence = stackalloc byte[SequenceNumber.Length];
            SequenceNumber.Write(sequence, stream.SequenceEpoch, shard.Index, offset);
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
    }
}
