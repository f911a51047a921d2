using Tributary.Aws;

namespace Tributary.Kinesis.Handlers;

/// <summary>RemoveTagsFromStream: StreamName or StreamARN, TagKeys* (1–10).</summary>
public sealed class RemoveTagsFromStream(KinesisStreams streams) : KinesisOperation(streams)
{
    public override string Name => "RemoveTagsFromStream";

    public override IReadOnlyList<string> InputMembers { get; } = ["streamName", "tagKeys", "streamARN"];

    /// <summary>No output shape in the model: an empty body.</summary>
    public override bool HasOutput => false;

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var validation = NewValidation();
        var keys = ReadStringList(request.Body, "TagKeys");
        validation.Required(keys, "tagKeys").Count(keys?.Count, 1, 10, "tagKeys", "[" + string.Join(", ", keys ?? []) + "]").MemberLength(keys, 1, 128, "tagKeys");
        var stream = ResolveStream(request.Body, validation);
        StreamTags.Remove(Streams, stream, keys!);
        return ValueTask.CompletedTask;
    }
}
