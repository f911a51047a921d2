using Tributary.Aws;
using Tributary.Firehose.Api;
using Tributary.Firehose.Model;

namespace Tributary.Firehose.Handlers;

/// <summary>
/// ListTagsForDeliveryStream: DeliveryStreamName*, ExclusiveStartTagKey, Limit (1–50, default 50) → Tags [{Key, Value}]
/// in key order and HasMoreTags.
/// </summary>
public sealed class ListTagsForDeliveryStream(IDeliveryStreams streams, FirehoseOptions options) : FirehoseOperation(streams, options)
{
    public override string Name => "ListTagsForDeliveryStream";

    public override IReadOnlyList<string> InputMembers { get; } = ["deliveryStreamName", "exclusiveStartTagKey", "limit"];

    protected override ValueTask ExecuteCoreAsync(AwsRequest request, AwsResponseWriter response)
    {
        var body = request.Body;
        var validation = NewValidation();
        var name = ReadStreamName(body, validation);
        var limit = body.GetInt64("Limit");
        var exclusiveStart = body.GetString("ExclusiveStartTagKey");
        validation.Range(limit, 1, 50, "limit");
        validation.Length(exclusiveStart, 1, 128, "exclusiveStartTagKey")
            .Pattern(exclusiveStart, FirehoseShapes.TagKey(), FirehoseShapes.TagKeyPattern, "exclusiveStartTagKey");
        validation.ThrowIfAny();
        var tags = Describe(name!).Definition.Tags
            .Where(t => exclusiveStart is null || string.CompareOrdinal(t.Key, exclusiveStart) > 0)
            .OrderBy(t => t.Key, StringComparer.Ordinal)
            .ToList();
        var pageSize = (int)(limit ?? 50);
        response.WriteStartArray("Tags");
        foreach (var (key, value) in tags.Take(pageSize))
        {
            response.WriteStartObject();
            response.WriteString("Key", key);
            response.WriteString("Value", value);
            response.WriteEndObject();
        }
        response.WriteEndArray();
        response.WriteBoolean("HasMoreTags", tags.Count > pageSize);
        return ValueTask.CompletedTask;
    }
}
