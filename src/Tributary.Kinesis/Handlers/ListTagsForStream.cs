using Tributary.Aws;

namespace Tributary.Kinesis.Handlers;

/// <summary>ListTagsForStream: StreamName or StreamARN, ExclusiveStartTagKey, Limit (1–50, default 50) → Tags, HasMoreTags; keys in ordinal order.</summary>
public sealed class ListTagsForStream(KinesisStreams streams) : KinesisOperation(streams)
{
    public override string Name => "ListTagsForStream";

    public override IReadOnlyList<string> InputMembers { get; } = ["streamName", "exclusiveStartTagKey", "limit", "streamARN"];

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var body = request.Body;
        var validation = NewValidation();
        var limit = body.GetInt32("Limit");
        var exclusiveStart = body.GetString("ExclusiveStartTagKey");
        validation.Range(limit, 1, 50, "limit").Length(exclusiveStart, 1, 128, "exclusiveStartTagKey");
        var stream = ResolveStream(body, validation);
        lock (stream.Lock)
        {
            var all = stream.Tags.Where(t => exclusiveStart is null || string.CompareOrdinal(t.Key, exclusiveStart) > 0).OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
            var page = all.Take((int)(limit ?? 50)).ToList();
            StreamTags.WriteList(response, page);
            response.WriteBoolean("HasMoreTags", all.Count > page.Count);
        }
        return ValueTask.CompletedTask;
    }
}
