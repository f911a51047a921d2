using Tributary.Aws;

namespace Tributary.Kinesis;

/// <summary>
/// Where a reader starts, for GetShardIterator's ShardIteratorType and SubscribeToShard's StartingPosition:
/// TRIM_HORIZON (the oldest record retention keeps), LATEST (after the newest), AT_/AFTER_SEQUENCE_NUMBER (the
/// number must belong to this shard of this stream), AT_TIMESTAMP (the first record that arrived at or after
/// the time; before the trim horizon it means TRIM_HORIZON). Errors and messages as AWS gives them.
/// </summary>
internal static class IteratorStart
{
    public static readonly string[] Types = ["AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER", "TRIM_HORIZON", "LATEST", "AT_TIMESTAMP"];

    public static long Resolve(KinesisStreams streams, StreamState stream, ShardState shard, string type, string? startingSequence, long? timestamp)
    {
        switch (type)
        {
            case "TRIM_HORIZON":
                return streams.TrimHorizon(stream, shard);
            case "LATEST":
                return streams.Latest(stream, shard);
            case "AT_TIMESTAMP":
                if (timestamp is null)
                {
                    throw AwsErrorException.InvalidArgument("Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.");
                }
                if (timestamp > streams.NowMs)
                {
                    throw AwsErrorException.InvalidArgument($"The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: {timestamp}, currentTimestampInMillis: {streams.NowMs}");
                }
                return streams.AtTimestamp(stream, shard, timestamp.Value);
            default:
                if (startingSequence is null)
                {
                    throw AwsErrorException.InvalidArgument($"Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified {type} and no StartingSequenceNumber.");
                }
                if (!SequenceNumber.TryParse(startingSequence, out var epoch, out var index, out var offset) || epoch != stream.SequenceEpoch)
                {
                    throw AwsErrorException.InvalidArgument($"StartingSequenceNumber {startingSequence} used in GetShardIterator on shard {shard.Id} in stream {stream.Name} under account {streams.Options.AccountId} is invalid.");
                }
                if (index != shard.Index)
                {
                    throw AwsErrorException.InvalidArgument($"Invalid StartingSequenceNumber. It encodes {ShardId.Format(index)}, while it was used in a call to a shard with {shard.Id}");
                }
                return Math.Max(type == "AFTER_SEQUENCE_NUMBER" ? offset + 1 : offset, streams.TrimHorizon(stream, shard));
        }
    }
}
