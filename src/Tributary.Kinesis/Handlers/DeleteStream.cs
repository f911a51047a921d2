using Tributary.Aws;

namespace Tributary.Kinesis.Handlers;

/// <summary>DeleteStream: StreamName or StreamARN, EnforceConsumerDeletion. Removes the stream and its shard logs.</summary>
public sealed class DeleteStream(KinesisStreams streams) : KinesisOperation(streams)
{
    public override string Name => "DeleteStream";

    public override IReadOnlyList<string> InputMembers { get; } = ["streamName", "enforceConsumerDeletion", "streamARN"];

    /// <summary>No output shape in the model: an empty body.</summary>
    public override bool HasOutput => false;

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        // Every member is deserialized before any check, as AWS does: a wrong type is reported before the stream.
        var enforceConsumerDeletion = request.Body.GetBoolean("EnforceConsumerDeletion") ?? false;
        var stream = ResolveStream(request.Body);
        Streams.Delete(stream, enforceConsumerDeletion);
        return ValueTask.CompletedTask;
    }
}
