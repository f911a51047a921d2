using Tributary.Aws;

namespace Tributary.Kinesis.Handlers;

/// <summary>
/// DescribeAccountSettings: Tributary has no billing commitments, so it answers the shape of an account without
/// one (MinimumThroughputBillingCommitment with Status DISABLED).
/// </summary>
public sealed class DescribeAccountSettings(KinesisStreams streams) : KinesisOperation(streams)
{
    public override string Name => "DescribeAccountSettings";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        response.WriteStartObject("MinimumThroughputBillingCommitment");
        response.WriteString("Status", "DISABLED");
        response.WriteEndObject();
        return ValueTask.CompletedTask;
    }
}
