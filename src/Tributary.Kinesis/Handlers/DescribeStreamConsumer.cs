using Tributary.Aws;

namespace Tributary.Kinesis.Handlers;

/// <summary>DescribeStreamConsumer: ConsumerARN, or StreamARN and ConsumerName → ConsumerDescription.</summary>
public sealed class DescribeStreamConsumer(KinesisStreams streams) : KinesisOperation(streams)
{
    public override string Name => "DescribeStreamConsumer";

    public override IReadOnlyList<string> InputMembers { get; } = ["streamARN", "consumerName", "consumerARN"];

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var body = request.Body;
        ValidateConsumerMembers(body);
        var (stream, consumer) = Streams.FindConsumer(body.GetString("StreamARN"), body.GetString("ConsumerName"), body.GetString("ConsumerARN"));
        response.WriteStartObject("ConsumerDescription");
        response.WriteString("ConsumerName", consumer.Name);
        response.WriteString("ConsumerARN", consumer.Arn);
        response.WriteString("ConsumerStatus", "ACTIVE");
        response.WriteTimestamp("ConsumerCreationTimestamp", consumer.CreatedMs);
        response.WriteString("StreamARN", stream.Arn);
        response.WriteEndObject();
        return ValueTask.CompletedTask;
    }
}
