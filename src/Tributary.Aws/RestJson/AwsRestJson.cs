using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tributary.Aws.RestJson;

/// <summary>
/// The JSON conventions of AWS's REST-JSON services: camelCase members exactly (a differently cased member is unknown
/// and ignored), absent members rather than nulls, timestamps as ISO 8601 strings in UTC with milliseconds
/// (<c>__timestampIso8601</c>), blobs as base64 (System.Text.Json's own byte[] form).
/// </summary>
public static class AwsRestJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNameCaseInsensitive = false,
    };

    public static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
