using Tributary.Aws;

namespace Tributary.Kinesis.Handlers;

/// <summary>ListTagsForResource: ResourceARN* (a stream) → Tags.</summary>
public sealed class ListTagsForResource(KinesisStreams streams) : KinesisOperation(streams)
{
    public override string Name => "ListTagsForResource";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var validation = new AwsValidation();
        var arn = request.Body.GetString("ResourceARN");
        validation.Required(arn, "resourceARN").Length(arn, 1, 2048, "resourceARN");
        validation.ThrowIfAny();
        var stream = StreamTags.ResolveResource(Streams, arn!);
        lock (stream.Lock)
        {
            StreamTags.WriteList(response, stream.Tags.OrderBy(t => t.Key, StringComparer.Ordinal));
        }
        return ValueTask.CompletedTask;
    }
}
