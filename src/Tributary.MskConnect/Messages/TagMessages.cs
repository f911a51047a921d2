namespace Tributary.MskConnect.Messages;

// Tagging shapes (MSK Connect API reference: TagResource's body, ListTagsForResource's answer; TagResource and
// UntagResource answer an empty object).

public sealed class TagResourceRequest
{
    public Dictionary<string, string>? Tags { get; set; }
}

public sealed record ListTagsForResourceResponse(IReadOnlyDictionary<string, string> Tags);

public sealed record EmptyResponse;
