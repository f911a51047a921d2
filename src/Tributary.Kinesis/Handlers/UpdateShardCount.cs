using Tributary.Aws;

namespace Tributary.Kinesis.Handlers;

/// <summary>UpdateShardCount: TargetShardCount* (½–2× the open shards), ScalingType* = UNIFORM_SCALING. See <see cref="KinesisStreams.UpdateShardCount"/>.</summary>
public sealed class UpdateShardCount(KinesisStreams streams) : KinesisOperation(streams)
{
    public override string Name => "UpdateShardCount";

    public override IReadOnlyList<string> InputMembers { get; } = ["streamName", "targetShardCount", "scalingType", "streamARN"];

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var body = request.Body;
        var validation = NewValidation();
        var target = body.GetInt32("TargetShardCount");
        var scaling = body.GetString("ScalingType");
        validation.Required(target, "targetShardCount").Range(target, 1, 100_000, "targetShardCount");
        validation.Required(scaling, "scalingType").Enum(scaling, ["UNIFORM_SCALING"], "scalingType");
        var stream = ResolveStream(body, validation);
        var (current, updated) = Streams.UpdateShardCount(stream, (int)target!.Value);
        response.WriteString("StreamName", stream.Name);
        response.WriteNumber("CurrentShardCount", current);
        response.WriteNumber("TargetShardCount", updated);
        response.WriteString("StreamARN", stream.Arn);
        return ValueTask.CompletedTask;
    }
}
