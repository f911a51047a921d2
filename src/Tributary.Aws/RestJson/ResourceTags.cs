namespace Tributary.Aws.RestJson;

/// <summary>
/// The tag rules the REST-JSON services (MSK, MSK Connect) share for TagResource: at least one tag; keys 1–128
/// characters, not starting with <c>aws:</c> (reserved for AWS); values at most 256 characters.
/// </summary>
public static class ResourceTags
{
    /// <summary>What is wrong with <paramref name="tags"/>, in the service's words; null when they are acceptable.</summary>
    public static string? Problem(IReadOnlyDictionary<string, string>? tags)
    {
        if (tags is null || tags.Count == 0)
        {
            return "tags is required.";
        }
        foreach (var (key, value) in tags)
        {
            if (key.Length is < 1 or > 128 || key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
            {
                return $"The tag key '{key}' is not valid: 1 to 128 characters, not starting with aws:.";
            }
            if (value is null || value.Length > 256)
            {
                return $"The value of tag '{key}' is not valid: at most 256 characters.";
            }
        }
        return null;
    }
}
