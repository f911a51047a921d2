using Tributary.Aws;

namespace Tributary.Kinesis.Handlers;

/// <summary>DescribeStreamSummary: the stream without its shards, with OpenShardCount, ConsumerCount and MaxRecordSizeInKiB.</summary>
public sealed class DescribeStreamSummary(KinesisStreams streams) : KinesisOperation(streams)
{
    public override string Name => "DescribeStreamSummary";

    public override IReadOnlyList<string> InputMembers { get; } = ["streamName", "streamARN"];

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var stream = ResolveStream(request.Body);
        lock (stream.Lock)
        {
            response.WriteStartObject("StreamDescriptionSummary");
            response.WriteString("StreamName", stream.Name);
            response.WriteString("StreamARN", stream.Arn);
            response.WriteString("StreamStatus", stream.Status);
            WriteStreamModeDetails(response, stream);
            response.WriteNumber("RetentionPeriodHours", stream.RetentionHours);
            response.WriteTimestamp("StreamCreationTimestamp", stream.CreatedMs);
            WriteEnhancedMonitoring(response, stream);
            response.WriteString("EncryptionType", stream.EncryptionType);
            if (stream.KeyId is not null)
            {
                response.WriteString("KeyId", stream.KeyId);
            }
            response.WriteNumber("OpenShardCount", stream.OpenShards.Length);
            response.WriteNumber("ConsumerCount", stream.Consumers.Count);
            response.WriteNumber("MaxRecordSizeInKiB", stream.MaxRecordSizeKiB);
            response.WriteEndObject();
        }
        return ValueTask.CompletedTask;
    }
}
