using Tributary.Aws;

namespace Tributary.Kinesis.Handlers;

/// <summary>DeregisterStreamConsumer: ConsumerARN, or StreamARN and ConsumerName.</summary>
public sealed class DeregisterStreamConsumer(KinesisStreams streams) : KinesisOperation(streams)
{
    public override string Name => "DeregisterStreamConsumer";

    public override IReadOnlyList<string> InputMembers { get; } = ["streamARN", "consumerName", "consumerARN"];

    /// <summary>No output shape in the model: an empty body.</summary>
    public override bool HasOutput => false;

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var body = request.Body;
        ValidateConsumerMembers(body);
        var (stream, consumer) = Streams.FindConsumer(body.GetString("StreamARN"), body.GetString("ConsumerName"), body.GetString("ConsumerARN"));
        Streams.DeregisterConsumer(stream, consumer);
        return ValueTask.CompletedTask;
    }
}
