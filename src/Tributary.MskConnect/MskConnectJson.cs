using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tributary.MskConnect;

/// <summary>
/// MSK Connect's JSON conventions: camelCase members, absent members rather than nulls, timestamps as ISO 8601
/// strings in UTC with milliseconds.
/// </summary>
internal static class MskConnectJson
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
