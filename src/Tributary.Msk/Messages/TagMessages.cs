namespace Tributary.Msk.Messages;

// Tagging shapes (MSK API reference: TagResource's body, ListTagsForResource's answer).

public sealed class TagResourceRequest
{
    public Dictionary<string, string>? Tags { get; set; }
}

public sealed record ListTagsForResourceResponse(IReadOnlyDictionary<string, string> Tags);
