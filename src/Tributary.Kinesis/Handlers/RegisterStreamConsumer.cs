using Tributary.Aws;

namespace Tributary.Kinesis.Handlers;

/// <summary>RegisterStreamConsumer: StreamARN*, ConsumerName* (1–128, [a-zA-Z0-9_.-]+), Tags. The consumer is ACTIVE at once; at most 20 per stream.</summary>
public sealed class RegisterStreamConsumer(KinesisStreams streams) : KinesisOperation(streams)
{
    public override string Name => "RegisterStreamConsumer";

    public override IReadOnlyList<string> InputMembers { get; } = ["streamARN", "consumerName", "tags"];

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var body = request.Body;
        var validation = NewValidation();
        var streamArn = body.GetString("StreamARN");
        var name = body.GetString("ConsumerName");
        validation.Required(streamArn, "streamARN").Length(streamArn, 1, 2048, "streamARN").Pattern(streamArn, StreamArnRegex(), StreamArnPattern, "streamARN");
        validation.Required(name, "consumerName");
        ValidateStreamName(validation, name, "consumerName");
        ReadTagMap(body, "Tags", validation, 50);
        validation.ThrowIfAny();
        var stream = Streams.Resolve(null, streamArn);
        var consumer = Streams.RegisterConsumer(stream, name!);
        response.WriteStartObject("Consumer");
        response.WriteString("ConsumerName", consumer.Name);
        response.WriteString("ConsumerARN", consumer.Arn);
        response.WriteString("ConsumerStatus", "ACTIVE");
        response.WriteTimestamp("ConsumerCreationTimestamp", consumer.CreatedMs);
        response.WriteEndObject();
        return ValueTask.CompletedTask;
    }
}
