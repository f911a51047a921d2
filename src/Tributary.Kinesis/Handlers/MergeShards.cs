using Tributary.Aws;

namespace Tributary.Kinesis.Handlers;

/// <summary>MergeShards: ShardToMerge*, AdjacentShardToMerge* (open, with contiguous ranges). Provisioned streams only.</summary>
public sealed class MergeShards(KinesisStreams streams) : KinesisOperation(streams)
{
    public override string Name => "MergeShards";

    public override IReadOnlyList<string> InputMembers { get; } = ["streamName", "shardToMerge", "adjacentShardToMerge", "streamARN"];

    /// <summary>No output shape in the model: an empty body.</summary>
    public override bool HasOutput => false;

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var body = request.Body;
        var validation = NewValidation();
        var shard = body.GetString("ShardToMerge");
        var adjacent = body.GetString("AdjacentShardToMerge");
        ValidateShardId(validation, shard, "shardToMerge", required: true);
        ValidateShardId(validation, adjacent, "adjacentShardToMerge", required: true);
        var stream = ResolveStream(body, validation);
        Streams.Merge(stream, shard!, adjacent!);
        return ValueTask.CompletedTask;
    }
}
