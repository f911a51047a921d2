using System.Globalization;
using Tributary.Aws;

namespace Tributary.Kinesis.Handlers;

/// <summary>
/// GetShardIterator: ShardId*, ShardIteratorType* (AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, TRIM_HORIZON,
/// LATEST, AT_TIMESTAMP), StartingSequenceNumber (for the first two), Timestamp (for AT_TIMESTAMP; before the
/// trim horizon it means TRIM_HORIZON). Works on closed shards too. The iterator is valid for five minutes.
/// </summary>
public sealed partial class GetShardIterator(KinesisStreams streams) : KinesisOperation(streams)
{
    private static readonly string[] Types = ["AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER", "TRIM_HORIZON", "LATEST", "AT_TIMESTAMP"];

    public override string Name => "GetShardIterator";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var body = request.Body;
        var validation = new AwsValidation();
        var shardId = body.GetString("ShardId");
        var type = body.GetString("ShardIteratorType");
        var startingSequence = body.GetString("StartingSequenceNumber");
        var timestamp = body.GetTimestampMilliseconds("Timestamp");
        ValidateShardId(validation, shardId, "shardId", required: true);
        validation.Required(type, "shardIteratorType").Enum(type, Types, "shardIteratorType");
        validation.Pattern(startingSequence, SequenceNumberRegex(), "0|([1-9]\\d{0,128})", "startingSequenceNumber");
        var stream = ResolveStream(body, validation);
        var shard = Streams.GetShard(stream, shardId!);
        long offset;
        switch (type)
        {
            case "TRIM_HORIZON":
                offset = Streams.TrimHorizon(stream, shard);
                break;
            case "LATEST":
                offset = Streams.Latest(stream, shard);
                break;
            case "AT_TIMESTAMP":
                if (timestamp is null)
                {
                    throw AwsErrorException.InvalidArgument("Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.");
                }
                if (timestamp > Streams.NowMs)
                {
                    throw AwsErrorException.InvalidArgument($"The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: {timestamp}, currentTimestampInMillis: {Streams.NowMs}");
                }
                offset = Streams.AtTimestamp(stream, shard, timestamp.Value);
                break;
            default:
                if (startingSequence is null)
                {
                    throw AwsErrorException.InvalidArgument($"Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified {type} and no StartingSequenceNumber.");
                }
                if (!SequenceNumber.TryParse(startingSequence, out var epoch, out var index, out var sequenceOffset) || epoch != stream.SequenceEpoch)
                {
                    throw AwsErrorException.InvalidArgument($"StartingSequenceNumber {startingSequence} used in GetShardIterator on shard {shard.Id} in stream {stream.Name} under account {Streams.Options.AccountId} is invalid.");
                }
                if (index != shard.Index)
                {
                    throw AwsErrorException.InvalidArgument($"Invalid StartingSequenceNumber. It encodes {ShardId.Format(index)}, while it was used in a call to a shard with {shard.Id}");
                }
                offset = type == "AFTER_SEQUENCE_NUMBER" ? sequenceOffset + 1 : sequenceOffset;
                offset = Math.Max(offset, Streams.TrimHorizon(stream, shard));
                break;
        }
        response.WriteString("ShardIterator", ShardIterator.Encode(new ShardPosition(stream.Name, stream.SequenceEpoch, shard.Index, offset, Streams.NowMs)));
        return ValueTask.CompletedTask;
    }

    [System.Text.RegularExpressions.GeneratedRegex("^(?:0|([1-9]\\d{0,128}))$")]
    private static partial System.Text.RegularExpressions.Regex SequenceNumberRegex();

    internal static string Describe(long value) => value.ToString(CultureInfo.InvariantCulture);
}
