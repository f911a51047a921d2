using Tributary.Aws;
using Tributary.Firehose.Api;
using Tributary.Firehose.Model;

namespace Tributary.Firehose.Handlers;

/// <summary>
/// ListDeliveryStreams: Limit (1–10000, default 10), DeliveryStreamType (only streams of that type),
/// ExclusiveStartDeliveryStreamName → DeliveryStreamNames in name order and HasMoreDeliveryStreams.
/// </summary>
public sealed class ListDeliveryStreams(IDeliveryStreams streams, FirehoseOptions options) : FirehoseOperation(streams, options)
{
    public const int DefaultLimit = 10;

    public override string Name => "ListDeliveryStreams";

    public override IReadOnlyList<string> InputMembers { get; } = ["limit", "deliveryStreamType", "exclusiveStartDeliveryStreamName"];

    protected override ValueTask ExecuteCoreAsync(AwsRequest request, AwsResponseWriter response)
    {
        var body = request.Body;
        var validation = NewValidation();
        var limit = body.GetInt64("Limit");
        var type = body.GetString("DeliveryStreamType");
        var exclusiveStart = body.GetString("ExclusiveStartDeliveryStreamName");
        validation.Range(limit, 1, 10000, "limit");
        validation.Enum(type, FirehoseShapes.DeliveryStreamTypes, "deliveryStreamType");
        ValidateStreamName(validation, exclusiveStart, "exclusiveStartDeliveryStreamName");
        validation.ThrowIfAny();
        var pageSize = (int)(limit ?? DefaultLimit);
        var written = 0;
        var more = false;
        response.WriteStartArray("DeliveryStreamNames");
        foreach (var stream in Streams.List())
        {
            var definition = stream.Definition;
            if ((type is not null && definition.Type.ToString() != type)
                || (exclusiveStart is not null && string.CompareOrdinal(definition.Name, exclusiveStart) <= 0))
            {
                continue;
            }
            if (written == pageSize)
            {
                more = true;
                break;
            }
            response.WriteStringValue(definition.Name);
            written++;
        }
        response.WriteEndArray();
        response.WriteBoolean("HasMoreDeliveryStreams", more);
        return ValueTask.CompletedTask;
    }
}
