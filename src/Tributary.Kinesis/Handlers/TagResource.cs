using Tributary.Aws;

namespace Tributary.Kinesis.Handlers;

/// <summary>TagResource: ResourceARN* (a stream), Tags* (1–50).</summary>
public sealed class TagResource(KinesisStreams streams) : KinesisOperation(streams)
{
    public override string Name => "TagResource";

    /// <summary>No output shape in the model: an empty body.</summary>
    public override bool HasOutput => false;

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var validation = new AwsValidation();
        var arn = request.Body.GetString("ResourceARN");
        validation.Required(arn, "resourceARN").Length(arn, 1, 2048, "resourceARN");
        var tags = ReadTagMap(request.Body, "Tags", validation, 50);
        validation.Required(tags, "tags");
        validation.ThrowIfAny();
        StreamTags.Add(Streams, StreamTags.ResolveResource(Streams, arn!), tags!);
        return ValueTask.CompletedTask;
    }
}
