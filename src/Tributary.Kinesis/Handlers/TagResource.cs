using Tributary.Aws;

namespace Tributary.Kinesis.Handlers;

/// <summary>TagResource: ResourceARN* (a stream), Tags* (1–50).</summary>
public sealed class TagResource(KinesisStreams streams) : KinesisOperation(streams)
{
    public override string Name => "TagResource";

    public override IReadOnlyList<string> InputMembers { get; } = ["tags", "resourceARN"];

    /// <summary>No output shape in the model: an empty body.</summary>
    public override bool HasOutput => false;

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var validation = NewValidation();
        var arn = request.Body.GetString("ResourceARN");
        ValidateResourceArn(validation, arn);
        var tags = ReadTagMap(request.Body, "Tags", validation, 50);
        validation.Required(tags, "tags");
        validation.ThrowIfAny();
        StreamTags.Add(Streams, StreamTags.ResolveResource(Streams, arn!), tags!);
        return ValueTask.CompletedTask;
    }
}
