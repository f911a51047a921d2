using Tributary.Aws;

namespace Tributary.Kinesis.Handlers;

/// <summary>ListTagsForResource: ResourceARN* (a stream) → Tags.</summary>
public sealed class ListTagsForResource(KinesisStreams streams) : KinesisOperation(streams)
{
    public override string Name => "ListTagsForResource";

    public override IReadOnlyList<string> InputMembers { get; } = ["resourceARN"];

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var validation = NewValidation();
        var arn = request.Body.GetString("ResourceARN");
        ValidateResourceArn(validation, arn);
        validation.ThrowIfAny();
        var stream = StreamTags.ResolveResource(Streams, arn!);
        lock (stream.Lock)
        {
            StreamTags.WriteList(response, stream.Tags.OrderBy(t => t.Key, StringComparer.Ordinal));
        }
        return ValueTask.CompletedTask;
    }
}
