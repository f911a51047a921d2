using Tributary.Aws;

namespace Tributary.Kinesis.Handlers;

/// <summary>AddTagsToStream: StreamName or StreamARN, Tags* (1–10 per call; at most 50 on a stream).</summary>
public sealed class AddTagsToStream(KinesisStreams streams) : KinesisOperation(streams)
{
    public override string Name => "AddTagsToStream";

    public override IReadOnlyList<string> InputMembers { get; } = ["streamName", "tags", "streamARN"];

    /// <summary>No output shape in the model: an empty body.</summary>
    public override bool HasOutput => false;

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var validation = NewValidation();
        var tags = ReadTagMap(request.Body, "Tags", validation, 10);
        validation.Required(tags, "tags");
        var stream = ResolveStream(request.Body, validation);
        StreamTags.Add(Streams, stream, tags!);
        return ValueTask.CompletedTask;
    }
}
