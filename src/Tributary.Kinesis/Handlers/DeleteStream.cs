using Tributary.Aws;

namespace Tributary.Kinesis.Handlers;

/// <summary>DeleteStream: StreamName or StreamARN, EnforceConsumerDeletion. Removes the stream and its shard logs.</summary>
public sealed class DeleteStream(KinesisStreams streams) : KinesisOperation(streams)
{
    public override string Name => "DeleteStream";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var stream = ResolveStream(request.Body);
        Streams.Delete(stream, request.Body.GetBoolean("EnforceConsumerDeletion") ?? false);
        return ValueTask.CompletedTask;
    }
}
