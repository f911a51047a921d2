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

    public override IReadOnlyList<string> InputMembers { get; } = ["shardIterator", "limit", "streamARN"];

    public override async ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var body = request.Body;
        var validation = NewValidation();
        var iterator = body.GetString("ShardIterator");
        var limit = body.GetInt32("Limit");
        validation.Required(iterator, "shardIterator").Length(iterator, 1, 512, "shardIterator");
        validation.Range(limit, 1, 10000, "limit");
        ValidateStreamArn(validation, body.GetString("StreamARN"), "streamARN");
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
            RecordWriter.WriteChildShards(response, stream, shard);
        }
        else
        {
            response.WriteString("NextShardIterator", ShardIterator.Encode(position with { Offset = outcome.NextOffset, IssuedAtMs = now }));
        }
        response.WriteNumber("MillisBehindLatest", outcome.MillisBehindLatest);
    }
}
