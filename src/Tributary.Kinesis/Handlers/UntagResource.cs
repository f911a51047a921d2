using Tributary.Aws;

namespace Tributary.Kinesis.Handlers;

/// <summary>UntagResource: ResourceARN* (a stream), TagKeys* (1–50).</summary>
public sealed class UntagResource(KinesisStreams streams) : KinesisOperation(streams)
{
    public override string Name => "UntagResource";

    public override IReadOnlyList<string> InputMembers { get; } = ["tagKeys", "resourceARN"];

    /// <summary>No output shape in the model: an empty body.</summary>
    public override bool HasOutput => false;

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var validation = NewValidation();
        var arn = request.Body.GetString("ResourceARN");
        var keys = ReadStringList(request.Body, "TagKeys");
        ValidateResourceArn(validation, arn);
        validation.Required(keys, "tagKeys").Count(keys?.Count, 1, 50, "tagKeys", "[" + string.Join(", ", keys ?? []) + "]").MemberLength(keys, 1, 128, "tagKeys");
        validation.ThrowIfAny();
        StreamTags.Remove(Streams, StreamTags.ResolveResource(Streams, arn!), keys!);
        return ValueTask.CompletedTask;
    }
}
