using Tributary.Aws;
using Tributary.Firehose.Api;
using Tributary.Firehose.Model;

namespace Tributary.Firehose.Handlers;

/// <summary>
/// TagDeliveryStream: DeliveryStreamName*, Tags* (1–50 {Key*, Value}); adds or replaces. The registry refuses more
/// than 50 tags on a stream (LimitExceededException).
/// </summary>
public sealed class TagDeliveryStream(IDeliveryStreams streams, FirehoseOptions options) : FirehoseOperation(streams, options)
{
    public override string Name => "TagDeliveryStream";

    public override IReadOnlyList<string> InputMembers { get; } = ["deliveryStreamName", "tags"];

    protected override async ValueTask ExecuteCoreAsync(AwsRequest request, AwsResponseWriter response)
    {
        var validation = NewValidation();
        var invalid = new List<string>();
        var name = ReadStreamName(request.Body, validation);
        var tags = ReadTags(request.Body, validation, invalid);
        validation.Required(tags, "tags");
        ThrowIfAny(validation, invalid);
        await Streams.TagAsync(name!, tags!, request.Aborted).ConfigureAwait(false);
    }
}
