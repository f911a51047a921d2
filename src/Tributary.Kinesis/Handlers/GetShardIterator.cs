using Tributary.Aws;

namespace Tributary.Kinesis.Handlers;

/// <summary>
/// GetShardIterator: ShardId*, ShardIteratorType* (AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, TRIM_HORIZON,
/// LATEST, AT_TIMESTAMP), StartingSequenceNumber (for the first two), Timestamp (for AT_TIMESTAMP; before the
/// trim horizon it means TRIM_HORIZON). Works on closed shards too. The iterator is valid for five minutes.
/// </summary>
public sealed partial class GetShardIterator(KinesisStreams streams) : KinesisOperation(streams)
{
    public override string Name => "GetShardIterator";

    public override IReadOnlyList<string> InputMembers { get; } = ["streamName", "shardId", "shardIteratorType", "startingSequenceNumber", "timestamp", "streamARN"];

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var body = request.Body;
        var validation = NewValidation();
        var shardId = body.GetString("ShardId");
        var type = body.GetString("ShardIteratorType");
        var startingSequence = body.GetString("StartingSequenceNumber");
        var timestamp = body.GetTimestampMilliseconds("Timestamp");
        ValidateShardId(validation, shardId, "shardId", required: true);
        validation.Required(type, "shardIteratorType").Enum(type, IteratorStart.Types, "shardIteratorType");
        validation.Pattern(startingSequence, SequenceNumberRegex(), "0|([1-9]\\d{0,128})", "startingSequenceNumber");
        var stream = ResolveStream(body, validation);
        var shard = Streams.GetShard(stream, shardId!);
        var offset = IteratorStart.Resolve(Streams, stream, shard, type!, startingSequence, timestamp);
        response.WriteString("ShardIterator", ShardIterator.Encode(new ShardPosition(stream.Name, stream.SequenceEpoch, shard.Index, offset, Streams.NowMs)));
        return ValueTask.CompletedTask;
    }

    [System.Text.RegularExpressions.GeneratedRegex("^(?:0|([1-9]\\d{0,128}))\\z")]
    private static partial System.Text.RegularExpressions.Regex SequenceNumberRegex();
}
