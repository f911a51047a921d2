using Tributary.Aws;

namespace Tributary.Kinesis.Handlers;

/// <summary>UntagResource: ResourceARN* (a stream), TagKeys* (1–50).</summary>
public sealed class UntagResource(KinesisStreams streams) : KinesisOperation(streams)
{
    public override string Name => "UntagResource";

    /// <summary>No output shape in the model: an empty body.</summary>
    public override bool HasOutput => false;

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var validation = new AwsValidation();
        var arn = request.Body.GetString("ResourceARN");
        var keys = ReadStringList(request.Body, "TagKeys");
        validation.Required(arn, "resourceARN").Length(arn, 1, 2048, "resourceARN");
        validation.Required(keys, "tagKeys").Count(keys?.Count, 1, 50, "tagKeys", "[" + string.Join(", ", keys ?? []) + "]");
        validation.ThrowIfAny();
        StreamTags.Remove(Streams, StreamTags.ResolveResource(Streams, arn!), keys!);
        return ValueTask.CompletedTask;
    }
}
