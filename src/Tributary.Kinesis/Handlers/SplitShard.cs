using Tributary.Aws;

namespace Tributary.Kinesis.Handlers;

/// <summary>SplitShard: ShardToSplit*, NewStartingHashKey* (decimal, strictly inside the shard's range). Provisioned streams only.</summary>
public sealed class SplitShard(KinesisStreams streams) : KinesisOperation(streams)
{
    public override string Name => "SplitShard";

    public override IReadOnlyList<string> InputMembers { get; } = ["streamName", "shardToSplit", "newStartingHashKey", "streamARN"];

    /// <summary>No output shape in the model: an empty body.</summary>
    public override bool HasOutput => false;

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var body = request.Body;
        var validation = NewValidation();
        var shardId = body.GetString("ShardToSplit");
        var newStart = body.GetString("NewStartingHashKey");
        ValidateShardId(validation, shardId, "shardToSplit", required: true);
        validation.Required(newStart, "newStartingHashKey").Pattern(newStart, HashKeyRegex(), HashKeyPattern, "newStartingHashKey");
        var stream = ResolveStream(body, validation);
        if (!HashKey.TryParse(newStart, out var key))
        {
            throw AwsErrorException.InvalidArgument($"NewStartingHashKey {newStart} is outside the hash key range [0, 2^128-1].");
        }
        Streams.Split(stream, shardId!, key);
        return ValueTask.CompletedTask;
    }
}
