using System.Text.Json;
using Tributary.Aws;
using Tributary.Firehose.Api;
using Tributary.Firehose.Model;

namespace Tributary.Firehose.Handlers;

/// <summary>UntagDeliveryStream: DeliveryStreamName*, TagKeys* (1–50 keys of 1–128 characters); keys not on the stream are ignored.</summary>
public sealed class UntagDeliveryStream(IDeliveryStreams streams, FirehoseOptions options) : FirehoseOperation(streams, options)
{
    public override string Name => "UntagDeliveryStream";

    protected override async ValueTask ExecuteCoreAsync(AwsRequest request, AwsResponseWriter response)
    {
        var body = request.Body;
        var validation = new AwsValidation();
        var name = ReadStreamName(body, validation);
        var list = body.GetElement("TagKeys", JsonValueKind.Array);
        validation.Required(list, "tagKeys");
        var keys = new List<string>();
        if (list is { } array)
        {
            var index = 0;
            foreach (var item in array.EnumerateArray())
            {
                index++;
                var key = item.ValueKind == JsonValueKind.String ? item.GetString()! : throw AwsRequestReader.WrongType("TagKeys", "a list of strings", item);
                var path = FirehoseDefinitions.Index("tagKeys", index);
                validation.Length(key, 1, 128, path).Pattern(key, FirehoseShapes.TagKey(), FirehoseShapes.TagKeyPattern, path);
                keys.Add(key);
            }
            validation.Count(keys.Count, 1, 50, "tagKeys", "[" + string.Join(", ", keys) + "]");
        }
        validation.ThrowIfAny();
        await Streams.UntagAsync(name!, keys, request.Aborted).ConfigureAwait(false);
    }
}
