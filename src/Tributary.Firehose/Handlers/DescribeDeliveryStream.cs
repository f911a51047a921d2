using Tributary.Aws;
using Tributary.Firehose.Api;
using Tributary.Firehose.Model;

namespace Tributary.Firehose.Handlers;

/// <summary>
/// DescribeDeliveryStream: DeliveryStreamName*, Limit (1–10000), ExclusiveStartDestinationId (1–100 of
/// <c>[a-zA-Z0-9-]</c>) → DeliveryStreamDescription with its one destination (none when the start id is at or past it).
/// </summary>
public sealed class DescribeDeliveryStream(IDeliveryStreams streams, FirehoseOptions options) : FirehoseOperation(streams, options)
{
    public override string Name => "DescribeDeliveryStream";

    public override IReadOnlyList<string> InputMembers { get; } = ["deliveryStreamName", "limit", "exclusiveStartDestinationId"];

    protected override ValueTask ExecuteCoreAsync(AwsRequest request, AwsResponseWriter response)
    {
        var body = request.Body;
        var validation = NewValidation();
        var name = ReadStreamName(body, validation);
        var limit = body.GetInt64("Limit");
        var exclusiveStart = body.GetString("ExclusiveStartDestinationId");
        validation.Range(limit, 1, 10000, "limit");
        validation.Length(exclusiveStart, 1, 100, "exclusiveStartDestinationId")
            .Pattern(exclusiveStart, FirehoseShapes.DestinationId(), FirehoseShapes.DestinationIdPattern, "exclusiveStartDestinationId");
        validation.ThrowIfAny();
        FirehoseDescriptions.WriteDescription(response, Describe(name!), Options, exclusiveStart);
        return ValueTask.CompletedTask;
    }
}
