using System.Text.Json;
using Tributary.Aws;
using Tributary.Firehose.Api;
using Tributary.Firehose.Model;

namespace Tributary.Firehose.Handlers;

/// <summary>UntagDeliveryStream: DeliveryStreamName*, TagKeys* (1–50 keys of 1–128 characters); keys not on the stream are ignored.</summary>
public sealed class UntagDeliveryStream(IDeliveryStreams streams, FirehoseOptions options) : FirehoseOperation(streams, options)
{
    public override string Name => "UntagDeliveryStream";

    public override IReadOnlyList<string> InputMembers { get; } = ["deliveryStreamName", "tagKeys"];

    protected override async ValueTask ExecuteCoreAsync(AwsRequest request, AwsResponseWriter response)
    {
        var body = request.Body;
        var validation = NewValidation();
        var name = ReadStreamName(body, validation);
        var list = body.GetElement("TagKeys", JsonValueKind.Array);
        validation.Required(list, "tagKeys");
        var keys = new List<string>();
        if (list is { } array)
        {
            foreach (var item in array.EnumerateArray())
            {
                keys.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw AwsRequestReader.WrongType("TagKeys", "a list of strings", item));
            }
            // A list of strings: AWS reports its members' violations once, for the whole list (as Kinesis's tagKeys).
            validation.Count(keys.Count, 1, 50, "tagKeys", "[" + string.Join(", ", keys) + "]")
                .MemberLength(keys, 1, 128, "tagKeys")
                .MemberPattern(keys, FirehoseShapes.TagKey(), FirehoseShapes.TagKeyPattern, "tagKeys");
        }
        validation.ThrowIfAny();
        await Streams.UntagAsync(name!, keys, request.Aborted).ConfigureAwait(false);
    }
}
